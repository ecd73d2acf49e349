/**
 * The email-code rules a registration starts with (DOMAIN.md: a code is good for 30 minutes,
 * a few wrong tries, a few resends). Each workflow carries the policy it started with, so a
 * changed configuration applies to new registrations only.
 */

export const EMAIL_CODE_TTL_MS = 30 * 60 * 1000;
export const MAX_WRONG_CODE_ATTEMPTS = 5;
export const MAX_CODE_RESENDS = 3;

export interface RegistrationPolicy {
  emailCodeTtlMs: number;
  maxWrongCodeAttempts: number;
  maxCodeResends: number;
}

export const DEFAULT_POLICY: RegistrationPolicy = {
  emailCodeTtlMs: EMAIL_CODE_TTL_MS,
  maxWrongCodeAttempts: MAX_WRONG_CODE_ATTEMPTS,
  maxCodeResends: MAX_CODE_RESENDS,
};
