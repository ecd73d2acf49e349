/**
 * Who may decide a registration: Table 1 of the IACS guide (000_*) kept as data.
 * This module is the one place that answers "is this principal an approver of that request".
 */
import type { AccountRole, RegistrationRole, RoleGrant } from './roles';

export type ApproverSelector =
  | { kind: 'HELP_DESK' }
  | { kind: 'ORGANIZATION_ROLE'; roles: AccountRole[]; organizationId: string }
  | { kind: 'USER_GROUP_ROLE'; roles: AccountRole[]; userGroupId: string };

export interface ApprovalRoute {
  /** The role that holds the request, for the applicant's view. */
  heldBy: AccountRole[];
  approvers: ApproverSelector[];
}

export interface RoutableRequest {
  role: RegistrationRole;
  organizationId?: string;
  userGroupId?: string;
}

type RouteRule = (r: RoutableRequest) => ApprovalRoute;

const helpDesk: RouteRule = () => ({ heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] });
const organizationRoles =
  (roles: AccountRole[]): RouteRule =>
  (r) => ({
    heldBy: roles,
    approvers: [{ kind: 'ORGANIZATION_ROLE', roles, organizationId: required(r.organizationId, r.role, 'organizationId') }],
  });
const userGroupRoles =
  (roles: AccountRole[]): RouteRule =>
  (r) => ({ heldBy: roles, approvers: [{ kind: 'USER_GROUP_ROLE', roles, userGroupId: required(r.userGroupId, r.role, 'userGroupId') }] });

/** Table 1, "APPROVED BY" column. */
export const APPROVAL_TABLE: Record<RegistrationRole, RouteRule> = {
  SECURITY_OFFICIAL: helpDesk,
  BACKUP_SECURITY_OFFICIAL: organizationRoles(['SECURITY_OFFICIAL']),
  USER_GROUP_ADMINISTRATOR: organizationRoles(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']),
  END_USER: userGroupRoles(['USER_GROUP_ADMINISTRATOR']),
  INDIVIDUAL_PRACTITIONER: helpDesk,
  REGISTRY_END_USER: userGroupRoles(['USER_GROUP_ADMINISTRATOR']),
};

export function approvalRouteFor(request: RoutableRequest): ApprovalRoute {
  return APPROVAL_TABLE[request.role](request);
}

export interface Principal {
  userId: string;
  roles: RoleGrant[];
}

function selects(selector: ApproverSelector, grant: RoleGrant): boolean {
  switch (selector.kind) {
    case 'HELP_DESK':
      return grant.role === 'HELP_DESK';
    case 'ORGANIZATION_ROLE':
      return selector.roles.includes(grant.role) && grant.organizationId === selector.organizationId;
    case 'USER_GROUP_ROLE':
      return selector.roles.includes(grant.role) && grant.userGroupId === selector.userGroupId;
  }
}

export function mayDecide(principal: Principal, route: ApprovalRoute, applicantUserId?: string): boolean {
  if (applicantUserId !== undefined && principal.userId === applicantUserId) return false;
  return route.approvers.some((selector) => principal.roles.some((grant) => selects(selector, grant)));
}

function required(value: string | undefined, role: RegistrationRole, field: string): string {
  if (value === undefined) throw new Error(`a ${role} request needs ${field} to be routed`);
  return value;
}
