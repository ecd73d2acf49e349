/**
 * Who may decide a registration: Table 1 of the IACS guide (000_*) kept as data.
 * This module is the one place that answers "is this principal an approver of that request".
 */
import { ORGANIZATION_OFFICIALS, type AccountRole, type RegistrationRole, type RoleGrant } from './roles';
import type { ApplicationRole, ApplicationRoleGrant } from './application-roles';

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

/** An approver's decision on a request routed to them (the reason is what a denial tells the applicant). */
export interface Decision<TApprover> {
  decision: 'APPROVE' | 'DENY';
  reason?: string;
  approver: TApprover;
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

// ---------------------------------------------------------------------------------------------
// Table 2: application roles. Kept beside Table 1 with their own selector and route types, so
// the registration routes (and what is built on them) keep their closed set of selector kinds.

/** "An Application Approver of application X in user group G." */
interface ApplicationApproverSelector {
  kind: 'APPLICATION_APPROVER';
  applicationId: string;
  userGroupId: string;
}
type ApplicationRoleApproverSelector = ApproverSelector | ApplicationApproverSelector;

/** Who holds an application-role request, for the requester's view. */
type ApplicationRoleHolder = 'SECURITY_OFFICIAL' | 'BACKUP_SECURITY_OFFICIAL' | 'APPLICATION_APPROVER' | 'HELP_DESK';

export interface ApplicationRoleRoute {
  heldBy: ApplicationRoleHolder[];
  approvers: ApplicationRoleApproverSelector[];
}

export interface ApplicationRoleRoutableRequest {
  role: ApplicationRole;
  organizationId: string;
  userGroupId: string;
  applicationId: string;
  /** Whether the group has an Application Approver for this application (other than the requester) at submission. */
  groupHasApprover: boolean;
}

const organizationOfficials = (r: ApplicationRoleRoutableRequest): ApplicationRoleRoute => ({
  heldBy: [...ORGANIZATION_OFFICIALS],
  approvers: [{ kind: 'ORGANIZATION_ROLE', roles: [...ORGANIZATION_OFFICIALS], organizationId: r.organizationId }],
});
const applicationApprovers = (r: ApplicationRoleRoutableRequest): ApplicationRoleRoute => ({
  heldBy: ['APPLICATION_APPROVER'],
  approvers: [{ kind: 'APPLICATION_APPROVER', applicationId: r.applicationId, userGroupId: r.userGroupId }],
});

/**
 * Table 2, "APPROVED BY" column. An Approver is approved by the organization's SO or BSO; a User
 * by the group's Approver(s) of that application, or, when the group has none, by the SO or BSO
 * (the default approvers). The SO/BSO default applies only then: once a group has an Approver for
 * an application, its Users' requests go to that Approver alone.
 */
export const APPLICATION_ROLE_APPROVAL_TABLE: Record<ApplicationRole, (r: ApplicationRoleRoutableRequest) => ApplicationRoleRoute> = {
  APPLICATION_APPROVER: organizationOfficials,
  APPLICATION_USER: (r) => (r.groupHasApprover ? applicationApprovers(r) : organizationOfficials(r)),
};

export function applicationRoleRouteFor(request: ApplicationRoleRoutableRequest): ApplicationRoleRoute {
  return APPLICATION_ROLE_APPROVAL_TABLE[request.role](request);
}

/** A principal with the application roles its account holds, which Table 1 principals do not carry. */
export interface ApplicationRolePrincipal extends Principal {
  applicationRoles: ApplicationRoleGrant[];
}

function selectsApplicationApprover(selector: ApplicationApproverSelector, grant: ApplicationRoleGrant): boolean {
  return (
    grant.role === 'APPLICATION_APPROVER' && grant.applicationId === selector.applicationId && grant.userGroupId === selector.userGroupId
  );
}

/** Whether the principal is routed an application-role request; never the requester's own. */
export function mayDecideApplicationRole(
  principal: ApplicationRolePrincipal,
  route: ApplicationRoleRoute,
  requesterUserId?: string,
): boolean {
  if (requesterUserId !== undefined && principal.userId === requesterUserId) return false;
  return route.approvers.some((selector) =>
    selector.kind === 'APPLICATION_APPROVER'
      ? principal.applicationRoles.some((grant) => selectsApplicationApprover(selector, grant))
      : principal.roles.some((grant) => selects(selector, grant)),
  );
}

// ---------------------------------------------------------------------------------------------
// Routing keys: the same rule as `mayDecide`/`mayDecideApplicationRole`, as strings an index can
// serve. A route is keyed by each approver it selects, a principal by each grant it holds; the
// principal is routed the request exactly when the two share a key (and it is not its own).

const orgKey = (role: string, organizationId: string) => `${role}@org:${organizationId}`;
const groupKey = (role: string, userGroupId: string) => `${role}@group:${userGroupId}`;
const applicationApproverKey = (applicationId: string, userGroupId: string) => `APPLICATION_APPROVER:${applicationId}@group:${userGroupId}`;

/** The keys of every principal a route selects. */
export function routeKeys(route: { approvers: readonly ApplicationRoleApproverSelector[] }): string[] {
  return route.approvers.flatMap((selector) => {
    switch (selector.kind) {
      case 'HELP_DESK':
        return ['HELP_DESK'];
      case 'ORGANIZATION_ROLE':
        return selector.roles.map((role) => orgKey(role, selector.organizationId));
      case 'USER_GROUP_ROLE':
        return selector.roles.map((role) => groupKey(role, selector.userGroupId));
      case 'APPLICATION_APPROVER':
        return [applicationApproverKey(selector.applicationId, selector.userGroupId)];
    }
  });
}

/**
 * The account roles some route selects: Table 1's approvers, its escalations (SO/BSO, Help
 * Desk) and Table 2's default approvers. Only their holders are looked up by routing key
 * (`decidingKeys`); a unit test walks every route and its escalations against this list.
 */
export const DECIDING_ROLES: readonly AccountRole[] = [
  'HELP_DESK',
  'SECURITY_OFFICIAL',
  'BACKUP_SECURITY_OFFICIAL',
  'USER_GROUP_ADMINISTRATOR',
];

/** The keys under which a principal decides: `principalKeys` of its deciding roles and its Application Approver grants. */
export function decidingKeys(principal: Principal & { applicationRoles?: readonly ApplicationRoleGrant[] }): string[] {
  return principalKeys({ ...principal, roles: principal.roles.filter((grant) => DECIDING_ROLES.includes(grant.role)) });
}

/** The keys under which a principal may be routed requests. */
export function principalKeys(principal: Principal & { applicationRoles?: readonly ApplicationRoleGrant[] }): string[] {
  const keys = principal.roles.flatMap((grant) => [
    ...(grant.role === 'HELP_DESK' ? ['HELP_DESK'] : []),
    ...(grant.organizationId !== undefined ? [orgKey(grant.role, grant.organizationId)] : []),
    ...(grant.userGroupId !== undefined ? [groupKey(grant.role, grant.userGroupId)] : []),
  ]);
  for (const grant of principal.applicationRoles ?? [])
    if (grant.role === 'APPLICATION_APPROVER') keys.push(applicationApproverKey(grant.applicationId, grant.userGroupId));
  return [...new Set(keys)];
}
