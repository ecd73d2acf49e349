/**
 * The audit log: every status change, decision, login and role change, appended to MongoDB as
 * a hash chain. Entry n carries `prevHash` = hash of entry n-1 (64 zeros for the first) and
 * `hash` = SHA-256 of its own canonical JSON, so editing an entry, deleting one from the
 * middle or re-ordering them breaks the chain where it happened.
 *
 * No transactions (FerretDB has none): the unique index on `seq` makes two racing appenders
 * collide instead of forking the chain; the loser reads the new end and tries again. Each
 * entry's `_id` is its idempotency key, so a retried activity appends its event once.
 *
 * What the chain cannot show on its own: a deleted *tail* (the last entries removed leaves a
 * shorter chain that is still consistent). For that a single `audit_head` document keeps the
 * highest `seq` appended and its hash; it only moves forward, so a head beyond the last entry
 * reveals the truncation. The hashes are not keyed: someone able to rewrite the whole
 * collection, recompute every later hash and move the head can forge a consistent log. Against
 * that, export the chain (or just note the head's hash) regularly and keep it elsewhere.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEventModel, AuditHeadModel, type AuditEntry } from '../models/audit-event';
import { isDuplicateKey } from '../models/errors';
import { oneAtATime } from '../infra/one-at-a-time';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit-hash';

export type { AuditEntry } from '../models/audit-event';

/** How many times an appender re-reads the end of the chain after losing a race for `seq`. */
const MAX_APPEND_ATTEMPTS = 50;

export interface AuditEventInput {
  kind: string;
  registrationId?: string;
  /** Who did it: a user ID, `configuration`, … Absent for the applicant or the system. */
  actor?: string;
  /** Context for the reader. Never passwords, tokens, codes, answers, SSNs or dates of birth. */
  data?: Record<string, unknown>;
}

async function entryWithKey(key: string): Promise<AuditEntry | null> {
  return AuditEventModel.findById(key, { _id: 0 }).lean<AuditEntry>();
}

type ChainEnd = { seq: number; hash: string };

/** The end of the chain as the head records it: one read by `_id`, whatever the chain's length. */
async function recordedEnd(): Promise<ChainEnd | null> {
  return AuditHeadModel.findById('head', { _id: 0, seq: 1, hash: 1 }).lean<ChainEnd>();
}

/**
 * The real end of the chain, read from the entries (a scan of the collection). Needed only when
 * the head lags: an appender stopped between its entry and the head, or the head was deleted.
 */
async function lastEntry(): Promise<ChainEnd | null> {
  return AuditEventModel.findOne({}, { _id: 0, seq: 1, hash: 1 }).sort({ seq: -1 }).lean<ChainEnd>();
}

/**
 * Moves the head to `entry` unless it already records that entry or a later one. The filter
 * `seq < entry.seq` makes it a forward-only "$max"; the upsert creates the head the first
 * time. An upsert that finds the head at a later seq tries to insert a second `_id: 'head'`
 * and fails with 11000: then either the head is already further on (nothing to do) or another
 * appender created it a moment ago with an earlier seq (the plain update below moves it).
 */
async function advanceHead(entry: ChainEnd): Promise<void> {
  const filter = { _id: 'head', seq: { $lt: entry.seq } };
  const update = { $set: { seq: entry.seq, hash: entry.hash } };
  try {
    await AuditHeadModel.updateOne(filter, update, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await AuditHeadModel.updateOne(filter, update);
  }
}

/** After this many collisions at the same recorded end, the head is taken to lag and is repaired from the entries. */
const COLLISIONS_BEFORE_REPAIR = 3;

/**
 * The end of the chain as this process last appended it. Appends from one process run one at a
 * time (`appending`), so within a process they never race for a seq, and the next append needs
 * no read to know where the chain ends; another process appending meanwhile makes the next
 * insert collide, and the head is read again.
 */
let knownEnd: ChainEnd | undefined;
const appending = oneAtATime();

/** Forget the chain's end known in process: after the log was emptied or restored from a copy. */
export function forgetKnownChainEnd(): void {
  knownEnd = undefined;
}

/**
 * Appends an event under an idempotency key and returns its entry; if the key was appended
 * before (a retried activity), returns that entry and appends nothing.
 *
 * The cost does not grow with the chain: the entry is stored with `_id` = its key, so a repeated
 * key collides on insert (then it is read by `_id`), and the chain's end is known in process or
 * read from the head document. Usually an append is one insert and one head update. Only when
 * the head stays put through several collisions (an appender died between its entry and the
 * head) are the entries read to find the real end.
 */
export function appendAudit(key: string, event: AuditEventInput): Promise<AuditEntry> {
  return appending(() => appendNow(key, event));
}

async function appendNow(key: string, event: AuditEventInput): Promise<AuditEntry> {
  // The unique index on `seq` is what keeps the chain from forking: make sure it exists (once).
  await AuditEventModel.init();
  // Stored exactly as it is hashed: plain JSON values, keys in canonical order.
  const data: unknown = event.data === undefined ? undefined : JSON.parse(canonicalJson(event.data));
  let stuckAt: number | undefined;
  let collisions = 0;
  for (let attempt = 1; ; attempt++) {
    let end = knownEnd ?? (await recordedEnd());
    if (end === null || (stuckAt === end.seq && collisions >= COLLISIONS_BEFORE_REPAIR)) {
      end = (await lastEntry()) ?? end;
      if (end) await advanceHead(end);
      collisions = 0;
    }
    const content: Omit<AuditEntry, 'hash'> = {
      seq: (end?.seq ?? 0) + 1,
      key,
      at: new Date(),
      kind: event.kind,
      ...(event.registrationId !== undefined && { registrationId: event.registrationId }),
      ...(event.actor !== undefined && { actor: event.actor }),
      ...(data !== undefined && { data }),
      prevHash: end?.hash ?? GENESIS_HASH,
    };
    const entry: AuditEntry = { ...content, hash: auditEntryHash(content) };
    try {
      await AuditEventModel.create({ _id: key, ...entry });
      knownEnd = { seq: entry.seq, hash: entry.hash };
      await advanceHead(entry);
      return entry;
    } catch (err) {
      knownEnd = undefined;
      if (!isDuplicateKey(err)) throw err;
      // Either this key was appended before (a retry: return its entry) or another process took this seq.
      const existing = await entryWithKey(key);
      if (existing) {
        // An earlier attempt may have stopped between the entry and the head.
        await advanceHead(existing);
        return existing;
      }
      if (attempt >= MAX_APPEND_ATTEMPTS)
        throw new Error(`audit: could not append ${event.kind} after ${MAX_APPEND_ATTEMPTS} attempts (contention for seq)`);
      collisions = stuckAt === end?.seq ? collisions + 1 : 1;
      stuckAt = end?.seq;
      await sleep(randomInt(1, 5 + 2 * Math.min(attempt, 20)));
    }
  }
}
