/** The IACS registration roles of Table 1 (000_*). */
export const REGISTRATION_ROLES = [
  'SECURITY_OFFICIAL',
  'BACKUP_SECURITY_OFFICIAL',
  'USER_GROUP_ADMINISTRATOR',
  'END_USER',
  'INDIVIDUAL_PRACTITIONER',
  'REGISTRY_END_USER',
] as const;
export type RegistrationRole = (typeof REGISTRATION_ROLES)[number];

/** User communities; only Provider/Supplier is open today, the model allows more. */
export const COMMUNITIES = ['PROVIDER_SUPPLIER'] as const;
export type Community = (typeof COMMUNITIES)[number];

export const USER_GROUP_KINDS = ['PROVIDER', 'SURROGATE', 'REGISTRY'] as const;

/** Provider types an organization may declare; DMEPOS suppliers may not register yet. */
export const PROVIDER_TYPES = [
  'HOSPITAL',
  'HOME_HEALTH_AGENCY',
  'SKILLED_NURSING_FACILITY',
  'INDEPENDENT_DIAGNOSTIC_TESTING_FACILITY',
  'AMBULANCE_COMPANY',
  'AMBULATORY_SURGICAL_CENTER',
  'PHYSICIAN_GROUP_PRACTICE',
  'INDIVIDUAL_PRACTITIONER',
  'REGISTRY',
  'DMEPOS_SUPPLIER',
] as const;

/** A role an account holds once a registration is provisioned, or a configured standing role (Help Desk, operator). */
export const ACCOUNT_ROLES = [...REGISTRATION_ROLES, 'HELP_DESK', 'OPERATOR'] as const;

/**
 * An organization's officials: its Security Official and Backup Security Officials. Table 2: they
 * are the default approvers and "cannot access any application"; escalation's middle step.
 */
export const ORGANIZATION_OFFICIALS = ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface RoleGrant {
  role: AccountRole;
  organizationId?: string;
  userGroupId?: string;
}
