/**
 * The registration workflow's effects: thin adapters over MongoDB, the SSA client and mail.
 * Each is idempotent, since Temporal may run an activity again after a failure.
 */
import { unsealIdentity } from '../security/sealed-identity';
import { log } from '../infra/logger';
import type { RegistrationRole } from '../domain/roles';
import type { RegistrationDetails } from '../domain/schemas';
import type { RegistrationStatus, StatusChange } from '../domain/status';
import type { ApplicantNotice, ApproverNotice } from '../domain/notices';
import type { DetailsVerdict } from '../domain/schemas';
import { activeApprovers } from '../approvals/approvers';
import { dequeue, queueRegistration } from '../approvals/approval-queue';
import type { RegistrationView, RegistrationWorkflowInput } from '../workflows/messages';
import { ApplicationFailure } from '@temporalio/activity';
import { AccountModel } from '../models/account';
import { RegistrationModel } from '../models/registration';
import { openViewRecord, writeRegistrationView } from '../models/registration-view';
import { encryptField, keyedHash, type SecretKeys } from '../security/secrets';
import { applicantChecks } from './applicant-checks';
import * as emails from './emails';
import type { Mailer } from './mailer';
import { provisionAccount as provision } from './provisioning';
import { audit } from './audit';
import type { SsaClient } from './ssa-client';
import { issueTrackingNumber } from './tracking-numbers';
import { approvalRouteFor, type ApprovalRoute } from '../domain/approval-routing';

export interface ActivityDeps {
  keys: SecretKeys;
  mailer: Mailer;
  ssa: SsaClient;
  /** Where approvers decide (the console's queue, from PUBLIC_BASE_URL), for the links in their notices. */
  approvalsUrl?: string;
}

/** The queue's due dates count from the same instant as the workflow's deadlines: the AWAITING_APPROVAL one. */
function submittedAt(status: RegistrationStatus, history: StatusChange[]) {
  return status === 'AWAITING_APPROVAL' ? { submittedAt: new Date(history.at(-1)!.at) } : {};
}

/** The approvers' queue follows the request: in it while it waits (its route may change), out once decided. */
async function syncApprovalQueue(registrationId: string, status: RegistrationStatus, statusChanged: boolean, history: StatusChange[]) {
  if (status === 'AWAITING_APPROVAL') await queueRegistration(registrationId);
  else if (statusChanged && history.at(-2)?.status === 'AWAITING_APPROVAL') await dequeue('REGISTRATION', registrationId);
}

async function auditStatusChange(
  registrationId: string,
  change: { status: RegistrationStatus; history: StatusChange[]; reason?: string; decidedBy?: string },
): Promise<void> {
  const at = change.history.at(-1)?.at;
  await audit(`${registrationId}:status:${change.status}:${at}`, {
    kind: 'STATUS_CHANGED',
    registrationId,
    actor: change.decidedBy,
    data: { status: change.status, reason: change.reason },
  });
  log.info('registration status', { registrationId, status: change.status });
}

/** Who is asking: a new person's identity (sealed) or the account of a person asking for another role. */
async function applicantFields(keys: SecretKeys, input: RegistrationWorkflowInput) {
  const given = input.sealedIdentity ?? input.identity;
  if (given) {
    const identity = unsealIdentity(keys, given);
    return {
      firstName: identity.firstName,
      lastName: identity.lastName,
      ssnHash: keyedHash(keys, 'ssn', identity.ssn),
      ssnLast4: identity.ssn.slice(-4),
      dateOfBirthEncrypted: encryptField(keys, identity.dateOfBirth),
    };
  }
  const account = await AccountModel.findById(input.applicantUserId);
  if (!account) throw ApplicationFailure.nonRetryable(`no account ${input.applicantUserId}`, 'UnknownAccount');
  return {
    firstName: account.firstName,
    lastName: account.lastName,
    ssnHash: account.ssnHash ?? undefined,
    applicantUserId: account.userId,
  };
}

async function registration(registrationId: string) {
  const found = await RegistrationModel.findById(registrationId);
  if (!found) throw new Error(`registration ${registrationId} is not recorded`);
  return found;
}

/** What the workflow records of a registration: the registration itself, its status (histories from before the read model) and its view (the read model). */
function registrationRecords({ keys }: Pick<ActivityDeps, 'keys'>) {
  return {
    async recordRegistration(input: RegistrationWorkflowInput): Promise<void> {
      await RegistrationModel.updateOne(
        { _id: input.registrationId },
        {
          $setOnInsert: {
            role: input.role,
            community: input.community,
            email: input.email,
            ...(await applicantFields(keys, input)),
            applicantTokenHash: input.applicantTokenHash,
            status: input.applicantUserId ? 'AWAITING_DETAILS' : 'VALIDATING_IDENTITY',
            history: [],
          },
        },
        { upsert: true },
      );
      await openViewRecord(input.registrationId, input.applicantTokenHash);
      await audit(`${input.registrationId}:received`, {
        kind: 'REGISTRATION_RECEIVED',
        registrationId: input.registrationId,
        data: { role: input.role },
      });
    },

    /** Workflows started before the read model (patch `read-model`): the status alone. */
    async recordStatus(change: {
      registrationId: string;
      status: RegistrationStatus;
      history: StatusChange[];
      trackingNumber?: string;
      reason?: string;
      decidedBy?: string;
    }): Promise<void> {
      const { registrationId, ...fields } = change;
      await RegistrationModel.updateOne({ _id: registrationId }, { $set: { ...fields, ...submittedAt(change.status, change.history) } });
      await syncApprovalQueue(registrationId, change.status, true, change.history);
      await auditStatusChange(registrationId, change);
    },

    /**
     * The read model: the public view as the workflow holds it (models/registration-view.ts),
     * and, when the status or route changed, the registration's fields the approver queue reads
     * (status, route, submission instant). Writes by `_id`; a status change is also audited.
     * Runs as a local activity before the message that caused it is answered.
     */
    async recordView({
      view,
      route,
      decidedBy,
      statusChanged,
      routeChanged = true,
    }: {
      view: RegistrationView;
      route?: ApprovalRoute;
      decidedBy?: string;
      statusChanged: boolean;
      /** Whether the route differs from the one last written: the approver queue follows status and route only. */
      routeChanged?: boolean;
    }): Promise<void> {
      const { id, status, history, trackingNumber, reason } = view;
      await writeRegistrationView(id, JSON.stringify(view));
      if (!statusChanged && !routeChanged) return;
      const fields = { status, history, trackingNumber, reason, decidedBy, ...(route && { route }) };
      await RegistrationModel.updateOne({ _id: id }, { $set: { ...fields, ...(statusChanged && submittedAt(status, history)) } });
      await syncApprovalQueue(id, status, statusChanged, history);
      if (statusChanged) await auditStatusChange(id, { status, history, reason, decidedBy });
    },
  };
}

/** The submission and what follows it: the tracking number, the acknowledgement, the account, the notices. */
function submissionAndOutcomes({ keys, mailer, approvalsUrl }: ActivityDeps) {
  return {
    async submitRegistration({
      registrationId,
      role,
      email,
      details,
      acknowledge = true,
    }: {
      registrationId: string;
      role: RegistrationRole;
      email: string;
      details: RegistrationDetails;
      /** Send the acknowledgement email here (workflows from before the read-model patch) or not (`acknowledgeSubmission` after the answer). */
      acknowledge?: boolean;
    }): Promise<{ trackingNumber: string; route: ApprovalRoute }> {
      const current = await registration(registrationId);
      const route = approvalRouteFor({ role, organizationId: details.organizationId, userGroupId: details.userGroupId });
      const trackingNumber =
        current.trackingNumber ?? (await issueTrackingNumber(new Date(), { kind: 'REGISTRATION', requestId: registrationId }));
      await RegistrationModel.updateOne(
        { _id: registrationId },
        { $set: { trackingNumber, route, details, submittedAt: current.submittedAt ?? new Date() } },
      );
      if (acknowledge) await mailer.sendOnce(`submitted:${registrationId}`, emails.submitted(email, trackingNumber));
      return { trackingNumber, route };
    },

    /** The acknowledgement with the tracking number (the same ledger key as before, so it goes once). */
    async acknowledgeSubmission({
      registrationId,
      email,
      trackingNumber,
    }: {
      registrationId: string;
      email: string;
      trackingNumber: string;
    }) {
      await mailer.sendOnce(`submitted:${registrationId}`, emails.submitted(email, trackingNumber));
    },

    async provisionAccount({ registrationId }: { registrationId: string }): Promise<{ userId: string }> {
      return provision(await registration(registrationId), mailer, keys);
    },

    /** The route may have changed (escalation, re-routing): the approvers' queue reads it from MongoDB. */
    async notifyApprovers({
      registrationId,
      notice,
      route,
      applicantUserId,
      trackingNumber,
    }: {
      registrationId: string;
      notice: ApproverNotice;
      route: ApprovalRoute;
      applicantUserId?: string;
      /** The workflow's (absent in workflows from before it passed it: read from the registration then). */
      trackingNumber?: string;
    }): Promise<void> {
      // A new route (escalation, re-routing) reaches the queue here; on arrival the view already put it there.
      if (notice !== 'ARRIVAL') {
        await RegistrationModel.updateOne({ _id: registrationId }, { $set: { route } });
        await queueRegistration(registrationId);
      }
      const tracking = trackingNumber ?? (await registration(registrationId)).trackingNumber;
      const approvers = await activeApprovers(route, applicantUserId);
      // One notice per approver and deadline; the route's shape keys an escalation apart from a re-routing.
      const step = `${notice}:${route.approvers.map((a) => a.kind).join('+')}`;
      for (const approver of approvers)
        await mailer.sendOnce(
          `approvers:${registrationId}:${step}:${approver.userId}`,
          emails.approverNotice(approver.email, notice, tracking ?? registrationId, approvalsUrl),
        );
      await audit(`${registrationId}:approvers:${step}`, {
        kind: `APPROVERS_${notice}`,
        registrationId,
        data: { heldBy: route.heldBy, approvers: approvers.map((a) => a.userId) },
      });
    },

    async notifyApplicant({
      registrationId,
      email,
      notice,
      reason,
    }: {
      registrationId: string;
      email: string;
      notice: ApplicantNotice;
      reason?: string;
    }): Promise<void> {
      await mailer.sendOnce(`notice:${registrationId}:${notice}`, emails.applicantNotice(email, notice, reason));
    },
  };
}

export function createRegistrationActivities(deps: ActivityDeps) {
  return { ...registrationRecords(deps), ...applicantChecks(deps), ...submissionAndOutcomes(deps) };
}

export type { DetailsVerdict };
