import { CounterModel } from '../models/support';

/** The next request tracking number, e.g. `IACS-2026-000042`: a MongoDB counter, unique by construction. */
export async function issueTrackingNumber(now = new Date()): Promise<string> {
  const counter = await CounterModel.findOneAndUpdate(
    { _id: 'trackingNumber' },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  return `IACS-${now.getUTCFullYear()}-${String(counter.seq).padStart(6, '0')}`;
}
