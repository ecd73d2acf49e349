/**
 * The order of the approvers' queue under each routing key, read by `_id` only. FerretDB on
 * SQLite answers only an exact `_id` from an index and runs an update as an unlocked
 * read-modify-write, so a key's queue is a run of numbered slots (`<key>#0`, `<key>#1`, …), each
 * written once by an insert in the order requests arrive under the key: a duplicate `_id` sends
 * a racing writer on to the next slot (as ./approver-keys.ts). A slot names the queue item it was
 * taken for; it is live while that item still holds it (approvals/approval-queue.ts), and dead
 * for good once the item has left the key, since an item that comes back takes a new slot. The
 * item's leaving marks its slots `dead`, so readers know them dead without reading the item.
 * Two marks per key spare the walks: `tail` (where the next slot probably is) and `from` (before
 * it every slot is dead); both are hints that may lag, never a reason to skip a live slot.
 */
import { Schema, model } from 'mongoose';
import { isDuplicateKey } from './errors';

const queueSlotSchema = new Schema(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true },
    arrivedAt: { type: Date, required: true },
    /** Set when the item left the key (decided, cancelled, re-routed away). */
    dead: { type: Boolean },
  },
  { collection: 'approval_queue_slots', versionKey: false },
);
const QueueSlotModel = model('QueueSlot', queueSlotSchema);

const queueMarkSchema = new Schema(
  { _id: { type: String, required: true }, n: { type: Number, required: true } },
  { collection: 'approval_queue_marks', versionKey: false },
);
const QueueMarkModel = model('QueueMark', queueMarkSchema);

/** Which slot: its key and number (what a queue item holds under each of its keys). */
export interface SlotRef {
  key: string;
  n: number;
}

export interface QueueSlot extends SlotRef {
  itemId: string;
  arrivedAt: Date;
  dead: boolean;
}

type Mark = 'tail' | 'from';
const slotId = (key: string, n: number) => `${key}#${n}`;
const markId = (key: string, mark: Mark) => `${key}@${mark}`;

async function markOf(key: string, mark: Mark): Promise<number> {
  return (await QueueMarkModel.findById(markId(key, mark), { n: 1 }).lean())?.n ?? 0;
}

/**
 * Moves a mark forward (an unlocked `$max`: a racing writer may leave it a little behind, never
 * ahead). Two first writers of a mark both upsert it: the one that meets the other's insert
 * (11000) updates the mark that now exists.
 */
async function advanceMark(key: string, mark: Mark, n: number): Promise<void> {
  try {
    await QueueMarkModel.updateOne({ _id: markId(key, mark) }, { $max: { n } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await QueueMarkModel.updateOne({ _id: markId(key, mark) }, { $max: { n } });
  }
}

/** Takes the next free slot under `key` for `itemId`; its number. */
export async function takeSlot(key: string, itemId: string, arrivedAt: Date): Promise<number> {
  for (let n = await markOf(key, 'tail'); ; n++) {
    try {
      await QueueSlotModel.create({ _id: slotId(key, n), itemId, arrivedAt });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      continue;
    }
    await advanceMark(key, 'tail', n + 1);
    return n;
  }
}

/** The item these slots were taken for has left their keys. */
export async function markSlotsDead(slots: readonly SlotRef[]): Promise<void> {
  for (const { key, n } of slots) await QueueSlotModel.updateOne({ _id: slotId(key, n) }, { $set: { dead: true } });
}

/** Where a reader without a cursor starts under `key`. */
export const firstSlotMaybeLive = (key: string): Promise<number> => markOf(key, 'from');

/** Where the next slot under `key` probably is (a hint: slots may lie beyond it while their writer moves it). */
export const probableEnd = (key: string): Promise<number> => markOf(key, 'tail');

/** Every slot before `n` under `key` is dead. */
export const slotsDeadBefore = (key: string, n: number): Promise<void> => advanceMark(key, 'from', n);

/** Slots `start` … `start + count - 1` under `key`, read at once, up to the first not yet taken. */
export async function slotsFrom(key: string, start: number, count: number): Promise<{ slots: QueueSlot[]; ended: boolean }> {
  const found = await Promise.all(
    Array.from({ length: count }, (_, i) => QueueSlotModel.findById(slotId(key, start + i), { itemId: 1, arrivedAt: 1, dead: 1 }).lean()),
  );
  const slots: QueueSlot[] = [];
  for (const [i, slot] of found.entries()) {
    if (!slot) return { slots, ended: true };
    slots.push({ key, n: start + i, itemId: slot.itemId, arrivedAt: slot.arrivedAt, dead: slot.dead === true });
  }
  return { slots, ended: false };
}
