/** The registration chart's vocabulary: its input, context and events (the chart: ./registration.ts; its effects are its setup's named actions). */
import type { ApprovalRoute, Principal } from '../domain/approval-routing';
import type { ApprovalContext, ApprovalEvent } from './approval';
import type { RegistrationRole } from '../domain/roles';
import type { RegistrationPolicy } from '../domain/registration-policy';
import type { DetailsVerdict, RegistrationDetails } from '../domain/schemas';

export interface RegistrationInput {
  role: RegistrationRole;
  policy: RegistrationPolicy;
  /** Set when a person who already has an account asks for another role: identity and email are known. */
  applicantUserId?: string;
}

export interface RegistrationContext extends ApprovalContext<ApprovalRoute> {
  role: RegistrationRole;
  policy: RegistrationPolicy;
  /** 1 for the first code, +1 for every resend; names the code an attempt is checked against. */
  codeNumber: number;
  wrongCodeAttempts: number;
  codeResends: number;
  details?: RegistrationDetails;
  trackingNumber?: string;
  userId?: string;
  applicantUserId?: string;
}

export type RegistrationEvent =
  | { type: 'IDENTITY_CHECKED'; matches: boolean }
  | { type: 'EMAIL_CODE_CHECKED'; matches: boolean }
  | { type: 'RESEND_EMAIL_CODE' }
  | { type: 'DETAILS_ASSESSED'; verdict: DetailsVerdict }
  | { type: 'SUBMIT' }
  | { type: 'SUBMISSION_RECORDED'; trackingNumber: string; route: ApprovalRoute }
  | { type: 'ACCOUNT_PROVISIONED'; userId: string }
  /** A decision, an approval deadline, a new route (./approval.ts). */
  | ApprovalEvent<ApprovalRoute, Principal>
  | { type: 'CANCEL' };
