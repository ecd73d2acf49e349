import { Schema, model } from 'mongoose';

/**
 * The audit log: an append-only, hash-chained trail of what happened to registrations and
 * accounts (status changes, decisions, logins, role grants). No secrets in `data`.
 *
 * `seq` is unique, so two appenders racing for the same place cannot both win (no fork);
 * `_id` is the idempotency key (also kept as `key`, which the hash covers), so a retried
 * activity appends its event once, and finding an entry by key is a read by `_id`. `hash` is the SHA-256 of the
 * entry's canonical JSON (see `audit/audit-log.ts`), which includes `prevHash`, the previous
 * entry's hash. The collection is `audit_events`, not the old unchained `auditevents`, whose
 * entries have no `seq` and would break the unique index.
 */
const auditEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, unique: true },
    key: { type: String, required: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    registrationId: { type: String, index: true },
    actor: { type: String },
    // Stored exactly as hashed: plain JSON values, empty objects kept (minimize: false).
    data: { type: Schema.Types.Mixed },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_events', minimize: false, versionKey: false },
);
export const AuditEventModel = model('AuditEvent', auditEventSchema);

/** The shape of an audit entry as read back with `lean()`. */
export interface AuditEntry {
  seq: number;
  key: string;
  at: Date;
  kind: string;
  registrationId?: string | null;
  actor?: string | null;
  data?: unknown;
  prevHash: string;
  hash: string;
}

/**
 * One document, `_id: 'head'`: the highest `seq` appended and its hash. Only ever moves
 * forward, so `verifyAuditChain` can tell a deleted tail (head.seq beyond the last entry).
 */
const auditHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_head', versionKey: false },
);
export const AuditHeadModel = model('AuditHead', auditHeadSchema);
