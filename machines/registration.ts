/**
 * The registration statechart: every status of shared/API.md, pure. It performs no I/O and
 * keeps no clock: effects are named actions that the workflow interprets as activities, and
 * the 30-minute code window is an `after` delay the workflow turns into a durable timer.
 */
import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { mayDecide, type ApprovalRoute, type RoutableRequest } from '../domain/approval-routing';
import { escalationFor } from '../domain/escalation';
import { effect, statusTagOf } from './chart-parts';
import { approvalAfter, arrivalNotice, awaitingDecision, isApprovalEvent } from './approval';
import type { ApplicantNotice, ApproverNotice } from '../domain/notices';
import type { RegistrationDetails } from '../domain/schemas';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../domain/status';
import type { RegistrationContext, RegistrationEvent, RegistrationInput } from './registration-types';

export type { RegistrationContext, RegistrationEvent, RegistrationInput } from './registration-types';

const chart = setup({
  // XState's way to type a chart: a value that only carries types (the lint rule sees only that `setup` accepts `{}`).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: RegistrationContext; events: RegistrationEvent; input: RegistrationInput; tags: RegistrationStatus },
  actions: {
    validateIdentity: effect,
    stopIdentityValidation: effect,
    issueEmailCode: (_, _params: { codeNumber: number }) => undefined,
    recordSubmission: (_, _params: { details: RegistrationDetails }) => undefined,
    provisionAccount: effect,
    notifyApplicant: (_, _params: { notice: ApplicantNotice; reason?: string }) => undefined,
    notifyApprovers: (_, _params: { notice: ApproverNotice; route: ApprovalRoute }) => undefined,
  },
  guards: {
    identityMatches: ({ event }) => event.type === 'IDENTITY_CHECKED' && event.matches,
    codeMatches: ({ event }) => event.type === 'EMAIL_CODE_CHECKED' && event.matches,
    lastWrongAttempt: ({ context }) => context.wrongCodeAttempts + 1 >= context.policy.maxWrongCodeAttempts,
    mayResend: ({ context }) => context.codeResends < context.policy.maxCodeResends,
    detailsAccepted: ({ event }) => event.type === 'DETAILS_ASSESSED' && event.verdict.outcome === 'ACCEPTED',
    hasDetails: ({ context }) => context.details !== undefined,
    isRoutedApprover: ({ context, event }) =>
      event.type === 'DECIDE' && context.route !== undefined && mayDecide(event.approver, context.route, context.applicantUserId),
    approves: ({ event }) => event.type === 'DECIDE' && event.decision === 'APPROVE',
    approvesAsRouted: and(['isRoutedApprover', 'approves']),
    isAccountHolder: ({ context }) => context.applicantUserId !== undefined,
  },
  delays: {
    emailCodeTtl: ({ context }) => context.policy.emailCodeTtlMs,
  },
});

const EXPIRED_REASON = 'No approver decided the request within the time allowed; you may submit a new request.';

/** The approval part's one change of context (./approval.ts), with this chart's escalation. */
const approvalUpdate = chart.assign(({ context, event }) =>
  isApprovalEvent(event) ? approvalAfter(context, event, (route) => escalationFor(routableRequest(context), route), EXPIRED_REASON) : {},
);

export const registrationMachine = chart.createMachine({
  id: 'registration',
  context: ({ input }) => ({
    role: input.role,
    policy: input.policy,
    applicantUserId: input.applicantUserId,
    codeNumber: 0,
    wrongCodeAttempts: 0,
    codeResends: 0,
    reminded: false,
    escalated: false,
  }),
  initial: 'start',
  states: {
    // Transient: a person registers once; later roles skip the identity and email steps.
    start: {
      always: [{ guard: 'isAccountHolder', target: 'awaitingDetails' }, { target: 'validatingIdentity' }],
    },
    validatingIdentity: {
      tags: ['VALIDATING_IDENTITY'],
      entry: 'validateIdentity',
      exit: 'stopIdentityValidation',
      on: {
        IDENTITY_CHECKED: [
          { guard: 'identityMatches', target: 'awaitingEmailVerification', actions: assign({ codeNumber: 1 }) },
          { target: 'identityRejected' },
        ],
        CANCEL: 'cancelled',
      },
    },
    identityRejected: {
      tags: ['IDENTITY_REJECTED'],
      type: 'final',
      entry: [
        assign({ reason: 'Your identity could not be validated against Social Security Administration records. Please contact the SSA.' }),
        { type: 'notifyApplicant', params: ({ context }) => ({ notice: 'IDENTITY_REJECTED' as const, reason: context.reason }) },
      ],
    },
    awaitingEmailVerification: {
      tags: ['AWAITING_EMAIL_VERIFICATION'],
      entry: { type: 'issueEmailCode', params: ({ context }) => ({ codeNumber: context.codeNumber }) },
      after: { emailCodeTtl: 'emailVerificationExpired' },
      initial: 'codeActive',
      states: {
        codeActive: {
          on: {
            EMAIL_CODE_CHECKED: [
              { guard: 'codeMatches', target: '#registration.awaitingDetails' },
              {
                guard: 'lastWrongAttempt',
                target: 'codeLocked',
                actions: assign({ wrongCodeAttempts: ({ context }) => context.wrongCodeAttempts + 1 }),
              },
              { actions: assign({ wrongCodeAttempts: ({ context }) => context.wrongCodeAttempts + 1 }) },
            ],
          },
        },
        // Too many wrong attempts: this code is spent; only a resend (or the clock) moves on.
        codeLocked: {},
      },
      on: {
        RESEND_EMAIL_CODE: {
          guard: 'mayResend',
          target: 'awaitingEmailVerification',
          reenter: true,
          actions: assign({
            codeResends: ({ context }) => context.codeResends + 1,
            codeNumber: ({ context }) => context.codeNumber + 1,
            wrongCodeAttempts: 0,
          }),
        },
        CANCEL: 'cancelled',
      },
    },
    emailVerificationExpired: {
      tags: ['EMAIL_VERIFICATION_EXPIRED'],
      type: 'final',
      entry: [
        assign({ reason: 'The email verification code was not entered within the time allowed.' }),
        { type: 'notifyApplicant', params: ({ context }) => ({ notice: 'EMAIL_VERIFICATION_EXPIRED' as const, reason: context.reason }) },
      ],
    },
    awaitingDetails: {
      tags: ['AWAITING_DETAILS'],
      initial: 'editing',
      states: {
        editing: {
          on: {
            DETAILS_ASSESSED: [
              {
                guard: 'detailsAccepted',
                actions: assign({ details: ({ event }) => (event.verdict.outcome === 'ACCEPTED' ? event.verdict.details : undefined) }),
              },
              {
                target: '#registration.rejected',
                actions: assign({ reason: ({ event }) => (event.verdict.outcome === 'REFUSED' ? event.verdict.reason : undefined) }),
              },
            ],
            SUBMIT: {
              guard: 'hasDetails',
              target: 'submitting',
            },
          },
        },
        submitting: {
          entry: { type: 'recordSubmission', params: ({ context }) => ({ details: context.details! }) },
          on: {
            // Recorded under a tracking number and routed: the approvers on the route hear of its arrival.
            SUBMISSION_RECORDED: {
              actions: [assign({ route: ({ event }) => event.route, trackingNumber: ({ event }) => event.trackingNumber }), arrivalNotice],
              target: '#registration.awaitingApproval',
            },
          },
        },
      },
      on: { CANCEL: 'cancelled' },
    },
    awaitingApproval: {
      tags: ['AWAITING_APPROVAL'],
      on: {
        ...awaitingDecision('#registration', approvalUpdate, { notifyNewRoute: true }),
        CANCEL: 'cancelled',
      },
    },
    expired: {
      tags: ['EXPIRED'],
      type: 'final',
      entry: { type: 'notifyApplicant', params: ({ context }) => ({ notice: 'EXPIRED' as const, reason: context.reason }) },
    },
    approved: {
      tags: ['APPROVED'],
      entry: 'provisionAccount',
      on: { ACCOUNT_PROVISIONED: { target: 'provisioned', actions: assign({ userId: ({ event }) => event.userId }) } },
    },
    provisioned: { tags: ['PROVISIONED'], type: 'final' },
    denied: {
      tags: ['DENIED'],
      type: 'final',
      entry: { type: 'notifyApplicant', params: ({ context }) => ({ notice: 'DENIED' as const, reason: context.reason }) },
    },
    rejected: {
      tags: ['REJECTED'],
      type: 'final',
      entry: { type: 'notifyApplicant', params: ({ context }) => ({ notice: 'REJECTED' as const, reason: context.reason }) },
    },
    cancelled: {
      tags: ['CANCELLED'],
      type: 'final',
      entry: { type: 'notifyApplicant', params: { notice: 'CANCELLED' } },
    },
  },
});

/** The request as the routing and escalation tables see it. */
function routableRequest(context: RegistrationContext): RoutableRequest {
  return { role: context.role, organizationId: context.details?.organizationId, userGroupId: context.details?.userGroupId };
}

export type RegistrationSnapshot = SnapshotFrom<typeof registrationMachine>;

/** The public status of a snapshot (its one status tag). */
export const statusOf = (snapshot: RegistrationSnapshot): RegistrationStatus => statusTagOf(REGISTRATION_STATUSES, snapshot);

/** Wrong attempts left on the current email code. */
export function codeAttemptsLeft(context: RegistrationContext): number {
  return Math.max(0, context.policy.maxWrongCodeAttempts - context.wrongCodeAttempts);
}
