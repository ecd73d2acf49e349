import { isDuplicateKey } from '../models/errors';
import { CounterModel, TrackingNumberModel } from '../models/support';

const MAX_ATTEMPTS = 50;

/** The request a number is issued to, kept with the number so that a look-up by number is one read by `_id`. */
interface TrackedRequest {
  kind: 'REGISTRATION' | 'APPLICATION_ROLE';
  requestId: string;
}

/**
 * The next request tracking number, e.g. `IACS-2026-000042`, unique across registrations and
 * application-role requests. The counter proposes a number; claiming it is an insert keyed by the
 * number itself, which a unique `_id` makes atomic on any MongoDB-wire database. (FerretDB runs
 * `$inc` as read-modify-write without a lock, so two callers at once can be offered the same
 * number: the second insert collides and takes the next one.) The claim names the request, so the
 * Help Desk finds a request by its number with one read by `_id` (api/console/help-desk-routes.ts).
 */
export async function issueTrackingNumber(now = new Date(), request?: TrackedRequest): Promise<string> {
  // The highest number this call found taken: it never proposes that one or a lower one again, so
  // each collision is a number another caller holds (the counter's unlocked read-modify-write can
  // even move it back), and a call collides at most as often as others issue numbers meanwhile.
  let taken = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      // The very first numbers issued at once race to create the counter: the losers collide (11000) and go round again.
      const counter = await CounterModel.findOneAndUpdate(
        { _id: 'trackingNumber' },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      const seq = Math.max(counter.seq, taken + 1);
      const trackingNumber = `IACS-${now.getUTCFullYear()}-${String(seq).padStart(6, '0')}`;
      try {
        await TrackingNumberModel.create({ _id: trackingNumber, issuedAt: now, ...request });
      } catch (err) {
        if (isDuplicateKey(err)) taken = seq;
        throw err;
      }
      // The counter lagged behind the numbers issued: bring it on, so that later calls do not walk the same way.
      if (seq > counter.seq) await CounterModel.updateOne({ _id: 'trackingNumber' }, { $max: { seq } });
      return trackingNumber;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
