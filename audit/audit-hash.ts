/**
 * How an audit entry is hashed: SHA-256 of its canonical JSON, chained through `prevHash`
 * (audit/audit-log.ts appends, audit/audit-verification.ts checks).
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../models/audit-event';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and dates as ISO strings, so that the hash
 * computed at append time is recomputed exactly from what MongoDB gives back. Like
 * `JSON.stringify`, it drops `undefined` (and functions) from objects and writes them as
 * `null` in arrays; non-finite numbers become `null`.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

function canonical(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonical(item) ?? 'null').join(',')}]`;
  const toJson: unknown = Reflect.get(value, 'toJSON');
  if (typeof toJson === 'function') {
    const json: unknown = Reflect.apply(toJson, value, []);
    return canonical(json);
  }
  const members: string[] = [];
  for (const name of Object.keys(value).sort()) {
    const member = canonical(Reflect.get(value, name));
    if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

/** The hash of an entry: every field but `hash` itself, absent optional fields as `null`. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const content = {
    seq: entry.seq,
    key: entry.key,
    at: entry.at,
    kind: entry.kind,
    registrationId: entry.registrationId ?? null,
    actor: entry.actor ?? null,
    data: entry.data ?? null,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
