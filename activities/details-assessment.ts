/**
 * Checks the organization and user group a request names against what exists. Unknown or
 * unapproved organizations and DMEPOS suppliers are rule refusals (status REJECTED).
 */
import { isValidObjectId } from 'mongoose';
import type { RegistrationRole } from '../domain/roles';
import type { FieldError, RegistrationDetails } from '../domain/schemas';
import { AccountModel } from '../models/account';
import type { DetailsVerdict } from '../domain/schemas';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { claimKey } from '../models/claims';
import { RegistrationClaimModel, registrationHoldsClaim, roleClaimKey } from '../models/registration-claims';

export type DetailsAssessment =
  | DetailsVerdict
  | { outcome: 'INVALID'; errors: FieldError[] }
  /** Another live request of the same person asks for the same role at the same place. */
  | { outcome: 'ALREADY_REQUESTED'; errors: FieldError[] };

export const ROLE_ALREADY_REQUESTED: DetailsAssessment = {
  outcome: 'ALREADY_REQUESTED',
  errors: [{ path: 'role', message: 'you already have a request for this role there in progress' }],
};

/** Claims the role at the place the details name for this registration: false when another live request of the person holds it. */
export function claimRole(registrationId: string, userId: string, role: RegistrationRole, details: RegistrationDetails): Promise<boolean> {
  // The holder of a role's key always has a record: it claimed from its own details step.
  return claimKey(RegistrationClaimModel, roleClaimKey(userId, role, details), registrationId, (slot) =>
    registrationHoldsClaim(slot, () => Promise.resolve(false)),
  );
}

const DMEPOS_REFUSAL = 'DMEPOS suppliers may not register in IACS yet.';

export async function assessDetails(
  role: RegistrationRole,
  details: RegistrationDetails,
  applicantUserId?: string,
): Promise<DetailsAssessment> {
  if (details.organization?.providerType === 'DMEPOS_SUPPLIER') return { outcome: 'REFUSED', reason: DMEPOS_REFUSAL };

  if (details.organizationId !== undefined) {
    const organization = isValidObjectId(details.organizationId) ? await OrganizationModel.findById(details.organizationId) : null;
    if (!organization || organization.status !== 'APPROVED')
      return { outcome: 'REFUSED', reason: 'The organization does not exist or is not approved; it cannot be joined.' };
    if (organization.providerType === 'DMEPOS_SUPPLIER') return { outcome: 'REFUSED', reason: DMEPOS_REFUSAL };
    // Registry organizations hold registry user groups; every other organization holds provider or surrogate ones.
    const registry = organization.providerType === 'REGISTRY';
    if (details.userGroup !== undefined && (details.userGroup.kind === 'REGISTRY') !== registry)
      return {
        outcome: 'INVALID',
        errors: [
          { path: 'userGroup.kind', message: registry ? 'must be REGISTRY in a registry organization' : 'must be PROVIDER or SURROGATE' },
        ],
      };
  }

  if (details.userGroupId !== undefined) {
    const group = isValidObjectId(details.userGroupId) ? await UserGroupModel.findById(details.userGroupId) : null;
    if (!group || group.organizationId !== details.organizationId)
      return { outcome: 'REFUSED', reason: 'The user group does not exist in that organization.' };
    if (role === 'REGISTRY_END_USER' && group.kind !== 'REGISTRY')
      return { outcome: 'INVALID', errors: [{ path: 'userGroupId', message: 'must be a registry user group' }] };
    if (role === 'END_USER' && group.kind === 'REGISTRY')
      return { outcome: 'INVALID', errors: [{ path: 'userGroupId', message: 'must be a provider or surrogate user group' }] };
  }

  if (details.userGroup !== undefined && details.organizationId !== undefined) {
    const escaped = details.userGroup.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (await UserGroupModel.exists({ organizationId: details.organizationId, name: { $regex: `^${escaped}$`, $options: 'i' } }))
      return { outcome: 'INVALID', errors: [{ path: 'userGroup.name', message: 'already names a user group of this organization' }] };
  }

  if (applicantUserId !== undefined) {
    const refusal = await alreadyHolds(applicantUserId, role, details);
    if (refusal) return { outcome: 'INVALID', errors: [refusal] };
  }

  return { outcome: 'ACCEPTED', details };
}

/** A person asking for another role must not already hold it there; a surrogate company gets one group per provider. */
async function alreadyHolds(userId: string, role: RegistrationRole, details: RegistrationDetails): Promise<FieldError | undefined> {
  const account = await AccountModel.findById(userId).lean();
  if (!account) return undefined;
  const sameGrant = account.roles.some(
    (grant) =>
      grant.role === role &&
      (grant.organizationId ?? undefined) === details.organizationId &&
      (details.userGroupId === undefined || grant.userGroupId === details.userGroupId),
  );
  if (sameGrant && role !== 'USER_GROUP_ADMINISTRATOR')
    return { path: 'organizationId', message: `you already hold the role ${role} there` };
  if (role === 'USER_GROUP_ADMINISTRATOR' && details.userGroup?.kind === 'SURROGATE') {
    const administered = account.roles.filter(
      (grant) => grant.role === 'USER_GROUP_ADMINISTRATOR' && grant.organizationId === details.organizationId,
    );
    const surrogate = await UserGroupModel.exists({
      _id: { $in: administered.flatMap((g) => (g.userGroupId ? [g.userGroupId] : [])) },
      kind: 'SURROGATE',
    });
    if (surrogate)
      return { path: 'organizationId', message: 'you already administer a surrogate user group for this provider organization' };
  }
  return undefined;
}
