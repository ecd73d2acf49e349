/**
 * Checks the organization and user group a request names against what exists. Unknown or
 * unapproved organizations and DMEPOS suppliers are rule refusals (status REJECTED).
 */
import { isValidObjectId } from 'mongoose';
import type { RegistrationRole } from '../domain/roles';
import type { RegistrationDetails } from '../domain/schemas';
import type { DetailsVerdict } from '../machines/registration';
import { OrganizationModel, UserGroupModel } from '../models/organization';

export type DetailsAssessment = DetailsVerdict | { outcome: 'INVALID'; errors: { path: string; message: string }[] };

export const DMEPOS_REFUSAL = 'DMEPOS suppliers may not register in IACS yet.';

export async function assessDetails(role: RegistrationRole, details: RegistrationDetails): Promise<DetailsAssessment> {
  if (details.organization?.providerType === 'DMEPOS_SUPPLIER') return { outcome: 'REFUSED', reason: DMEPOS_REFUSAL };

  if (details.organizationId !== undefined) {
    const organization = isValidObjectId(details.organizationId) ? await OrganizationModel.findById(details.organizationId) : null;
    if (!organization || organization.status !== 'APPROVED')
      return { outcome: 'REFUSED', reason: 'The organization does not exist or is not approved; it cannot be joined.' };
    if (organization.providerType === 'DMEPOS_SUPPLIER') return { outcome: 'REFUSED', reason: DMEPOS_REFUSAL };
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

  return { outcome: 'ACCEPTED', details };
}
