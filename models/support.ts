import { Schema, model } from 'mongoose';

/** Named sequences (tracking numbers). */
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } });
export const CounterModel = model('Counter', counterSchema);

/**
 * Every tracking number issued, keyed by the number: the insert is what makes a number unique.
 * `kind` and `requestId` name the request it was issued to (numbers issued before they were
 * kept are filled in once at API start-up, api/console/tracking-number-index.ts).
 */
const trackingNumberSchema = new Schema(
  {
    _id: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    kind: { type: String, enum: ['REGISTRATION', 'APPLICATION_ROLE'] },
    requestId: { type: String },
  },
  { collection: 'tracking_numbers', versionKey: false },
);
export const TrackingNumberModel = model('TrackingNumber', trackingNumberSchema);

/** Emails already sent, by idempotency key: an activity retry never sends twice. */
const sentEmailSchema = new Schema({
  _id: { type: String, required: true },
  to: { type: String, required: true },
  subject: { type: String, required: true },
  sentAt: { type: Date, required: true },
});
export const SentEmailModel = model('SentEmail', sentEmailSchema);
