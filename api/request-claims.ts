/**
 * The API's claims (models/claims.ts): before it starts a workflow it claims the request's key,
 * so that two racing requests for the same thing cannot both start; a request whose workflow
 * could not be started gives its key back at once.
 * - an application role: one open or granted request per person, application, group and role;
 * - a self-registration: one live registration per person (the keyed hash of the SSN).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationRoleClaimModel, ApplicationRoleRequestModel } from '../models/application-role';
import { claimKey, releaseKey, type ClaimSlot } from '../models/claims';
import { personClaimKey, RegistrationClaimModel, registrationHoldsClaim } from '../models/registration-claims';
import { applicationRoleWorkflowIdFor } from '../workflows/application-role-messages';
import { workflowIdFor } from '../workflows/messages';
import { HttpProblem } from './problem';

/** How long a claim may wait for its workflow to start before it counts as abandoned. */
const START_GRACE_MS = 60_000;

/** The application-role statuses after which the same person may ask for the same role again. */
const RELEASED: ReadonlySet<string> = new Set(['DENIED', 'CANCELLED', 'EXPIRED']);

/** A holder its workflow has not recorded yet: alive while that workflow runs, or while it may still be starting. */
async function stillStarting(temporal: Client, workflowId: string, slot: ClaimSlot): Promise<boolean> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    return Date.now() - slot.claimedAt.getTime() < START_GRACE_MS;
  }
}

async function applicationRoleHoldsClaim(temporal: Client, slot: ClaimSlot): Promise<boolean> {
  // Recorded: open or granted holds the key; denied, cancelled or expired does not, even while its workflow winds up.
  const record = await ApplicationRoleRequestModel.findById(slot.requestId, { status: 1 }).lean();
  if (record !== null) return !RELEASED.has(record.status);
  return stillStarting(temporal, applicationRoleWorkflowIdFor(slot.requestId), slot);
}

/** Claims `key` for `requestId`, or answers 409 when an open or granted request holds it. */
export async function claimApplicationRoleKey(temporal: Client, key: string, requestId: string): Promise<void> {
  if (!(await claimKey(ApplicationRoleClaimModel, key, requestId, (slot) => applicationRoleHoldsClaim(temporal, slot))))
    throw new HttpProblem(409, 'you already hold or have already requested this application role');
}

/** Gives the key back when the workflow could not be started. */
export function releaseApplicationRoleKey(key: string, requestId: string): Promise<void> {
  return releaseKey(ApplicationRoleClaimModel, key, requestId);
}

/** Claims the person (by the keyed hash of their SSN) for a new registration, or answers 409 naming `identity.ssn`. */
export async function claimPerson(temporal: Client, ssnHash: string, registrationId: string): Promise<void> {
  const held = (slot: ClaimSlot) => registrationHoldsClaim(slot, (s) => stillStarting(temporal, workflowIdFor(s.requestId), s));
  if (!(await claimKey(RegistrationClaimModel, personClaimKey(ssnHash), registrationId, held)))
    throw new HttpProblem(409, 'this person already has a registration in progress: follow it, or cancel it first', [
      { path: 'identity.ssn', message: 'already has a registration in progress' },
    ]);
}

/** Gives the person back when the registration's workflow could not be started. */
export function releasePerson(ssnHash: string, registrationId: string): Promise<void> {
  return releaseKey(RegistrationClaimModel, personClaimKey(ssnHash), registrationId);
}
