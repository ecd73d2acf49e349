/**
 * Documents that expire at a known instant (sessions, rate-limit counters, idempotency keys), removed without a
 * scan: FerretDB keeps no TTL index, and a `deleteMany({ expiresAt: { $lt } })` reads the whole
 * collection. Instead each minute has one bucket document (`_id` = the minute) listing what
 * expires in it, and the sweeper walks the minutes since it last swept, each by `_id`: its cost
 * is what expires, not what is stored.
 */
import { Schema, model } from 'mongoose';
import { log } from '../infra/logger';
import { oneAtATime } from '../infra/one-at-a-time';
import { isDuplicateKey } from './errors';
import { RateCounterModel } from './rate-limit';
import { SessionModel } from './account';
import { IdempotencyKeyModel } from './idempotency';

const BUCKET_MS = 60_000;

/** The collections whose documents expire this way, by the name a bucket entry carries. */
const EXPIRING = {
  session: (id: string) => SessionModel.deleteOne({ _id: id }),
  rateCounter: (id: string) => RateCounterModel.deleteOne({ _id: id }),
  idempotencyKey: (id: string) => IdempotencyKeyModel.deleteOne({ _id: id }),
};
type ExpiringKind = keyof typeof EXPIRING;
const isExpiringKind = (kind: string): kind is ExpiringKind => Object.hasOwn(EXPIRING, kind);

const expiryBucketSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** `<kind>|<document _id>` of each document that expires in this minute. */
    ids: { type: [String], default: [] },
    /** On the cursor document only: the first minute not yet swept. */
    next: { type: Number },
  },
  { collection: 'expiry_buckets', versionKey: false },
);
const ExpiryBucketModel = model('ExpiryBucket', expiryBucketSchema);
const CURSOR_ID = 'cursor';

const minuteOf = (at: number) => Math.floor(at / BUCKET_MS);

/** Entries waiting to be added to their buckets, by bucket `_id`. */
const pending = new Map<string, string[]>();
const flushing = oneAtATime();

/**
 * Notes that the document `id` of `kind` expires at `at`. The entries of one process are added
 * one batch at a time (one `$addToSet` with `$each` per bucket): FerretDB runs an update as
 * read-modify-write without a lock, so two updates of one bucket at once would lose entries
 * (20 at once kept 3). Two first batches of one minute from two processes both try to insert
 * its bucket; the one that collides (11000) adds itself to the bucket the other created.
 */
export function expireAt(kind: ExpiringKind, id: string, at: Date): Promise<void> {
  const bucket = String(minuteOf(at.getTime()));
  pending.set(bucket, [...(pending.get(bucket) ?? []), `${kind}|${id}`]);
  return flushing(flushPending);
}

async function flushPending(): Promise<void> {
  const batch = [...pending.entries()];
  pending.clear();
  for (const [bucket, ids] of batch) await addToBucket(bucket, ids);
}

async function addToBucket(bucket: string, ids: string[], attempts = 3): Promise<void> {
  try {
    await ExpiryBucketModel.updateOne({ _id: bucket }, { $addToSet: { ids: { $each: ids } } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err) || attempts <= 1) throw err;
    await addToBucket(bucket, ids, attempts - 1);
  }
}

/**
 * Deletes everything that expired in the minutes since the last sweep, then moves the cursor
 * on. Safe to run from several processes at once: deletes are by `_id` and repeatable. A first
 * sweep (no cursor) starts at the current minute: nothing that this module scheduled is older.
 */
export async function sweepExpired(now = Date.now()): Promise<number> {
  const current = minuteOf(now);
  const cursor = await ExpiryBucketModel.findById(CURSOR_ID).lean();
  let minute = cursor?.next ?? current;
  let deleted = 0;
  for (; minute < current; minute++) {
    const bucket = await ExpiryBucketModel.findById(String(minute)).lean();
    for (const entry of bucket?.ids ?? []) {
      const split = entry.indexOf('|');
      const kind = entry.slice(0, split);
      if (isExpiringKind(kind)) deleted += (await EXPIRING[kind](entry.slice(split + 1))).deletedCount;
    }
    if (bucket) await ExpiryBucketModel.deleteOne({ _id: String(minute) });
  }
  await ExpiryBucketModel.updateOne({ _id: CURSOR_ID }, { $set: { next: minute } }, { upsert: true });
  return deleted;
}

/** Sweeps every minute until stopped; a failed sweep is logged and tried again at the next tick. */
export function startExpirySweeper(intervalMs = BUCKET_MS): { stop(): void } {
  const sweep = () => void sweepExpired().catch((err: unknown) => log.warn('expiry sweep failed', { error: String(err) }));
  // At once too: the first sweep starts the cursor.
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
