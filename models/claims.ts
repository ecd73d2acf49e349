/**
 * Claims: "at most one live request holds this key", without transactions, each step an insert
 * or a read by `_id` (the only look-up FerretDB on SQLite answers from its index).
 *
 * A key has numbered slots: `<key>`, `<key>#1`, `<key>#2`… A claim inserts the first slot that
 * does not exist yet; a duplicate `_id` is the compare-and-set that makes two racing claimants
 * agree on one winner. A slot stays once written: its holder's request is alive (the slot holds
 * the key), or has ended (it is marked released, or the caller's `isHeld` says so), and then the
 * claimant moves on to the next slot. Slots are never deleted: a gap would let a newcomer claim
 * a slot before a live one. The number of slots grows with the requests for one key (one person,
 * one role at one place), never with the data.
 */
import { Schema, model, type Model } from 'mongoose';
import { isDuplicateKey } from './errors';

export interface ClaimSlot {
  _id: string;
  /** The request (registration, application-role request) that holds the slot. */
  requestId: string;
  claimedAt: Date;
  /** Set when the holder ended or never started: the slot no longer holds the key. */
  releasedAt?: Date | null;
}

type ClaimModel = Model<ClaimSlot>;

/** One collection of claim slots (unique `_id`, no other index needed). */
export function claimModel(name: string, collection: string): ClaimModel {
  const schema = new Schema<ClaimSlot>(
    {
      _id: { type: String, required: true },
      requestId: { type: String, required: true },
      claimedAt: { type: Date, required: true },
      releasedAt: { type: Date },
    },
    { collection, versionKey: false },
  );
  return model<ClaimSlot>(name, schema);
}

const slotId = (key: string, n: number) => (n === 0 ? key : `${key}#${n}`);

/** How many ended requests for one key a claim looks past before it gives up (a guard against a runaway loop). */
const MAX_SLOTS = 1_000;

/**
 * Claims `key` for `requestId`: true when it now holds it (or already held it), false when a
 * live request holds it. `isHeld` says whether the holder of an unreleased slot is still alive.
 */
export async function claimKey(
  claims: ClaimModel,
  key: string,
  requestId: string,
  isHeld: (slot: ClaimSlot) => Promise<boolean>,
): Promise<boolean> {
  for (let n = 0; n < MAX_SLOTS; n++) {
    const _id = slotId(key, n);
    try {
      await claims.create({ _id, requestId, claimedAt: new Date() });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const slot = await claims.findById(_id).lean();
    if (slot === null) throw new Error(`claim slot ${_id} vanished`);
    if (slot.requestId === requestId) return !slot.releasedAt;
    if (!slot.releasedAt && (await isHeld(slot))) return false;
  }
  throw new Error(`claim ${key}: more than ${MAX_SLOTS} slots`);
}

/** Marks the slot `requestId` holds for `key` released (the request ended, or never started); a no-op when it holds none. */
export async function releaseKey(claims: ClaimModel, key: string, requestId: string): Promise<void> {
  for (let n = 0; n < MAX_SLOTS; n++) {
    const _id = slotId(key, n);
    const slot = await claims.findById(_id, { requestId: 1 }).lean();
    if (slot === null) return;
    if (slot.requestId === requestId) {
      await claims.updateOne({ _id }, { $set: { releasedAt: new Date() } });
      return;
    }
  }
}
