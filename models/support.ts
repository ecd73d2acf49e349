import { Schema, model } from 'mongoose';

/** Named sequences (tracking numbers). */
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } });
export const CounterModel = model('Counter', counterSchema);

/** Emails already sent, by idempotency key: an activity retry never sends twice. */
const sentEmailSchema = new Schema({ _id: { type: String, required: true }, to: { type: String, required: true }, subject: { type: String, required: true }, sentAt: { type: Date, required: true } });
export const SentEmailModel = model('SentEmail', sentEmailSchema);

/** An append-only trail of what happened to registrations and accounts. No secrets in `data`. */
const auditEventSchema = new Schema({
  key: { type: String, required: true, unique: true },
  at: { type: Date, required: true },
  kind: { type: String, required: true },
  registrationId: { type: String, index: true },
  actor: { type: String },
  data: { type: Schema.Types.Mixed },
});
export const AuditEventModel = model('AuditEvent', auditEventSchema);
