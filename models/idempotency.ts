/**
 * The answers kept for `Idempotency-Key` (api/idempotency.ts), without transactions or scans: one
 * document per caller, route and key, `_id` the keyed hash of the three, so a repeat collides on
 * insert. A document is `pending` while its first request runs and `done` once its answer (sealed
 * with the field key: it may carry an applicant token) is stored. A takeover of a pending key
 * whose API died first claims a marker (`<_id>~<stale attempt>`): of two that try, one inserts it.
 */
import { randomUUID } from 'node:crypto';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { isDuplicateKey } from './errors';

const IDEMPOTENCY_STATES = ['pending', 'done', 'takeover'] as const;

const storedAnswerSchema = new Schema(
  {
    status: { type: Number, required: true },
    /** The Content-Type sent (problem+json for a refusal). */
    contentType: { type: String },
    location: { type: String },
    /** `encryptField` of the body's JSON. */
    sealedBody: { type: String, required: true },
  },
  { _id: false },
);

const idempotencyKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: IDEMPOTENCY_STATES, required: true },
    /** Keyed hash of the body's canonical JSON: the body may hold an SSN. */
    bodyHash: { type: String, required: true },
    /** Who runs the request now: changes when a stale pending key is taken over. */
    attempt: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** Removed then by the expiry sweeper (models/expiry.ts, kind `idempotencyKey`). */
    expiresAt: { type: Date, required: true },
    answer: { type: storedAnswerSchema },
  },
  { collection: 'idempotency_keys', versionKey: false },
);
export const IdempotencyKeyModel = model('IdempotencyKey', idempotencyKeySchema);

type IdempotencyRecord = InferSchemaType<typeof idempotencyKeySchema>;
export type StoredAnswer = NonNullable<IdempotencyRecord['answer']>;

/** This request now holds the key (`attempt`), or the key was used before (`existing`). */
type KeyClaim = { attempt: string } | { existing: IdempotencyRecord };

/** Inserts the key as pending; a duplicate is a repeat, read back (a key released meanwhile is claimed again). */
export async function claimIdempotencyKey(key: { id: string; bodyHash: string; now: Date; expiresAt: Date }): Promise<KeyClaim> {
  for (let tries = 0; tries < 3; tries++) {
    const attempt = randomUUID();
    try {
      await IdempotencyKeyModel.create({
        _id: key.id,
        state: 'pending',
        bodyHash: key.bodyHash,
        attempt,
        createdAt: key.now,
        expiresAt: key.expiresAt,
      });
      return { attempt };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const found = await IdempotencyKeyModel.findById(key.id).lean();
    if (found) return { existing: found };
  }
  throw new Error('idempotency key released and taken again three times in a row');
}

/**
 * Takes over a pending key whose request stopped (its API died): one of two takers inserts the
 * marker of the stale attempt, then moves the key to its own attempt. Undefined when another
 * taker won. The marker expires with the key (`markerId`).
 */
export async function takeOverStaleKey(stale: IdempotencyRecord, now: Date): Promise<{ attempt: string; markerId: string } | undefined> {
  const markerId = `${stale._id}~${stale.attempt}`;
  const attempt = randomUUID();
  try {
    await IdempotencyKeyModel.create({ ...stale, _id: markerId, state: 'takeover', attempt, answer: undefined });
  } catch (err) {
    if (isDuplicateKey(err)) return undefined;
    throw err;
  }
  const moved = await updateIfStill(stale._id, stale.attempt, { $set: { attempt, createdAt: now } });
  return moved ? { attempt, markerId } : undefined;
}

/**
 * Writes key `id` if attempt `attempt` still holds it, pending. Read, then written, by `_id`
 * alone: FerretDB reads the whole collection for any other filter, and its conditional updates
 * are not atomic anyway. What makes one attempt the holder is an insert (the key, or a takeover's
 * marker); the check only keeps a stopped attempt from writing over the one that took over.
 */
async function updateIfStill(id: string, attempt: string, update: { $set: Partial<IdempotencyRecord> }): Promise<boolean> {
  if (!(await stillHolds(id, attempt))) return false;
  await IdempotencyKeyModel.updateOne({ _id: id }, update);
  return true;
}

/** Whether attempt `attempt` still holds key `id`, pending (one read by `_id`). */
async function stillHolds(id: string, attempt: string): Promise<boolean> {
  const current = await IdempotencyKeyModel.findById(id, { attempt: 1, state: 1 }).lean();
  return current?.attempt === attempt && current.state === 'pending';
}

/** Keeps the answer of the attempt that holds the key; false when another attempt took it over. */
export async function storeIdempotentAnswer(id: string, attempt: string, answer: StoredAnswer): Promise<boolean> {
  return updateIfStill(id, attempt, { $set: { state: 'done', answer } });
}

/** Gives the key back (the request failed on our side): a repeat runs again. */
export async function releaseIdempotencyKey(id: string, attempt: string): Promise<void> {
  if (await stillHolds(id, attempt)) await IdempotencyKeyModel.deleteOne({ _id: id });
}
