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
  for (let attempt = 1; ; attempt++) {
    try {
      // The very first numbers issued at once race to create the counter: the losers collide (11000) and go round again.
      const counter = await CounterModel.findOneAndUpdate(
        { _id: 'trackingNumber' },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      const trackingNumber = `IACS-${now.getUTCFullYear()}-${String(counter.seq).padStart(6, '0')}`;
      await TrackingNumberModel.create({ _id: trackingNumber, issuedAt: now, ...request });
      return trackingNumber;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
