/**
 * A registration's message handlers, and the checks its messages pass before the chart sees them,
 * in one order for every message: route, then status, then what the chart can take. Each check
 * refuses with a typed failure (workflows/messages.ts REFUSALS) that the API turns into its HTTP answer.
 */
import type { RegistrationStatus } from '../domain/status';
import type { registrationMachine, RegistrationEvent } from '../machines/registration';
import type { ChartRunner } from './chart-runner';
import { handleDeadlinePolicyChanges, type ApprovalClock } from './approval-clock';
import { setHandler } from '@temporalio/workflow';
import type * as activities from '../activities/registration-activities';
import { mayDecide, type ApprovalRoute } from '../domain/approval-routing';
import type { RegistrationDetails } from '../domain/schemas';
import { codeAttemptsLeft } from '../machines/registration';
import {
  applicantTokenHashQuery,
  applyDeadlinePolicyUpdate,
  cancelUpdate,
  decideUpdate,
  provideDetailsUpdate,
  REFUSALS,
  registrationDetailsQuery,
  registrationViewQuery,
  rerouteUpdate,
  resendEmailCodeUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  type DecisionInput,
  type RefusalDetails,
  type RefusalType,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from './messages';

type Activities = ReturnType<typeof activities.createRegistrationActivities>;

/** Explicitly typed, so that a call of `refuse` narrows like a `throw` where it is called. */
interface RegistrationChecks {
  refuse(type: RefusalType, message: string, extra?: Omit<RefusalDetails, 'status'>): never;
  requireStatus(expected: RegistrationStatus, action: string): void;
  requireCodeOpen(): void;
  requireCan(event: RegistrationEvent, action: string): void;
  requireResend(): void;
  requireDetailsOpen(): void;
  requireDecidable(decision: DecisionInput): void;
}

function registrationChecks(chart: ChartRunner<typeof registrationMachine, RegistrationStatus>): RegistrationChecks {
  const status = (): RegistrationStatus => chart.status();
  function refuse(type: RefusalType, message: string, extra: Omit<RefusalDetails, 'status'> = {}): never {
    return chart.refuse(type, message, extra);
  }
  function requireStatus(expected: RegistrationStatus, action: string): void {
    if (status() !== expected) refuse(REFUSALS.WRONG_STATUS, `cannot ${action} while the registration is ${status()}`);
  }
  function requireCodeOpen(): void {
    if (status() === 'EMAIL_VERIFICATION_EXPIRED') refuse(REFUSALS.EMAIL_CODE_EXPIRED, 'the email verification code has expired');
    requireStatus('AWAITING_EMAIL_VERIFICATION', 'verify the email address');
    if (!chart.snapshot.can({ type: 'EMAIL_CODE_CHECKED', matches: true }))
      refuse(REFUSALS.EMAIL_CODE_LOCKED, 'too many wrong codes: request a new code', { attemptsLeft: 0 });
  }
  function requireCan(event: RegistrationEvent, action: string): void {
    if (!chart.snapshot.can(event)) refuse(REFUSALS.WRONG_STATUS, `cannot ${action} while the registration is ${status()}`);
  }
  function requireResend(): void {
    if (status() === 'EMAIL_VERIFICATION_EXPIRED') refuse(REFUSALS.EMAIL_CODE_EXPIRED, 'the email verification code has expired');
    requireStatus('AWAITING_EMAIL_VERIFICATION', 'resend the code');
    if (!chart.snapshot.can({ type: 'RESEND_EMAIL_CODE' }))
      refuse(REFUSALS.RESEND_LIMIT, 'no more codes may be sent for this registration');
  }
  function requireDetailsOpen(): void {
    requireStatus('AWAITING_DETAILS', 'change the details');
    if (!chart.snapshot.matches({ awaitingDetails: 'editing' })) refuse(REFUSALS.WRONG_STATUS, 'the registration is being submitted');
  }
  /** Route, then status: someone the request is not routed to learns nothing of its status. */
  function requireDecidable(decision: DecisionInput): void {
    const { route, applicantUserId } = chart.snapshot.context;
    if (route !== undefined && !mayDecide(decision.approver, route, applicantUserId))
      refuse(REFUSALS.NOT_ROUTED, 'this registration is not routed to you');
    requireStatus('AWAITING_APPROVAL', 'decide');
    if (!chart.snapshot.can({ type: 'DECIDE', ...decision })) refuse(REFUSALS.NOT_ROUTED, 'this registration is not routed to you');
  }

  return { refuse, requireStatus, requireCodeOpen, requireCan, requireResend, requireDetailsOpen, requireDecidable };
}

/** What a registration's message handlers work with. */
interface RegistrationScope {
  input: RegistrationWorkflowInput;
  chart: ChartRunner<typeof registrationMachine, RegistrationStatus>;
  clock: ApprovalClock;
  /** Whether this workflow runs from the read-model patch on. */
  readModel: boolean;
  view: () => RegistrationView;
  writeView: (statusChanged: boolean) => Promise<void>;
  checkEmailCode: Activities['checkEmailCode'];
  assessDetails: Activities['assessDetails'];
}

/** The queries and updates of a registration: each update checked (route, then status), then fed to the chart in turn. */
export function handleRegistrationMessages(scope: RegistrationScope): void {
  const { input, chart, clock, readModel, view, writeView, checkEmailCode, assessDetails } = scope;
  const checks: RegistrationChecks = registrationChecks(chart);
  const status = (): RegistrationStatus => chart.status();
  handleDeadlinePolicyChanges(applyDeadlinePolicyUpdate, { clock, status, readModel, writeView, exclusive: chart.exclusive });
  setHandler(registrationViewQuery, view);
  setHandler(applicantTokenHashQuery, () => input.applicantTokenHash);
  // A query adds nothing to the history: no patch needed.
  setHandler(registrationDetailsQuery, () => chart.snapshot.context.details ?? null);

  const answer = async (event: RegistrationEvent) => {
    await chart.step(event);
    return { status: status() };
  };
  chart.onUpdate(
    rerouteUpdate,
    (_route: ApprovalRoute) => checks.requireStatus('AWAITING_APPROVAL', 'change the approvers'),
    (route) => answer({ type: 'ROUTE_CHANGED', route }),
  );
  chart.onUpdate(
    verifyEmailCodeUpdate,
    (_code: string) => checks.requireCodeOpen(),
    async (code) => {
      const matches = await checkEmailCode({ registrationId: input.registrationId, codeNumber: chart.snapshot.context.codeNumber, code });
      await chart.step({ type: 'EMAIL_CODE_CHECKED', matches });
      return { status: status(), accepted: matches, attemptsLeft: codeAttemptsLeft(chart.snapshot.context) };
    },
  );
  chart.onUpdate(
    resendEmailCodeUpdate,
    () => checks.requireResend(),
    () => answer({ type: 'RESEND_EMAIL_CODE' }),
  );
  chart.onUpdate(
    provideDetailsUpdate,
    (_details: RegistrationDetails) => checks.requireDetailsOpen(),
    async (details) => {
      const verdict = await assessDetails({
        registrationId: input.registrationId,
        role: input.role,
        details,
        applicantUserId: input.applicantUserId,
      });
      if (verdict.outcome === 'INVALID')
        checks.refuse(REFUSALS.INVALID_DETAILS, 'the details are not acceptable', { errors: verdict.errors });
      if (verdict.outcome === 'ALREADY_REQUESTED')
        checks.refuse(REFUSALS.ROLE_ALREADY_REQUESTED, 'another request of yours for this role there is in progress', {
          errors: verdict.errors,
        });
      await chart.step({ type: 'DETAILS_ASSESSED', verdict });
      return { status: status(), reason: chart.snapshot.context.reason };
    },
  );
  chart.onUpdate(
    submitUpdate,
    () => checks.requireCan({ type: 'SUBMIT' }, 'submit'),
    async () => {
      await chart.step({ type: 'SUBMIT' });
      return { status: status(), trackingNumber: chart.snapshot.context.trackingNumber! };
    },
  );
  chart.onUpdate(
    cancelUpdate,
    () => checks.requireCan({ type: 'CANCEL' }, 'cancel'),
    () => answer({ type: 'CANCEL' }),
  );
  chart.onUpdate(
    decideUpdate,
    (decision: DecisionInput) => checks.requireDecidable(decision),
    (decision) => answer({ type: 'DECIDE', ...decision }),
  );
}
