/**
 * The vocabulary of application roles (Table 2 of the IACS guide, 000_*): the catalog of CMS
 * applications, the two roles a member of a user group may ask for in one of them, the
 * statuses of such a request, and who may ask. Who may *decide* is `approval-routing.ts`.
 */
import { z } from 'zod';
import { text, TEXT_LIMITS } from './text';
import { ORGANIZATION_OFFICIALS, type RoleGrant } from './roles';

export const APPLICATION_ROLES = ['APPLICATION_APPROVER', 'APPLICATION_USER'] as const;
export type ApplicationRole = (typeof APPLICATION_ROLES)[number];

/** A role in one CMS application for one user group, as held on an account (`applicationRoles`). */
export interface ApplicationRoleGrant {
  role: ApplicationRole;
  applicationId: string;
  userGroupId: string;
  organizationId: string;
}

/** Statuses of an application-role request: one workflow per request, from submission to its end. */
export const APPLICATION_ROLE_STATUSES = ['AWAITING_APPROVAL', 'APPROVED', 'GRANTED', 'DENIED', 'CANCELLED', 'EXPIRED'] as const;
export type ApplicationRoleStatus = (typeof APPLICATION_ROLE_STATUSES)[number];

export interface ApplicationRoleStatusChange {
  status: ApplicationRoleStatus;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// The catalog of CMS applications (configuration: APPLICATIONS)

export interface Application {
  id: string;
  name: string;
}

/** Used when APPLICATIONS is not set: CMS enterprise applications reached through IACS-PC. */
export const DEFAULT_APPLICATIONS: readonly Application[] = Object.freeze([
  { id: 'PS&R', name: 'Provider Statistical & Reimbursement' },
  { id: 'PECOS', name: 'Provider Enrollment, Chain and Ownership System' },
  { id: 'HETS', name: 'HIPAA Eligibility Transaction System' },
  { id: 'eCRS', name: 'Electronic Correspondence Referral System' },
]);

const applicationIdSchema = text(TEXT_LIMITS.applicationId).regex(/^[A-Za-z0-9][A-Za-z0-9&._-]*$/, 'must be letters, digits and & . _ -');

const applicationCatalogSchema = z
  .array(z.strictObject({ id: applicationIdSchema, name: text(TEXT_LIMITS.applicationName) }))
  .min(1, 'must list at least one application')
  .refine((apps) => new Set(apps.map((a) => a.id.toUpperCase())).size === apps.length, 'application ids must be unique');

/** The catalog from the APPLICATIONS environment variable (a JSON array), or the default one. */
export function applicationCatalogFrom(json: string | undefined): readonly Application[] {
  if (json === undefined || json.trim() === '') return DEFAULT_APPLICATIONS;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('APPLICATIONS must be a JSON array of { "id", "name" }');
  }
  const parsed = applicationCatalogSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `APPLICATIONS is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'} ${i.message}`).join('; ')}`,
    );
  return Object.freeze(parsed.data);
}

// ---------------------------------------------------------------------------------------------
// What crosses the HTTP edge

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an identifier returned by the API');

/** `POST /me/application-roles`. Whether the application exists is checked against the catalog (422). */
export const applicationRoleRequestSchema = z.strictObject({
  applicationId: applicationIdSchema,
  role: z.enum(APPLICATION_ROLES),
  userGroupId: objectId,
});

export const applicationRoleRequestIdSchema = z.uuid('must be an application-role request id');

// ---------------------------------------------------------------------------------------------
// Who may ask

/** Registration roles that make an account a member of a user group (Table 2: "UGA or End User"). */
const GROUP_MEMBER_ROLES = ['USER_GROUP_ADMINISTRATOR', 'END_USER'] as const;
const has = (list: readonly string[], role: string) => list.includes(role);

/** Whether an account is a member of some user group (its UGA or an End User). */
export function isGroupMember(roles: readonly RoleGrant[]): boolean {
  return roles.some((grant) => has(GROUP_MEMBER_ROLES, grant.role));
}

/** Whether an account holds a role that keeps it from any application role. */
export function isOrganizationOfficial(roles: readonly RoleGrant[]): boolean {
  return roles.some((grant) => has(ORGANIZATION_OFFICIALS, grant.role));
}

/** The grant that makes the account a member of this user group, if any. */
function membershipIn(roles: readonly RoleGrant[], userGroupId: string): (RoleGrant & { organizationId: string }) | undefined {
  for (const grant of roles) {
    const { organizationId } = grant;
    if (has(GROUP_MEMBER_ROLES, grant.role) && grant.userGroupId === userGroupId && organizationId !== undefined)
      return { ...grant, organizationId };
  }
  return undefined;
}

type Eligibility = { eligible: true; organizationId: string } | { eligible: false; reason: string };

/**
 * Table 2, "RULE" column: only a member of the group (its UGA or one of its End Users) may hold
 * an application role in it, so an Application Approver is always a member of the group it
 * approves for; SO and BSO never hold one.
 */
export function mayRequestApplicationRole(roles: readonly RoleGrant[], userGroupId: string): Eligibility {
  if (isOrganizationOfficial(roles))
    return { eligible: false, reason: 'Security Officials and Backup Security Officials cannot hold application roles' };
  const membership = membershipIn(roles, userGroupId);
  if (membership === undefined) return { eligible: false, reason: 'only a member of this user group may request a role in it' };
  return { eligible: true, organizationId: membership.organizationId };
}

/** The key two requests share when they ask for the same thing: one open or granted request per key. */
export function applicationRoleKey(userId: string, request: { applicationId: string; userGroupId: string; role: ApplicationRole }): string {
  return [userId, request.applicationId, request.userGroupId, request.role].join('|');
}

export function sameApplicationRole(
  grant: Pick<ApplicationRoleGrant, 'applicationId' | 'userGroupId' | 'role'>,
  other: Pick<ApplicationRoleGrant, 'applicationId' | 'userGroupId' | 'role'>,
): boolean {
  return grant.applicationId === other.applicationId && grant.userGroupId === other.userGroupId && grant.role === other.role;
}
