/**
 * One request for an application role (Table 2), pure: every status a state tagged with it,
 * the routed-approver and requester rules as guards, effects as named actions the workflow
 * performs. The route is worked out when the request is recorded (does the group have an
 * Approver for that application?), so the chart waits for it before anyone may decide.
 */
import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { APPLICATION_ROLE_STATUSES, type ApplicationRoleGrant, type ApplicationRoleStatus } from '../domain/application-roles';
import {
  escalateApplicationRoleRoute,
  mayDecideApplicationRole,
  type ApplicationRolePrincipal,
  type ApplicationRoleRoute,
} from '../domain/approval-routing';
import type { ApproverNotice, RequesterNotice } from '../domain/notices';

export type ApplicationRoleInput = ApplicationRoleGrant & { requesterUserId: string };

export interface ApplicationRoleContext extends ApplicationRoleInput {
  trackingNumber?: string;
  route?: ApplicationRoleRoute;
  reason?: string;
  decidedBy?: string;
  /** Approval deadlines already passed: each happens once, in order. */
  reminded: boolean;
  escalated: boolean;
}

export type ApplicationRoleEvent =
  | { type: 'REQUEST_RECORDED'; trackingNumber: string; route: ApplicationRoleRoute }
  | { type: 'DECIDE'; decision: 'APPROVE' | 'DENY'; reason?: string; approver: ApplicationRolePrincipal }
  | { type: 'ROLE_GRANTED' }
  /** The workflow's clock says an approval deadline has come (domain/approval-deadlines.ts). */
  | { type: 'DEADLINE_REACHED'; deadline: 'REMIND' | 'ESCALATE' | 'EXPIRE' }
  /** The approvers on the route can no longer decide (deactivated): the next route that can. */
  | { type: 'ROUTE_CHANGED'; route: ApplicationRoleRoute }
  | { type: 'CANCEL'; requesterUserId: string };

/** The effects the chart asks for; each becomes an activity call in the workflow. */
export type ApplicationRoleEffect =
  | { type: 'recordRequest' }
  | { type: 'grantRole' }
  | { type: 'releaseRequestKey' }
  | { type: 'notifyRequester'; params: { notice: RequesterNotice; reason?: string } }
  | { type: 'notifyApprovers'; params: { notice: ApproverNotice; route: ApplicationRoleRoute } };

// Implementations are empty on purpose: the chart names effects, the workflow performs them.
const effect = () => undefined;

export const applicationRoleMachine = setup({
  // XState's way to type a chart: a value that only carries types (the lint rule sees only that `setup` accepts `{}`).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: ApplicationRoleContext; events: ApplicationRoleEvent; input: ApplicationRoleInput; tags: ApplicationRoleStatus },
  actions: {
    recordRequest: effect,
    grantRole: effect,
    releaseRequestKey: effect,
    notifyRequester: (_, _params: { notice: RequesterNotice; reason?: string }) => undefined,
    notifyApprovers: (_, _params: { notice: ApproverNotice; route: ApplicationRoleRoute }) => undefined,
  },
  guards: {
    isRoutedApprover: ({ context, event }) =>
      event.type === 'DECIDE' &&
      context.route !== undefined &&
      mayDecideApplicationRole(event.approver, context.route, context.requesterUserId),
    approves: ({ event }) => event.type === 'DECIDE' && event.decision === 'APPROVE',
    isRequester: ({ context, event }) => event.type === 'CANCEL' && event.requesterUserId === context.requesterUserId,
  },
}).createMachine({
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
              actions: [
                assign({ trackingNumber: ({ event }) => event.trackingNumber, route: ({ event }) => event.route }),
                { type: 'notifyApprovers', params: ({ event }) => ({ notice: 'ARRIVAL' as const, route: event.route }) },
              ],
            },
          },
        },
        routed: {
          on: {
            ROUTE_CHANGED: { actions: assign({ route: ({ event }) => event.route }) },
            DEADLINE_REACHED: [
              {
                guard: ({ event }) => event.deadline === 'REMIND',
                actions: [
                  assign({ reminded: true }),
                  { type: 'notifyApprovers', params: ({ context }) => ({ notice: 'REMINDER' as const, route: context.route! }) },
                ],
              },
              {
                guard: ({ event }) => event.deadline === 'ESCALATE',
                actions: [
                  assign({
                    escalated: true,
                    route: ({ context }) =>
                      escalateApplicationRoleRoute({ organizationId: context.organizationId }, context.route!) ?? context.route,
                  }),
                  { type: 'notifyApprovers', params: ({ context }) => ({ notice: 'ESCALATION' as const, route: context.route! }) },
                ],
              },
              {
                target: '#applicationRole.expired',
                actions: assign({ reason: 'No approver decided the request within the time allowed; you may request the role again.' }),
              },
            ],
            DECIDE: [
              {
                guard: and(['isRoutedApprover', 'approves']),
                target: '#applicationRole.approved',
                actions: assign({ decidedBy: ({ event }) => event.approver.userId }),
              },
              {
                guard: 'isRoutedApprover',
                target: '#applicationRole.denied',
                actions: assign({ decidedBy: ({ event }) => event.approver.userId, reason: ({ event }) => event.reason }),
              },
            ],
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

/** The public status of a snapshot: every state carries exactly one status tag. */
export function applicationRoleStatusOf(snapshot: ApplicationRoleSnapshot): ApplicationRoleStatus {
  const status = APPLICATION_ROLE_STATUSES.find((s) => snapshot.hasTag(s));
  if (status === undefined) throw new Error(`state ${JSON.stringify(snapshot.value)} has no status tag`);
  return status;
}

/** The grant an approved request adds to the requester's account. */
export function grantOf(context: ApplicationRoleContext): ApplicationRoleGrant {
  const { role, applicationId, userGroupId, organizationId } = context;
  return { role, applicationId, userGroupId, organizationId };
}
