/**
 * Every message a registration workflow accepts, defined once and imported by both the
 * workflow and the API.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalRoute, Decision, Principal } from '../domain/approval-routing';
import type { DeadlinePolicy, DeadlineView } from '../domain/approval-deadlines';
import type { BusinessCalendar } from '../domain/business-days';
import type { Community, RegistrationRole } from '../domain/roles';
import type { Identity, RegistrationDetails } from '../domain/schemas';
import type { SealedIdentity } from '../security/sealed-identity';
import type { RegistrationStatus, StatusChange } from '../domain/status';
import type { RegistrationPolicy } from '../domain/registration-policy';

export const REGISTRATION_WORKFLOW = 'registrationWorkflow';
/** The registration workflow's signature (workflows/registration.ts), for typed starts: `workflow.start<RegistrationWorkflow>(…)`. */
export type RegistrationWorkflow = (input: RegistrationWorkflowInput) => Promise<RegistrationView>;
export const workflowIdFor = (registrationId: string) => `registration-${registrationId}`;

export interface RegistrationWorkflowInput {
  registrationId: string;
  community: Community;
  role: RegistrationRole;
  /** The identity a new person gave, sealed a second time (security/sealed-identity.ts); absent when a person with an account asks for another role. */
  sealedIdentity?: SealedIdentity;
  /** Requests started before identities were sealed carry them here, in the clear inside the payload codec. */
  identity?: Identity;
  /** The account of a person asking for another role. */
  applicantUserId?: string;
  email: string;
  applicantTokenHash: string;
  policy: RegistrationPolicy;
  /** When approvers are reminded, when the request escalates and when it expires; defaults when absent. */
  approvalDeadlines?: { policy: DeadlinePolicy; calendar: BusinessCalendar };
}

/** The public view of a registration (shared/API.md `GET /registrations/:id`). */
export interface RegistrationView extends DeadlineView {
  id: string;
  role: RegistrationRole;
  status: RegistrationStatus;
  trackingNumber?: string;
  emailCodeExpiresAt?: string;
  emailCodeAttemptsLeft?: number;
  emailCodeResendsLeft?: number;
  reason?: string;
  heldBy?: ApprovalRoute['heldBy'];
  history: StatusChange[];
}

export interface StatusResult {
  status: RegistrationStatus;
}
interface EmailCodeResult extends StatusResult {
  accepted: boolean;
  attemptsLeft: number;
}
export type DecisionInput = Decision<Principal>;

export const registrationViewQuery = defineQuery<RegistrationView>('registrationView');
export const applicantTokenHashQuery = defineQuery<string>('applicantTokenHash');
/** The professional details the workflow last accepted (null before any): what the applicant reviews before submitting. */
export const registrationDetailsQuery = defineQuery<RegistrationDetails | null>('registrationDetails');

/** The code as the applicant typed it, sealed by the API (security/sealed-identity.ts `sealCode`). */
export const verifyEmailCodeUpdate = defineUpdate<EmailCodeResult, [string]>('verifyEmailCode');
export const resendEmailCodeUpdate = defineUpdate<StatusResult>('resendEmailCode');
export const provideDetailsUpdate = defineUpdate<StatusResult & { reason?: string }, [RegistrationDetails]>('provideDetails');
export const submitUpdate = defineUpdate<StatusResult & { trackingNumber: string }>('submit');
export const cancelUpdate = defineUpdate<StatusResult>('cancel');
export const decideUpdate = defineUpdate<StatusResult, [DecisionInput]>('decide');
/** A new deadline policy, applied to this request from now on (deadlines count from its submission). */
export const applyDeadlinePolicyUpdate = defineUpdate<StatusResult, [DeadlinePolicy]>('applyDeadlinePolicy');
/** Approvers on the route can no longer decide: the next route the tables allow. */
export const rerouteUpdate = defineUpdate<StatusResult, [ApprovalRoute]>('reroute');

/**
 * Why a message was refused. The workflow throws an ApplicationFailure of one of these types
 * (with `details[0]` a RefusalDetails); the API turns each into an HTTP answer.
 */
export const REFUSALS = {
  WRONG_STATUS: 'RegistrationWrongStatus',
  EMAIL_CODE_EXPIRED: 'EmailCodeExpired',
  EMAIL_CODE_LOCKED: 'EmailCodeLocked',
  RESEND_LIMIT: 'EmailCodeResendLimit',
  INVALID_DETAILS: 'InvalidDetails',
  ROLE_ALREADY_REQUESTED: 'RoleAlreadyRequested',
  NOT_ROUTED: 'NotRoutedToApprover',
} as const;
export type RefusalType = (typeof REFUSALS)[keyof typeof REFUSALS];
export interface RefusalDetails {
  status: RegistrationStatus;
  errors?: { path: string; message: string }[];
  attemptsLeft?: number;
}
