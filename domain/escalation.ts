/**
 * Where a request waiting too long for approval escalates to, kept as data beside Table 1's
 * routing (./approval-routing). The ladder follows the tables: a user group's UGA is backed by
 * its organization's SO and BSOs (Table 2 makes them the default approvers of a group), and an
 * organization's SO/BSO by the EUS Help Desk, which approves SOs (Table 1). The Help Desk is the
 * top: nothing escalates beyond it.
 *
 *   END_USER, REGISTRY_END_USER:  group's UGA → org's SO/BSO → Help Desk → none
 *   USER_GROUP_ADMINISTRATOR:     org's SO/BSO → Help Desk → none
 *   BACKUP_SECURITY_OFFICIAL:     org's SO → Help Desk → none
 *   SECURITY_OFFICIAL, INDIVIDUAL_PRACTITIONER: Help Desk → none
 *
 * Escalation adds approvers: the ones who held the request can still decide it. An
 * application-role request (Table 2) climbs the same two upper steps from its group's Approver:
 * `escalateApplicationRoleRoute` at the end of this file.
 */
import {
  approvalRouteFor,
  type ApplicationRoleRoute,
  type ApprovalRoute,
  type ApproverSelector,
  type RoutableRequest,
} from './approval-routing';
import { ORGANIZATION_OFFICIALS, type AccountRole } from './roles';

interface EscalationStep {
  /** Roles added to the route's `heldBy`. */
  heldBy: AccountRole[];
  /** Approvers added to the route, for the request being escalated. */
  approvers: (request: RoutableRequest) => ApproverSelector[];
}

/** From the highest kind of approver now on the route to the next one up; undefined at the top. */
export const ESCALATION_TABLE: Record<ApproverSelector['kind'], EscalationStep | undefined> = {
  USER_GROUP_ROLE: {
    heldBy: [...ORGANIZATION_OFFICIALS],
    approvers: (r) => [{ kind: 'ORGANIZATION_ROLE', roles: [...ORGANIZATION_OFFICIALS], organizationId: organizationOf(r) }],
  },
  ORGANIZATION_ROLE: { heldBy: ['HELP_DESK'], approvers: () => [{ kind: 'HELP_DESK' }] },
  HELP_DESK: undefined,
};

/** Lowest to highest. */
const LEVELS: ApproverSelector['kind'][] = ['USER_GROUP_ROLE', 'ORGANIZATION_ROLE', 'HELP_DESK'];

/**
 * The route after one escalation of `current` (the request's route so far): its approvers and
 * holders plus the next level's, or undefined when the Help Desk already holds it (or the route
 * has no approvers). Escalating a group's UGA needs the request's organizationId; without it
 * this throws, as routing does for a missing field.
 */
export function escalationFor(request: RoutableRequest, current: ApprovalRoute): ApprovalRoute | undefined {
  const top = LEVELS.filter((kind) => current.approvers.some((a) => a.kind === kind)).at(-1);
  if (top === undefined) return undefined;
  const step = ESCALATION_TABLE[top];
  if (step === undefined) return undefined;
  const approvers = [...current.approvers];
  for (const added of step.approvers(request)) {
    if (!approvers.some((a) => sameSelector(a, added))) approvers.push(added);
  }
  return { heldBy: [...new Set([...current.heldBy, ...step.heldBy])], approvers };
}

/** The request's route (Table 1) followed by each escalation of it, up to the top. */
export function escalationChain(request: RoutableRequest): ApprovalRoute[] {
  const chain = [approvalRouteFor(request)];
  for (let next = escalationFor(request, chain[0]!); next !== undefined; next = escalationFor(request, next)) chain.push(next);
  return chain;
}

function sameSelector(a: ApproverSelector, b: ApproverSelector): boolean {
  switch (a.kind) {
    case 'HELP_DESK':
      return b.kind === 'HELP_DESK';
    case 'ORGANIZATION_ROLE':
      return b.kind === a.kind && b.organizationId === a.organizationId && sameRoles(a.roles, b.roles);
    case 'USER_GROUP_ROLE':
      return b.kind === a.kind && b.userGroupId === a.userGroupId && sameRoles(a.roles, b.roles);
  }
}

function sameRoles(a: AccountRole[], b: AccountRole[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

function organizationOf(request: RoutableRequest): string {
  if (request.organizationId === undefined) throw new Error(`a ${request.role} request needs organizationId to be escalated`);
  return request.organizationId;
}

/**
 * When no one on an application-role route can decide any more (deactivated): the group's
 * Approver gives way to the organization's SO/BSO (the default approvers), and they to the EUS
 * Help Desk, so that no request is left undecidable. Undefined once the Help Desk is on the route.
 */
export function escalateApplicationRoleRoute(
  request: { organizationId: string },
  route: ApplicationRoleRoute,
): ApplicationRoleRoute | undefined {
  const kinds = new Set(route.approvers.map((a) => a.kind));
  if (kinds.has('HELP_DESK')) return undefined;
  if (kinds.has('ORGANIZATION_ROLE'))
    return { heldBy: [...route.heldBy, 'HELP_DESK'], approvers: [...route.approvers, { kind: 'HELP_DESK' }] };
  return {
    heldBy: [...route.heldBy, ...ORGANIZATION_OFFICIALS],
    approvers: [
      ...route.approvers,
      { kind: 'ORGANIZATION_ROLE', roles: [...ORGANIZATION_OFFICIALS], organizationId: request.organizationId },
    ],
  };
}
