/**
 * One registration request, durably: the workflow keeps the chart's snapshot, feeds it every
 * message and timer, and performs the effects the chart names through activities.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import { shortWorkProxies } from './activity-proxies';
import type * as activities from '../activities/registration-activities';
import type { RegistrationDetails } from '../domain/schemas';
import type { RegistrationStatus } from '../domain/status';
import { codeAttemptsLeft, registrationMachine, statusOf } from '../machines/registration';
import { type RegistrationView, type RegistrationWorkflow, type RegistrationWorkflowInput } from './messages';
import { approvalClock, type ApprovalClock } from './approval-clock';
import { operatorView } from './operator-view';
import { ARRIVAL_NOTICE_PATCH, READ_MODEL_PATCH, SEARCH_ATTRIBUTES_PATCH } from './patches';
import { chartRunner, readModelChanges, type ChartRunner, type NamedEffectOf } from './chart-runner';
import { handleRegistrationMessages } from './registration-handlers';

type Activities = ReturnType<typeof activities.createRegistrationActivities>;

const { remote, local } = shortWorkProxies<Activities>();
const { recordStatus, notifyApplicant, notifyApprovers, acknowledgeSubmission } = remote;

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

/** The public view of a registration: what its applicant and the read model see. */
function registrationView(
  input: RegistrationWorkflowInput,
  chart: ChartRunner<typeof registrationMachine, RegistrationStatus>,
  clock: ApprovalClock,
): RegistrationView {
  const status = chart.status();
  const { context } = chart.snapshot;
  const waitingForCode = status === 'AWAITING_EMAIL_VERIFICATION';
  return {
    id: input.registrationId,
    role: input.role,
    status,
    trackingNumber: context.trackingNumber,
    emailCodeExpiresAt: waitingForCode ? chart.nextTimerDueAt() : undefined,
    emailCodeAttemptsLeft: waitingForCode ? codeAttemptsLeft(context) : undefined,
    emailCodeResendsLeft: waitingForCode ? context.policy.maxCodeResends - context.codeResends : undefined,
    reason: context.reason,
    heldBy: status === 'AWAITING_APPROVAL' ? context.route?.heldBy : undefined,
    ...clock.view(),
    history: chart.history(),
  };
}

/** Before the read model: the status went to MongoDB through a regular activity. */
async function persistStatus(registrationId: string, chart: ChartRunner<typeof registrationMachine, RegistrationStatus>): Promise<void> {
  const { context } = chart.snapshot;
  await recordStatus({
    registrationId,
    status: chart.status(),
    history: chart.history(),
    trackingNumber: context.trackingNumber,
    reason: context.reason,
    decidedBy: context.decidedBy,
  });
}

/** What a registration's effects work with. */
interface EffectScope {
  input: RegistrationWorkflowInput;
  chart: ChartRunner<typeof registrationMachine, RegistrationStatus>;
  clock: ApprovalClock;
  readModel: boolean;
  /** Whether the arrival notice runs (from the arrival-notice patch on). */
  arrivalNotice: boolean;
  issueEmailCode: Activities['issueEmailCode'];
  submitRegistration: Activities['submitRegistration'];
}

/** The effect table: how each effect the registration chart names is performed. */
function registrationEffects(scope: EffectScope): (effect: NamedEffectOf<typeof registrationMachine>) => Promise<void> {
  const { input, chart, clock, readModel, arrivalNotice, issueEmailCode, submitRegistration } = scope;
  async function recordSubmission(details: RegistrationDetails): Promise<void> {
    // From the read-model patch on, the acknowledgement email goes after the answer.
    const recorded = await submitRegistration({
      registrationId: input.registrationId,
      role: input.role,
      email: input.email,
      details,
      acknowledge: !readModel,
    });
    await chart.step({ type: 'SUBMISSION_RECORDED', ...recorded });
    // The approval clock starts at the AWAITING_APPROVAL instant of the history (MongoDB stores the same one).
    chart.inBackground('deadlines', () => clock.run(new Date(chart.history().at(-1)!.at)));
    if (readModel)
      void chart.afterAnswer(() =>
        acknowledgeSubmission({ registrationId: input.registrationId, email: input.email, trackingNumber: recorded.trackingNumber }),
      );
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
          registrationId: input.registrationId,
          email: input.email,
          codeNumber: effect.params.codeNumber,
          validForMs: input.policy.emailCodeTtlMs,
        });
        return;
      case 'recordSubmission':
        return recordSubmission(effect.params.details);
      case 'notifyApprovers':
        return chart.notifyApprovers(effect.params, arrivalNotice, (params) =>
          notifyApprovers({
            ...params,
            registrationId: input.registrationId,
            applicantUserId: input.applicantUserId,
            trackingNumber: chart.snapshot.context.trackingNumber,
          }),
        );
      case 'provisionAccount':
        return chart.inBackground(
          'provisioning',
          () => provisionAccount({ registrationId: input.registrationId }),
          ({ userId }) => chart.dispatch({ type: 'ACCOUNT_PROVISIONED', userId }),
        );
      case 'notifyApplicant': {
        const { notice, reason } = effect.params;
        return chart.afterAnswer(() => notifyApplicant({ registrationId: input.registrationId, email: input.email, notice, reason }));
      }
    }
  }
  return perform;
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
      if (!readModel && statusChanged) await persistStatus(registrationId, chart);
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

  const view = (): RegistrationView => registrationView(input, chart, clock);

  /** The view and route last written to the read model, to write only what changed. */
  const changesSinceWritten = readModelChanges();
  async function writeView(statusChanged: boolean, current = view()): Promise<void> {
    const { route, decidedBy } = chart.snapshot.context;
    const changes = changesSinceWritten(current, route, statusChanged);
    if (changes) await local.recordView({ view: current, route, decidedBy, statusChanged, ...changes });
  }

  const perform = registrationEffects({ input, chart, clock, readModel, arrivalNotice, issueEmailCode, submitRegistration });

  handleRegistrationMessages({ input, chart, clock, readModel, view, writeView, checkEmailCode, assessDetails });

  // MongoDB hears of the registration first; then the first state's effects.
  await recordRegistration(input);
  await chart.start({ recorded: true });
  await chart.finished();
  return view();
}

// The signature the API starts it with (`workflow.start<RegistrationWorkflow>`): a change that breaks it does not compile.
const _registrationWorkflowSignature: RegistrationWorkflow = registrationWorkflow;
