import { Schema, model } from 'mongoose';

/** One fixed-window counter: `_id` is `<rule>:<subject>:<window start>`. */
const rateCounterSchema = new Schema({
  _id: { type: String, required: true },
  count: { type: Number, required: true },
  /** Removed then by the expiry sweeper (models/expiry.ts). */
  expiresAt: { type: Date, required: true },
});
export const RateCounterModel = model('RateCounter', rateCounterSchema);
