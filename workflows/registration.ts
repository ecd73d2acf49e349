/**
 * One registration request, durably: the workflow keeps the chart's snapshot, feeds it every
 * message and timer, and performs the effects the chart names through activities.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  allHandlersFinished,
} from '@temporalio/workflow';
import { initialTransition, transition } from 'xstate';
import type * as activities from '../activities/registration-activities';
import type { ApprovalRoute } from '../domain/approval-routing';
import { deadlinePolicySchema, type DeadlinePolicy } from '../domain/approval-deadlines';
import type { RegistrationDetails } from '../domain/schemas';
import type { RegistrationStatus, StatusChange } from '../domain/status';
import {
  codeAttemptsLeft,
  registrationMachine,
  statusOf,
  type ApproverNotice,
  type RegistrationEvent,
  type RegistrationSnapshot,
} from '../machines/registration';
import {
  applicantTokenHashQuery,
  applyDeadlinePolicyUpdate,
  cancelUpdate,
  decideUpdate,
  provideDetailsUpdate,
  REFUSALS,
  registrationViewQuery,
  rerouteUpdate,
  resendEmailCodeUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  type RefusalDetails,
  type RefusalType,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from './messages';
import { approvalClock } from './approval-clock';
import { READ_MODEL_PATCH } from './patches';
import { serialWork, type ChartAction } from './serial-work';

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
  if (!input.identity) throw new Error('the chart asked to validate an identity this request does not carry');
  return input.identity;
}

export async function registrationWorkflow(input: RegistrationWorkflowInput): Promise<RegistrationView> {
  const { registrationId } = input;
  const readModel = patched(READ_MODEL_PATCH);
  const { recordRegistration, issueEmailCode, checkEmailCode, assessDetails, submitRegistration } = readModel ? local : remote;
  // The first snapshot is computed at once (pure) so queries and validators always have one.
  const [firstSnapshot, firstActions] = initialTransition(registrationMachine, {
    role: input.role,
    policy: input.policy,
    applicantUserId: input.applicantUserId,
  });
  let snapshot: RegistrationSnapshot = firstSnapshot;
  const history: StatusChange[] = [];
  const timers = new Map<string, { scope: CancellationScope; dueAt: string }>();
  const background = new Map<string, CancellationScope>();
  const work = serialWork();
  const exclusive = work.run;

  const status = (): RegistrationStatus => statusOf(snapshot);

  function view(): RegistrationView {
    const { context } = snapshot;
    const waitingForCode = status() === 'AWAITING_EMAIL_VERIFICATION';
    return {
      id: registrationId,
      role: input.role,
      status: status(),
      trackingNumber: context.trackingNumber,
      emailCodeExpiresAt: waitingForCode ? [...timers.values()][0]?.dueAt : undefined,
      emailCodeAttemptsLeft: waitingForCode ? codeAttemptsLeft(context) : undefined,
      emailCodeResendsLeft: waitingForCode ? context.policy.maxCodeResends - context.codeResends : undefined,
      reason: context.reason,
      heldBy: status() === 'AWAITING_APPROVAL' ? context.route?.heldBy : undefined,
      ...clock.view(),
      history: [...history],
    };
  }

  // Approval deadlines: counted in business days from submission; the policy may change while waiting.
  const clock = approvalClock({
    settings: input.approvalDeadlines,
    waiting: () => status() === 'AWAITING_APPROVAL',
    progress: () => snapshot.context,
    reached: (deadline) => dispatch({ type: 'DEADLINE_REACHED', deadline }),
  });

  /** Records a status change in the history at once (queries see it); says whether there was one. */
  function noteStatus(): boolean {
    const current = status();
    if (history.at(-1)?.status === current) return false;
    history.push({ status: current, at: new Date().toISOString() });
    return true;
  }

  /** The view and route last written to the read model, to write only what changed. */
  let written = '';
  let writtenRoute = '';
  async function writeView(statusChanged: boolean): Promise<void> {
    const current = view();
    const json = JSON.stringify(current);
    const { route, decidedBy } = snapshot.context;
    const routeJson = JSON.stringify(route ?? null);
    if (json === written && routeJson === writtenRoute && !statusChanged) return;
    const routeChanged = routeJson !== writtenRoute;
    written = json;
    writtenRoute = routeJson;
    await local.recordView({ view: current, route, decidedBy, statusChanged, routeChanged });
  }

  /** Work that the answer to the current message does not wait for: next in line, after it. */
  function afterAnswer(work: () => Promise<void>): Promise<void> {
    if (!readModel) return work();
    void exclusive(work);
    return Promise.resolve();
  }

  async function persistStatus(): Promise<void> {
    const { context } = snapshot;
    await recordStatus({
      registrationId,
      status: status(),
      history,
      trackingNumber: context.trackingNumber,
      reason: context.reason,
      decidedBy: context.decidedBy,
    });
  }

  /** Feeds one event to the chart and performs the effects it names. Call only inside `exclusive`. */
  async function step(event: RegistrationEvent): Promise<void> {
    const [next, actions] = transition(registrationMachine, snapshot, event);
    snapshot = next;
    await performAll(actions, noteStatus());
  }

  /**
   * Timers first: a deadline runs from when the chart set it, not from when slower effects finish.
   * Then the change is recorded (the read model, with the timers' due dates), then the effects.
   */
  async function performAll(actions: readonly ChartAction[], statusChanged: boolean): Promise<void> {
    const isTimer = (a: ChartAction) => a.type === 'xstate.raise' || a.type === 'xstate.cancel';
    if (!readModel && statusChanged) await persistStatus();
    for (const action of actions.filter(isTimer)) await perform(action);
    if (readModel) {
      // A request that now waits shows its deadlines at once: the clock counts from the AWAITING_APPROVAL instant.
      if (status() === 'AWAITING_APPROVAL') clock.countFrom(new Date(history.at(-1)!.at));
      await writeView(statusChanged);
    }
    for (const action of actions.filter((a) => !isTimer(a))) await perform(action);
  }

  const dispatch = (event: RegistrationEvent) => exclusive(() => step(event));

  /**
   * Starts work that may take long (an outside service down, a deadline days away) without holding
   * up other messages. `then` runs outside the work's scope: stopping the work never cancels it.
   */
  function inBackground<T>(name: string, work: () => Promise<T>, then: (result: T) => Promise<unknown> = async () => undefined): void {
    const scope = new CancellationScope();
    background.set(name, scope);
    scope
      .run(work)
      .then(then)
      .catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      })
      .finally(() => background.delete(name));
  }

  async function perform(action: ChartAction): Promise<void> {
    const params = (action.params ?? {}) as Record<string, unknown>;
    switch (action.type) {
      case 'validateIdentity':
        return inBackground(
          'identity',
          () => validateIdentity(identityOf(input)),
          ({ matches }) => dispatch({ type: 'IDENTITY_CHECKED', matches }),
        );
      case 'stopIdentityValidation':
        return background.get('identity')?.cancel();
      case 'issueEmailCode':
        await issueEmailCode({
          registrationId,
          email: input.email,
          codeNumber: Number(params.codeNumber),
          validForMs: input.policy.emailCodeTtlMs,
        });
        return;
      case 'recordSubmission': {
        const recorded = await submitRegistration({
          registrationId,
          role: input.role,
          email: input.email,
          details: snapshot.context.details!,
          // From the read-model patch on, the acknowledgement email goes after the answer.
          acknowledge: !readModel,
        });
        await step({ type: 'SUBMISSION_RECORDED', ...recorded });
        // The approval clock starts at the AWAITING_APPROVAL instant of the history (MongoDB stores the same one).
        inBackground('deadlines', () => clock.run(new Date(history.at(-1)!.at)));
        if (readModel)
          void afterAnswer(() => acknowledgeSubmission({ registrationId, email: input.email, trackingNumber: recorded.trackingNumber }));
        return;
      }
      case 'notifyApprovers': {
        const { notice, route } = params as { notice: ApproverNotice; route: ApprovalRoute };
        return afterAnswer(() => notifyApprovers({ registrationId, notice, route, applicantUserId: input.applicantUserId }));
      }
      case 'provisionAccount':
        return inBackground(
          'provisioning',
          () => provisionAccount({ registrationId }),
          ({ userId }) => dispatch({ type: 'ACCOUNT_PROVISIONED', userId }),
        );
      case 'notifyApplicant':
        return afterAnswer(() =>
          notifyApplicant({
            registrationId,
            email: input.email,
            notice: params.notice as never,
            reason: params.reason as string | undefined,
          }),
        );
      case 'xstate.raise': {
        const { event, id, delay } = params as { event: RegistrationEvent; id: string; delay?: number };
        if (delay === undefined) throw new Error(`an undelayed raise escaped the chart: ${id}`);
        const scope = new CancellationScope();
        timers.set(id, { scope, dueAt: new Date(Date.now() + delay).toISOString() });
        scope
          .run(() => sleep(delay))
          .then(() => {
            timers.delete(id);
            return dispatch(event);
          })
          .catch((err: unknown) => {
            if (!isCancellation(err)) throw err;
          });
        return;
      }
      case 'xstate.cancel': {
        const sendId = String(params.sendId);
        timers.get(sendId)?.scope.cancel();
        timers.delete(sendId);
        return;
      }
      default:
        throw new Error(`the chart asked for an effect this workflow does not know: ${action.type}`);
    }
  }

  function refuse(type: RefusalType, message: string, extra: Omit<RefusalDetails, 'status'> = {}): never {
    throw ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      details: [{ status: status(), ...extra } satisfies RefusalDetails],
    });
  }
  function requireStatus(expected: RegistrationStatus, action: string): void {
    if (status() !== expected) refuse(REFUSALS.WRONG_STATUS, `cannot ${action} while the registration is ${status()}`);
  }
  function requireCodeOpen(): void {
    if (status() === 'EMAIL_VERIFICATION_EXPIRED') refuse(REFUSALS.EMAIL_CODE_EXPIRED, 'the email verification code has expired');
    requireStatus('AWAITING_EMAIL_VERIFICATION', 'verify the email address');
    if (!snapshot.can({ type: 'EMAIL_CODE_CHECKED', matches: true }))
      refuse(REFUSALS.EMAIL_CODE_LOCKED, 'too many wrong codes: request a new code', { attemptsLeft: 0 });
  }
  function requireCan(event: RegistrationEvent, action: string): void {
    if (!snapshot.can(event)) refuse(REFUSALS.WRONG_STATUS, `cannot ${action} while the registration is ${status()}`);
  }
  function requireResend(): void {
    if (status() === 'EMAIL_VERIFICATION_EXPIRED') refuse(REFUSALS.EMAIL_CODE_EXPIRED, 'the email verification code has expired');
    requireStatus('AWAITING_EMAIL_VERIFICATION', 'resend the code');
    if (!snapshot.can({ type: 'RESEND_EMAIL_CODE' })) refuse(REFUSALS.RESEND_LIMIT, 'no more codes may be sent for this registration');
  }
  function requireDetailsOpen(): void {
    requireStatus('AWAITING_DETAILS', 'change the details');
    if (!snapshot.matches({ awaitingDetails: 'editing' })) refuse(REFUSALS.WRONG_STATUS, 'the registration is being submitted');
  }
  function requireDecidable(event: RegistrationEvent): void {
    requireStatus('AWAITING_APPROVAL', 'decide');
    if (!snapshot.can(event)) refuse(REFUSALS.NOT_ROUTED, 'this registration is not routed to you');
  }

  setHandler(
    applyDeadlinePolicyUpdate,
    (policy) => {
      clock.changePolicy(policy);
      if (!readModel) return { status: status() };
      // The read model shows the recounted deadlines before the change is answered.
      return exclusive(async () => {
        await writeView(false);
        return { status: status() };
      });
    },
    { validator: (policy: DeadlinePolicy) => void deadlinePolicySchema.parse(policy) },
  );
  setHandler(
    rerouteUpdate,
    (route) =>
      exclusive(async () => {
        requireStatus('AWAITING_APPROVAL', 'change the approvers');
        await step({ type: 'ROUTE_CHANGED', route });
        return { status: status() };
      }),
    { validator: (_route: ApprovalRoute) => requireStatus('AWAITING_APPROVAL', 'change the approvers') },
  );
  setHandler(registrationViewQuery, view);
  setHandler(applicantTokenHashQuery, () => input.applicantTokenHash);

  // Each update is checked twice: by its validator when it arrives (a refusal leaves no trace
  // in history), and again when its turn comes, since earlier messages may have moved the chart.
  setHandler(
    verifyEmailCodeUpdate,
    (code) =>
      exclusive(async () => {
        requireCodeOpen();
        const matches = await checkEmailCode({ registrationId, codeNumber: snapshot.context.codeNumber, code });
        await step({ type: 'EMAIL_CODE_CHECKED', matches });
        return { status: status(), accepted: matches, attemptsLeft: codeAttemptsLeft(snapshot.context) };
      }),
    { validator: (_code: string) => requireCodeOpen() },
  );
  setHandler(
    resendEmailCodeUpdate,
    () =>
      exclusive(async () => {
        requireResend();
        await step({ type: 'RESEND_EMAIL_CODE' });
        return { status: status() };
      }),
    { validator: requireResend },
  );
  setHandler(
    provideDetailsUpdate,
    (details) =>
      exclusive(async () => {
        requireDetailsOpen();
        const verdict = await assessDetails({ registrationId, role: input.role, details, applicantUserId: input.applicantUserId });
        if (verdict.outcome === 'INVALID') refuse(REFUSALS.INVALID_DETAILS, 'the details are not acceptable', { errors: verdict.errors });
        await step({ type: 'DETAILS_ASSESSED', verdict });
        return { status: status(), reason: snapshot.context.reason };
      }),
    { validator: (_details: RegistrationDetails) => requireDetailsOpen() },
  );
  setHandler(
    submitUpdate,
    () =>
      exclusive(async () => {
        requireCan({ type: 'SUBMIT' }, 'submit');
        await step({ type: 'SUBMIT' });
        return { status: status(), trackingNumber: snapshot.context.trackingNumber! };
      }),
    { validator: () => requireCan({ type: 'SUBMIT' }, 'submit') },
  );
  setHandler(
    cancelUpdate,
    () =>
      exclusive(async () => {
        requireCan({ type: 'CANCEL' }, 'cancel');
        await step({ type: 'CANCEL' });
        return { status: status() };
      }),
    { validator: () => requireCan({ type: 'CANCEL' }, 'cancel') },
  );
  setHandler(
    decideUpdate,
    (decision) =>
      exclusive(async () => {
        const event = { type: 'DECIDE', ...decision } as const;
        requireDecidable(event);
        await step(event);
        return { status: status() };
      }),
    { validator: (decision) => requireDecidable({ type: 'DECIDE', ...decision }) },
  );

  // The first status is in the history from the first moment; MongoDB hears of it just after.
  history.push({ status: status(), at: new Date().toISOString() });
  await recordRegistration(input);
  await exclusive(() => performAll(firstActions, true));

  await condition(() => snapshot.status === 'done' && work.idle() && background.size === 0 && allHandlersFinished());
  return view();
}
