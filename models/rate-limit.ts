import { Schema, model } from 'mongoose';

/** One fixed-window counter: `_id` is `<rule>:<subject>:<window start>`. */
const rateCounterSchema = new Schema({
  _id: { type: String, required: true },
  count: { type: Number, required: true },
  expiresAt: { type: Date, required: true, index: true },
});
export const RateCounterModel = model('RateCounter', rateCounterSchema);
