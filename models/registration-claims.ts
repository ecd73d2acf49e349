/**
 * One live registration per person, and one live request per account, role and place (how a
 * claim works: ./claims.ts). The API claims the person's key before it starts a self-registration;
 * the details step claims the role's key of a person who asks for another role. A registration
 * that ends without an account (rejected, denied, cancelled, expired) releases its keys; a
 * provisioned one keeps them, as the account it made does.
 */
import type { RegistrationRole } from '../domain/roles';
import { FINAL_STATUSES, type RegistrationStatus } from '../domain/status';
import { claimModel, type ClaimSlot } from './claims';
import { RegistrationModel } from './registration';

export const RegistrationClaimModel = claimModel('RegistrationClaim', 'registration_claims');

/** The statuses after which a registration's keys are free again. */
const RELEASING_STATUSES: ReadonlySet<RegistrationStatus> = new Set([...FINAL_STATUSES].filter((s) => s !== 'PROVISIONED'));

/** A person's key: the keyed hash of their SSN (never the SSN). */
export const personClaimKey = (ssnHash: string) => `person:${ssnHash}`;

/**
 * An account's key for one role at one place: the organization, and the user group joined (by
 * id) or created (by name, as case-insensitively unique as user group names are).
 */
export function roleClaimKey(
  userId: string,
  role: RegistrationRole,
  place: { organizationId?: string; userGroupId?: string; userGroup?: { name: string } },
): string {
  const group = place.userGroupId ?? (place.userGroup ? `new:${place.userGroup.name.trim().toLowerCase()}` : '-');
  return `role:${userId}|${role}|${place.organizationId ?? '-'}|${group}`;
}

/**
 * Whether the registration holding a slot is alive: by its record, or by `unrecorded` while its
 * workflow has not yet recorded it (the first instant after its start).
 */
export async function registrationHoldsClaim(slot: ClaimSlot, unrecorded: (slot: ClaimSlot) => Promise<boolean>): Promise<boolean> {
  const record = await RegistrationModel.findById(slot.requestId, { status: 1 }).lean();
  return record ? !RELEASING_STATUSES.has(record.status) : unrecorded(slot);
}
