/**
 * One registration request, durably: the workflow keeps the chart's snapshot, feeds it every
 * message and timer, and performs the effects the chart names through activities.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type * as activities from '../activities/registration-activities';
import { mayDecide, type ApprovalRoute } from '../domain/approval-routing';
import { deadlinePolicySchema, type DeadlinePolicy } from '../domain/approval-deadlines';
import type { RegistrationDetails } from '../domain/schemas';
import type { RegistrationStatus } from '../domain/status';
import { codeAttemptsLeft, registrationMachine, statusOf, type RegistrationEvent } from '../machines/registration';
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
import { approvalClock } from './approval-clock';
import { operatorView } from './operator-view';
import { ARRIVAL_NOTICE_PATCH, READ_MODEL_PATCH, SEARCH_ATTRIBUTES_PATCH } from './patches';
import { chartRunner, readModelChanges, type NamedEffectOf } from './chart-runner';

type Activities = ReturnType<typeof activities.createRegistrationActivities>;

const shortWork = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const remote = proxyActivities<Activities>(shortWork);
const { recordStatus, notifyApplicant, notifyApprovers, acknowledgeSubmission } = remote;
/**
 * Short database work that a message's answer waits for runs as local activities: in the worker,
 * within the workflow task, with no round trip through the Temporal server.
 */
const local = proxyLocalActivities<Activities>(shortWork);

// Outside services may be down for long; the applicant's request waits for them, never re-entered.
const { validateIdentity, provisionAccount } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['InvalidIdentityRequest'],
  },
});

function identityOf(input: RegistrationWorkflowInput) {
  const identity = input.sealedIdentity ?? input.identity;
  if (!identity) throw new Error('the chart asked to validate an identity this request does not carry');
  return identity;
}

export async function registrationWorkflow(input: RegistrationWorkflowInput): Promise<RegistrationView> {
  const { registrationId } = input;
  const readModel = patched(READ_MODEL_PATCH);
  const arrivalNotice = patched(ARRIVAL_NOTICE_PATCH);
  const describeForOperators = patched(SEARCH_ATTRIBUTES_PATCH) ? operatorView() : undefined;
  const { recordRegistration, issueEmailCode, checkEmailCode, assessDetails, submitRegistration } = readModel ? local : remote;

  // Approval deadlines: counted in business days from submission; the policy may change while waiting.
  const clock = approvalClock({
    settings: input.approvalDeadlines,
    waiting: () => status() === 'AWAITING_APPROVAL',
    progress: () => chart.snapshot.context,
    reached: (deadline) => chart.dispatch({ type: 'DEADLINE_REACHED', deadline }),
  });

  const chart = chartRunner({
    machine: registrationMachine,
    input: { role: input.role, policy: input.policy, applicantUserId: input.applicantUserId },
    statusOf,
    answerFirst: readModel,
    recordStatusFirst: async ({ statusChanged }) => {
      if (!readModel && statusChanged) await persistStatus();
    },
    record: async ({ statusChanged }) => {
      if (!readModel) return;
      // A request that now waits shows its deadlines at once: the clock counts from the AWAITING_APPROVAL instant.
      if (status() === 'AWAITING_APPROVAL') clock.countFrom(new Date(lastStatusAt()));
      const current = view();
      describeForOperators?.({ kind: 'REGISTRATION', organizationId: chart.snapshot.context.details?.organizationId, ...current });
      await writeView(statusChanged, current);
    },
    perform: (effect) => perform(effect),
  });
  const status = (): RegistrationStatus => chart.status();
  const lastStatusAt = (): string => chart.history().at(-1)!.at;

  function view(): RegistrationView {
    const { context } = chart.snapshot;
    const waitingForCode = status() === 'AWAITING_EMAIL_VERIFICATION';
    return {
      id: registrationId,
      role: input.role,
      status: status(),
      trackingNumber: context.trackingNumber,
      emailCodeExpiresAt: waitingForCode ? chart.nextTimerDueAt() : undefined,
      emailCodeAttemptsLeft: waitingForCode ? codeAttemptsLeft(context) : undefined,
      emailCodeResendsLeft: waitingForCode ? context.policy.maxCodeResends - context.codeResends : undefined,
      reason: context.reason,
      heldBy: status() === 'AWAITING_APPROVAL' ? context.route?.heldBy : undefined,
      ...clock.view(),
      history: chart.history(),
    };
  }

  /** The view and route last written to the read model, to write only what changed. */
  const changesSinceWritten = readModelChanges();
  async function writeView(statusChanged: boolean, current = view()): Promise<void> {
    const { route, decidedBy } = chart.snapshot.context;
    const changes = changesSinceWritten(current, route, statusChanged);
    if (changes) await local.recordView({ view: current, route, decidedBy, statusChanged, ...changes });
  }

  /** Before the read model: the status went to MongoDB through a regular activity. */
  async function persistStatus(): Promise<void> {
    const { context } = chart.snapshot;
    await recordStatus({
      registrationId,
      status: status(),
      history: chart.history(),
      trackingNumber: context.trackingNumber,
      reason: context.reason,
      decidedBy: context.decidedBy,
    });
  }

  async function recordSubmission(details: RegistrationDetails): Promise<void> {
    // From the read-model patch on, the acknowledgement email goes after the answer.
    const recorded = await submitRegistration({ registrationId, role: input.role, email: input.email, details, acknowledge: !readModel });
    await chart.step({ type: 'SUBMISSION_RECORDED', ...recorded });
    // The approval clock starts at the AWAITING_APPROVAL instant of the history (MongoDB stores the same one).
    chart.inBackground('deadlines', () => clock.run(new Date(lastStatusAt())));
    if (readModel)
      void chart.afterAnswer(() => acknowledgeSubmission({ registrationId, email: input.email, trackingNumber: recorded.trackingNumber }));
  }

  async function perform(effect: NamedEffectOf<typeof registrationMachine>): Promise<void> {
    switch (effect.type) {
      case 'validateIdentity':
        return chart.inBackground(
          'identity',
          () => validateIdentity(identityOf(input)),
          ({ matches }) => chart.dispatch({ type: 'IDENTITY_CHECKED', matches }),
        );
      case 'stopIdentityValidation':
        return chart.stopBackground('identity');
      case 'issueEmailCode':
        await issueEmailCode({
          registrationId,
          email: input.email,
          codeNumber: effect.params.codeNumber,
          validForMs: input.policy.emailCodeTtlMs,
        });
        return;
      case 'recordSubmission':
        return recordSubmission(effect.params.details);
      case 'notifyApprovers': {
        const { notice, route } = effect.params;
        const notify = () => notifyApprovers({ registrationId, notice, route, applicantUserId: input.applicantUserId });
        if (notice !== 'ARRIVAL') return chart.afterAnswer(notify);
        // The arrival notice holds up no message (a decision may come at once): it runs beside them.
        if (arrivalNotice) chart.inBackground('arrival-notice', notify);
        return;
      }
      case 'provisionAccount':
        return chart.inBackground(
          'provisioning',
          () => provisionAccount({ registrationId }),
          ({ userId }) => chart.dispatch({ type: 'ACCOUNT_PROVISIONED', userId }),
        );
      case 'notifyApplicant': {
        const { notice, reason } = effect.params;
        return chart.afterAnswer(() => notifyApplicant({ registrationId, email: input.email, notice, reason }));
      }
    }
  }

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

  setHandler(
    applyDeadlinePolicyUpdate,
    (policy) => {
      clock.changePolicy(policy);
      if (!readModel) return { status: status() };
      // The read model shows the recounted deadlines before the change is answered.
      return chart.exclusive(async () => {
        await writeView(false);
        return { status: status() };
      });
    },
    { validator: (policy: DeadlinePolicy) => void deadlinePolicySchema.parse(policy) },
  );
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
    (_route: ApprovalRoute) => requireStatus('AWAITING_APPROVAL', 'change the approvers'),
    (route) => answer({ type: 'ROUTE_CHANGED', route }),
  );
  chart.onUpdate(
    verifyEmailCodeUpdate,
    (_code: string) => requireCodeOpen(),
    async (code) => {
      const matches = await checkEmailCode({ registrationId, codeNumber: chart.snapshot.context.codeNumber, code });
      await chart.step({ type: 'EMAIL_CODE_CHECKED', matches });
      return { status: status(), accepted: matches, attemptsLeft: codeAttemptsLeft(chart.snapshot.context) };
    },
  );
  chart.onUpdate(resendEmailCodeUpdate, requireResend, () => answer({ type: 'RESEND_EMAIL_CODE' }));
  chart.onUpdate(
    provideDetailsUpdate,
    (_details: RegistrationDetails) => requireDetailsOpen(),
    async (details) => {
      const verdict = await assessDetails({ registrationId, role: input.role, details, applicantUserId: input.applicantUserId });
      if (verdict.outcome === 'INVALID') refuse(REFUSALS.INVALID_DETAILS, 'the details are not acceptable', { errors: verdict.errors });
      if (verdict.outcome === 'ALREADY_REQUESTED')
        refuse(REFUSALS.ROLE_ALREADY_REQUESTED, 'another request of yours for this role there is in progress', { errors: verdict.errors });
      await chart.step({ type: 'DETAILS_ASSESSED', verdict });
      return { status: status(), reason: chart.snapshot.context.reason };
    },
  );
  chart.onUpdate(
    submitUpdate,
    () => requireCan({ type: 'SUBMIT' }, 'submit'),
    async () => {
      await chart.step({ type: 'SUBMIT' });
      return { status: status(), trackingNumber: chart.snapshot.context.trackingNumber! };
    },
  );
  chart.onUpdate(
    cancelUpdate,
    () => requireCan({ type: 'CANCEL' }, 'cancel'),
    () => answer({ type: 'CANCEL' }),
  );
  chart.onUpdate(decideUpdate, requireDecidable, (decision) => answer({ type: 'DECIDE', ...decision }));

  // MongoDB hears of the registration first; then the first state's effects.
  await recordRegistration(input);
  await chart.start({ recorded: true });
  await chart.finished();
  return view();
}
