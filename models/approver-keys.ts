/**
 * Who decides under each routing key (domain/approval-routing.ts `decidingKeys`): the approvers
 * of a route are found by reads by `_id`, however many accounts there are. FerretDB on SQLite
 * answers only an exact `_id` from an index and runs an update as an unlocked read-modify-write,
 * so a key's members are numbered slots (`<key>#0`, `<key>#1`, …), each written once by an
 * insert: a duplicate `_id` sends a racing writer on to the next slot, as claims do
 * (./claims.ts). Members are never removed; a reader checks the account itself (active, still
 * holding the role) before it counts one. A key has as many slots as accounts ever decided
 * under it (an organization's officials, a group's administrators, the Help Desk).
 */
import { Schema, model } from 'mongoose';
import { decidingKeys, type Principal } from '../domain/approval-routing';
import type { ApplicationRoleGrant } from '../domain/application-roles';
import { isDuplicateKey } from './errors';

const approverKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    userId: { type: String, required: true },
  },
  { collection: 'approver_keys', versionKey: false },
);
const ApproverKeyModel = model('ApproverKey', approverKeySchema);

const slotId = (key: string, n: number) => `${key}#${n}`;
const slotAt = (key: string, n: number) => ApproverKeyModel.findById(slotId(key, n), { userId: 1 }).lean();

/** The user IDs listed under `key`, in the order they were listed. */
export async function membersUnder(key: string): Promise<string[]> {
  const members: string[] = [];
  for (let n = 0; ; n++) {
    const slot = await slotAt(key, n);
    if (!slot) return members;
    members.push(slot.userId);
  }
}

/** Lists `userId` under `key`, once however often it is called. */
async function listUnder(key: string, userId: string): Promise<void> {
  for (let n = 0; ;) {
    const slot = await slotAt(key, n);
    if (slot?.userId === userId) return;
    if (slot) {
      n++;
      continue;
    }
    try {
      await ApproverKeyModel.create({ _id: slotId(key, n), key, userId });
      return;
    } catch (err) {
      // Another writer took this slot a moment ago: read it again (it may hold this user).
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Lists a principal under every key it decides under (a grant added, an account created or configured). */
export async function listDecider(principal: Principal & { applicationRoles?: readonly ApplicationRoleGrant[] }): Promise<void> {
  for (const key of decidingKeys(principal)) await listUnder(key, principal.userId);
}
