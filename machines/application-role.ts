/**
 * One request for an application role (Table 2), pure: every status a state tagged with it,
 * the routed-approver and requester rules as guards, effects as named actions the workflow
 * performs. The route is worked out when the request is recorded (does the group have an
 * Approver for that application?), so the chart waits for it before anyone may decide.
 */
import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { APPLICATION_ROLE_STATUSES, type ApplicationRoleGrant, type ApplicationRoleStatus } from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRolePrincipal, type ApplicationRoleRoute } from '../domain/approval-routing';
import { escalateApplicationRoleRoute } from '../domain/escalation';
import type { ApproverNotice, RequesterNotice } from '../domain/notices';
import { effect, statusTagOf } from './chart-parts';
import { approvalAfter, arrivalNotice, awaitingDecision, isApprovalEvent, type ApprovalContext, type ApprovalEvent } from './approval';

export type ApplicationRoleInput = ApplicationRoleGrant & { requesterUserId: string };

interface ApplicationRoleContext extends ApplicationRoleInput, ApprovalContext<ApplicationRoleRoute> {
  trackingNumber?: string;
}

export type ApplicationRoleEvent =
  | { type: 'REQUEST_RECORDED'; trackingNumber: string; route: ApplicationRoleRoute }
  | { type: 'ROLE_GRANTED' }
  /** A decision, an approval deadline, a new route (./approval.ts). */
  | ApprovalEvent<ApplicationRoleRoute, ApplicationRolePrincipal>
  | { type: 'CANCEL'; requesterUserId: string };

const chart = setup({
  // XState's way to type a chart: a value that only carries types (the lint rule sees only that `setup` accepts `{}`).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: ApplicationRoleContext; events: ApplicationRoleEvent; input: ApplicationRoleInput; tags: ApplicationRoleStatus },
  actions: {
    notifyRequester: (_, _params: { notice: RequesterNotice; reason?: string }) => undefined,
    notifyApprovers: (_, _params: { notice: ApproverNotice; route: ApplicationRoleRoute }) => undefined,
    recordRequest: effect,
    grantRole: effect,
    releaseRequestKey: effect,
  },
  guards: {
    isRoutedApprover: ({ context, event }) =>
      event.type === 'DECIDE' &&
      context.route !== undefined &&
      mayDecideApplicationRole(event.approver, context.route, context.requesterUserId),
    approves: ({ event }) => event.type === 'DECIDE' && event.decision === 'APPROVE',
    approvesAsRouted: and(['isRoutedApprover', 'approves']),
    isRequester: ({ context, event }) => event.type === 'CANCEL' && event.requesterUserId === context.requesterUserId,
  },
});

const EXPIRED_REASON = 'No approver decided the request within the time allowed; you may request the role again.';

/** The approval part's one change of context (./approval.ts), with this chart's escalation. */
const approvalUpdate = chart.assign(({ context, event }) =>
  isApprovalEvent(event)
    ? approvalAfter(
        context,
        event,
        (route) => escalateApplicationRoleRoute({ organizationId: context.organizationId }, route),
        EXPIRED_REASON,
      )
    : {},
);

export const applicationRoleMachine = chart.createMachine({
  id: 'applicationRole',
  context: ({ input }) => ({ ...input, reminded: false, escalated: false }),
  initial: 'awaitingApproval',
  states: {
    awaitingApproval: {
      tags: ['AWAITING_APPROVAL'],
      initial: 'routing',
      states: {
        // The request is recorded and routed; nobody is routed to decide it yet.
        routing: {
          entry: 'recordRequest',
          on: {
            REQUEST_RECORDED: {
              target: 'routed',
              actions: [assign({ trackingNumber: ({ event }) => event.trackingNumber, route: ({ event }) => event.route }), arrivalNotice],
            },
          },
        },
        routed: {
          on: {
            ...awaitingDecision('#applicationRole', approvalUpdate),
          },
        },
      },
      on: { CANCEL: { guard: 'isRequester', target: 'cancelled' } },
    },
    approved: {
      tags: ['APPROVED'],
      entry: 'grantRole',
      on: { ROLE_GRANTED: 'granted' },
    },
    granted: {
      tags: ['GRANTED'],
      type: 'final',
      entry: { type: 'notifyRequester', params: { notice: 'GRANTED' } },
    },
    denied: {
      tags: ['DENIED'],
      type: 'final',
      entry: [
        'releaseRequestKey',
        { type: 'notifyRequester', params: ({ context }) => ({ notice: 'DENIED' as const, reason: context.reason }) },
      ],
    },
    cancelled: {
      tags: ['CANCELLED'],
      type: 'final',
      entry: ['releaseRequestKey', { type: 'notifyRequester', params: { notice: 'CANCELLED' } }],
    },
    expired: {
      tags: ['EXPIRED'],
      type: 'final',
      entry: [
        'releaseRequestKey',
        { type: 'notifyRequester', params: ({ context }) => ({ notice: 'EXPIRED' as const, reason: context.reason }) },
      ],
    },
  },
});

export type ApplicationRoleSnapshot = SnapshotFrom<typeof applicationRoleMachine>;

/** The public status of a snapshot (its one status tag). */
export const applicationRoleStatusOf = (snapshot: ApplicationRoleSnapshot): ApplicationRoleStatus =>
  statusTagOf(APPLICATION_ROLE_STATUSES, snapshot);

/** The grant an approved request adds to the requester's account. */
export function grantOf(context: ApplicationRoleContext): ApplicationRoleGrant {
  const { role, applicationId, userGroupId, organizationId } = context;
  return { role, applicationId, userGroupId, organizationId };
}
