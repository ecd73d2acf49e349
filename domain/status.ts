/** Public registration statuses (shared/API.md). */
export const REGISTRATION_STATUSES = [
  'VALIDATING_IDENTITY',
  'IDENTITY_REJECTED',
  'AWAITING_EMAIL_VERIFICATION',
  'EMAIL_VERIFICATION_EXPIRED',
  'AWAITING_DETAILS',
  'AWAITING_APPROVAL',
  'DENIED',
  'APPROVED',
  'PROVISIONED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<RegistrationStatus> = new Set([
  'IDENTITY_REJECTED',
  'EMAIL_VERIFICATION_EXPIRED',
  'DENIED',
  'PROVISIONED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
]);

export interface StatusChange {
  status: RegistrationStatus;
  at: string;
}
