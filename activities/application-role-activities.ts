/**
 * The application-role workflow's effects (Table 2): record and route the request, add the
 * role to the account, release the request's key, tell the requester. Each is idempotent,
 * since Temporal may run an activity again after a failure.
 */
import { type ApplicationRoleGrant, type ApplicationRoleStatus, type ApplicationRoleStatusChange } from '../domain/application-roles';
import { applicationRoleRouteFor, type ApplicationRoleRoute } from '../domain/approval-routing';
import { log } from '../infra/logger';
import type { ApproverNotice, RequesterNotice } from '../domain/notices';
import { AccountModel } from '../models/account';
import { listDecider } from '../models/approver-keys';
import { ApplicationRoleClaimModel, ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../models/application-role';
import { releaseKey } from '../models/claims';
import type { ApplicationRoleView, ApplicationRoleWorkflowInput } from '../workflows/application-role-messages';
import { applicationRoleApproverNotice, applicationRoleOutcome } from './application-role-emails';
import { activeApplicationRoleApprovers, groupHasApplicationApprover } from '../approvals/approvers';
import { queueApplicationRole } from '../approvals/approval-queue';
import { audit } from './audit';
import type { Mailer } from './mailer';
import { issueTrackingNumber } from './tracking-numbers';

interface ApplicationRoleActivityDeps {
  mailer: Mailer;
  /** Where approvers decide (the console's queue), for the links in their notices. */
  approvalsUrl?: string;
}

async function auditStatusChange(
  requestId: string,
  change: { status: ApplicationRoleStatus; history: ApplicationRoleStatusChange[]; reason?: string; decidedBy?: string },
): Promise<void> {
  await audit(`application-role:${requestId}:status:${change.status}:${change.history.at(-1)?.at}`, {
    kind: 'APPLICATION_ROLE_STATUS_CHANGED',
    actor: change.decidedBy,
    data: { requestId, status: change.status, reason: change.reason },
  });
  log.info('application role request status', { requestId, status: change.status });
}

/** What the workflow records of a request: the request itself, its route, its status, its view (the read model). */
function applicationRoleRecords() {
  return {
    /** Records the request and works out its route once; a retry returns what the first run recorded. */
    async recordApplicationRoleRequest({
      input,
      history,
    }: {
      input: ApplicationRoleWorkflowInput;
      history: ApplicationRoleStatusChange[];
    }): Promise<{ trackingNumber: string; route: ApplicationRoleRoute }> {
      const { requestId, requesterUserId, applicationId, role, userGroupId, organizationId } = input;
      const existing = await ApplicationRoleRequestModel.findById(requestId).lean();
      const recorded = storedApplicationRoleRoute(existing);
      if (recorded && existing?.trackingNumber) return { trackingNumber: existing.trackingNumber, route: recorded };
      const route = applicationRoleRouteFor({
        role,
        organizationId,
        userGroupId,
        applicationId,
        // The requester never decides their own request, so their own Approver role does not count.
        groupHasApprover:
          role === 'APPLICATION_USER' && (await groupHasApplicationApprover({ applicationId, userGroupId }, requesterUserId)),
      });
      const trackingNumber = existing?.trackingNumber ?? (await issueTrackingNumber(new Date(), { kind: 'APPLICATION_ROLE', requestId }));
      await ApplicationRoleRequestModel.updateOne(
        { _id: requestId },
        {
          $setOnInsert: { requesterUserId, applicationId, role, userGroupId, organizationId, status: 'AWAITING_APPROVAL', history },
          $set: { route, trackingNumber, submittedAt: existing?.submittedAt ?? new Date() },
        },
        { upsert: true },
      );
      await queueApplicationRole(requestId);
      await audit(`application-role:${requestId}:received`, {
        kind: 'APPLICATION_ROLE_REQUESTED',
        actor: requesterUserId,
        data: { requestId, trackingNumber, applicationId, role, userGroupId, organizationId, heldBy: route.heldBy },
      });
      return { trackingNumber, route };
    },

    /** A new route (chain of trust): the approvers' queue reads it from MongoDB. */
    async recordApplicationRoleRoute({ requestId, route }: { requestId: string; route: ApplicationRoleRoute }): Promise<void> {
      await ApplicationRoleRequestModel.updateOne({ _id: requestId }, { $set: { route } });
      await queueApplicationRole(requestId);
      await audit(`application-role:${requestId}:route:${route.approvers.map((a) => a.kind).join('+')}`, {
        kind: 'APPLICATION_ROLE_REROUTED',
        data: { requestId, heldBy: route.heldBy },
      });
    },

    async recordApplicationRoleStatus(change: {
      requestId: string;
      status: ApplicationRoleStatus;
      history: ApplicationRoleStatusChange[];
      reason?: string;
      decidedBy?: string;
    }): Promise<void> {
      const { requestId, ...fields } = change;
      await ApplicationRoleRequestModel.updateOne({ _id: requestId }, { $set: fields });
      await queueApplicationRole(requestId);
      await auditStatusChange(requestId, change);
    },

    /**
     * The read model: the public view as the workflow holds it, with the status and route the
     * approver queue and the API read. One write by `_id`; a status change is also audited. A
     * local activity, before the message that caused it is answered.
     */
    async recordApplicationRoleView({
      view,
      route,
      statusChanged,
      routeChanged = true,
    }: {
      view: ApplicationRoleView;
      route?: ApplicationRoleRoute;
      statusChanged: boolean;
      /** Whether the route differs from the one last written: the approver queue follows status and route only. */
      routeChanged?: boolean;
    }): Promise<void> {
      const { id, status, history, reason, decidedBy } = view;
      await ApplicationRoleRequestModel.updateOne(
        { _id: id },
        { $set: { view, status, history, reason, decidedBy, ...(route && { route }) } },
      );
      if (statusChanged || routeChanged) await queueApplicationRole(id);
      if (statusChanged) await auditStatusChange(id, { status, history, reason, decidedBy });
    },
  };
}

/** What follows from the request's steps: the approvers and the requester told, the role granted, the key released. */
function applicationRoleOutcomes({ mailer, approvalsUrl }: ApplicationRoleActivityDeps) {
  return {
    /** A deadline came: the route may have grown (escalation); the approvers on it are told. */
    async notifyApplicationRoleApprovers({
      requestId,
      notice,
      route,
      requesterUserId,
      trackingNumber,
    }: {
      requestId: string;
      notice: ApproverNotice;
      route: ApplicationRoleRoute;
      requesterUserId: string;
      /** The workflow's (absent in workflows from before it passed it: read from the request then). */
      trackingNumber?: string;
    }): Promise<void> {
      // A new route (escalation) reaches the queue here; on arrival the view already put it there.
      if (notice !== 'ARRIVAL') {
        await ApplicationRoleRequestModel.updateOne({ _id: requestId }, { $set: { route } });
        await queueApplicationRole(requestId);
      }
      const tracking =
        trackingNumber ?? (await ApplicationRoleRequestModel.findById(requestId, { trackingNumber: 1 }).lean())?.trackingNumber;
      const step = `${notice}:${route.approvers.map((a) => a.kind).join('+')}`;
      for (const approver of await activeApplicationRoleApprovers(route, requesterUserId))
        await mailer.sendOnce(
          `application-role-approvers:${requestId}:${step}:${approver.userId}`,
          applicationRoleApproverNotice(approver.email, notice, tracking ?? requestId, approvalsUrl),
        );
      await audit(`application-role:${requestId}:approvers:${step}`, {
        kind: `APPLICATION_ROLE_APPROVERS_${notice}`,
        data: { requestId, heldBy: route.heldBy },
      });
    },

    /** Adds the role to the requester's account, once: absent grants only, and the same grant object on every attempt. */
    async grantApplicationRole({
      requestId,
      requesterUserId,
      grant,
    }: {
      requestId: string;
      requesterUserId: string;
      grant: ApplicationRoleGrant;
    }): Promise<void> {
      // Read and written by `_id` alone (FerretDB reads the whole collection for any other filter).
      const account = await AccountModel.findById(requesterUserId, { applicationRoles: 1 }).lean();
      if (!account) throw new Error(`account ${requesterUserId} of application-role request ${requestId} is not recorded`);
      if (!account.applicationRoles.some((held) => held.requestId === requestId)) {
        // Granted at the approval the request's history records: the same object on every attempt, which $addToSet adds once.
        const request = await ApplicationRoleRequestModel.findById(requestId, { history: 1 }).lean();
        const approvedAt = [...(request?.history ?? [])].reverse().find((change) => change.status === 'APPROVED')?.at;
        const grantedAt = approvedAt ? new Date(approvedAt) : new Date();
        await AccountModel.updateOne({ _id: requesterUserId }, { $addToSet: { applicationRoles: { ...grant, requestId, grantedAt } } });
      }
      // An Application Approver decides its group's requests for the application from now on.
      await listDecider({ userId: requesterUserId, roles: [], applicationRoles: [grant] });
      await audit(`application-role:${requestId}:granted`, {
        kind: 'APPLICATION_ROLE_GRANTED',
        actor: requesterUserId,
        data: { requestId, ...grant },
      });
    },

    /** Lets the same person ask again once this request is denied or cancelled. */
    async releaseApplicationRoleKey({ requestId, key }: { requestId: string; key: string }): Promise<void> {
      await releaseKey(ApplicationRoleClaimModel, key, requestId);
    },

    async notifyApplicationRoleRequester({
      input,
      notice,
      trackingNumber,
      reason,
    }: {
      input: ApplicationRoleWorkflowInput;
      notice: RequesterNotice;
      trackingNumber?: string;
      reason?: string;
    }): Promise<void> {
      const account = await AccountModel.findById(input.requesterUserId, { email: 1 }).lean();
      if (!account) throw new Error(`account ${input.requesterUserId} of application-role request ${input.requestId} is not recorded`);
      await mailer.sendOnce(
        `application-role:${input.requestId}:${notice}`,
        applicationRoleOutcome(account.email, { notice, role: input.role, applicationName: input.applicationName, trackingNumber, reason }),
      );
    },
  };
}

export function createApplicationRoleActivities(deps: ApplicationRoleActivityDeps) {
  return { ...applicationRoleRecords(), ...applicationRoleOutcomes(deps) };
}
