/**
 * One open or granted request per person, application, group and role, without transactions:
 * the API claims the request's key (a unique `_id`) before it starts the workflow. A denied or
 * cancelled request releases its key (an activity); a claim whose request was denied or
 * cancelled, or never started, is taken over with a compare-and-set on the holder's id.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationRoleClaimModel, ApplicationRoleRequestModel } from '../models/application-role';
import { applicationRoleWorkflowIdFor } from '../workflows/application-role-messages';
import { isDuplicateKey } from '../models/errors';
import { HttpProblem } from './problem';

/** How long a claim may wait for its workflow to start before it counts as abandoned. */
const START_GRACE_MS = 60_000;

/** The statuses after which the same person may ask for the same role again. */
const RELEASED: ReadonlySet<string> = new Set(['DENIED', 'CANCELLED', 'EXPIRED']);

const duplicate = () => new HttpProblem(409, 'you already hold or have already requested this application role');

async function stillHeld(temporal: Client, claim: { requestId: string; claimedAt: Date }): Promise<boolean> {
  // Recorded: open or granted holds the key; denied, cancelled or expired does not, even while its workflow winds up.
  const record = await ApplicationRoleRequestModel.findById(claim.requestId, { status: 1 }).lean();
  if (record !== null) return !RELEASED.has(record.status);
  try {
    const description = await temporal.workflow.getHandle(applicationRoleWorkflowIdFor(claim.requestId)).describe();
    // Running but not yet recorded: it is recording the request now.
    return description.status.name === 'RUNNING';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Claimed a moment ago: its workflow may be starting right now.
    return Date.now() - claim.claimedAt.getTime() < START_GRACE_MS;
  }
}

/** Claims `key` for `requestId`, or answers 409 when an open or granted request holds it. */
export async function claimRequestKey(temporal: Client, key: string, requestId: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await ApplicationRoleClaimModel.create({ _id: key, requestId, claimedAt: new Date() });
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const holder = await ApplicationRoleClaimModel.findById(key).lean();
    if (holder === null) continue; // released meanwhile: try again
    if (await stillHeld(temporal, holder)) throw duplicate();
    const { modifiedCount } = await ApplicationRoleClaimModel.updateOne(
      { _id: key, requestId: holder.requestId },
      { $set: { requestId, claimedAt: new Date() } },
    );
    if (modifiedCount === 1) return;
  }
  throw duplicate();
}

/** Gives the key back when the workflow could not be started. */
export async function releaseRequestKey(key: string, requestId: string): Promise<void> {
  await ApplicationRoleClaimModel.deleteOne({ _id: key, requestId });
}
