/**
 * One application-role request (Table 2), durably: the chart runner (workflows/chart-runner.ts)
 * keeps the chart's snapshot and feeds it every message; this file says how each effect the chart
 * names is performed and which messages the request accepts.
 */
import { patched } from '@temporalio/workflow';
import { shortWorkProxies } from './activity-proxies';
import type * as activities from '../activities/application-role-activities';
import { applicationRoleKey, type ApplicationRoleStatus } from '../domain/application-roles';
import { applicationRoleMachine, applicationRoleStatusOf, grantOf } from '../machines/application-role';
import { type ApplicationRoleView, type ApplicationRoleWorkflow, type ApplicationRoleWorkflowInput } from './application-role-messages';
import { approvalClock, type ApprovalClock } from './approval-clock';
import { chartRunner, readModelChanges, type ChartRunner, type NamedEffectOf } from './chart-runner';
import { handleApplicationRoleMessages } from './application-role-handlers';
import { operatorView } from './operator-view';
import { ARRIVAL_NOTICE_PATCH, ONE_ANSWER_RULE_PATCH, READ_MODEL_PATCH, SEARCH_ATTRIBUTES_PATCH } from './patches';

type Activities = ReturnType<typeof activities.createApplicationRoleActivities>;

const { remote, local } = shortWorkProxies<Activities>();
const {
  recordApplicationRoleStatus,
  grantApplicationRole,
  releaseApplicationRoleKey,
  notifyApplicationRoleRequester,
  recordApplicationRoleRoute,
  notifyApplicationRoleApprovers,
} = remote;

type Chart = ChartRunner<typeof applicationRoleMachine, ApplicationRoleStatus>;

/** The public view of a request: what its requester, its approvers and the read model see. */
function applicationRoleView(input: ApplicationRoleWorkflowInput, chart: Chart, clock: ApprovalClock): ApplicationRoleView {
  const status = chart.status();
  const { context } = chart.snapshot;
  return {
    id: input.requestId,
    requesterUserId: input.requesterUserId,
    applicationId: input.applicationId,
    role: input.role,
    userGroupId: input.userGroupId,
    organizationId: input.organizationId,
    status,
    trackingNumber: context.trackingNumber,
    reason: context.reason,
    decidedBy: context.decidedBy,
    heldBy: status === 'AWAITING_APPROVAL' ? context.route?.heldBy : undefined,
    ...clock.view(),
    history: chart.history(),
  };
}

/** What an application-role request's effects work with. */
interface EffectScope {
  input: ApplicationRoleWorkflowInput;
  chart: Chart;
  clock: ApprovalClock;
  readModel: boolean;
  oneAnswerRule: boolean;
  arrivalNotice: boolean;
  writeView: (statusChanged: boolean) => Promise<void>;
}

/** The effect table of the application-role chart; `clockRun` is the clock of histories from before the one answer rule, awaited at the end. */
function applicationRoleEffects(scope: EffectScope) {
  const { input, chart, clock, readModel, oneAnswerRule, arrivalNotice, writeView } = scope;
  const { recordApplicationRoleRequest } = readModel ? local : remote;
  /** Before the one answer rule, the clock was awaited at the end rather than run as background work. */
  let clockRun: Promise<void> = Promise.resolve();
  async function recordRequest(): Promise<void> {
    const recorded = await recordApplicationRoleRequest({ input, history: chart.history() });
    await chart.step({ type: 'REQUEST_RECORDED', ...recorded });
    // The clock counts from the request's first moment, the instant its history starts with.
    const firstMoment = new Date(chart.history()[0]!.at);
    if (oneAnswerRule) chart.inBackground('deadlines', () => clock.run(firstMoment));
    else clockRun = clock.run(firstMoment);
    // The read model shows the deadlines the clock now counts.
    if (readModel) await writeView(false);
  }

  async function perform(effect: NamedEffectOf<typeof applicationRoleMachine>): Promise<void> {
    const { context } = chart.snapshot;
    switch (effect.type) {
      case 'recordRequest':
        return recordRequest();
      case 'grantRole':
        return chart.afterAnswer(async () => {
          await grantApplicationRole({ requestId: input.requestId, requesterUserId: input.requesterUserId, grant: grantOf(context) });
          await chart.step({ type: 'ROLE_GRANTED' });
        });
      case 'releaseRequestKey':
        return chart.afterAnswer(() =>
          releaseApplicationRoleKey({ requestId: input.requestId, key: applicationRoleKey(input.requesterUserId, input) }),
        );
      case 'notifyRequester': {
        const { notice, reason } = effect.params;
        return chart.afterAnswer(() => notifyApplicationRoleRequester({ input, notice, reason, trackingNumber: context.trackingNumber }));
      }
      case 'notifyApprovers':
        return chart.notifyApprovers(effect.params, arrivalNotice, ({ notice, route }) =>
          notifyApplicationRoleApprovers({
            requestId: input.requestId,
            notice,
            route,
            requesterUserId: input.requesterUserId,
            trackingNumber: context.trackingNumber,
          }),
        );
    }
  }
  return { perform, clockRun: () => clockRun };
}

export async function applicationRoleWorkflow(input: ApplicationRoleWorkflowInput): Promise<ApplicationRoleView> {
  const { requestId } = input;
  // Requests started before a patch keep the command order they started with (workflows/patches.ts).
  const readModel = patched(READ_MODEL_PATCH);
  const oneAnswerRule = patched(ONE_ANSWER_RULE_PATCH);
  const arrivalNotice = patched(ARRIVAL_NOTICE_PATCH);
  const describeForOperators = patched(SEARCH_ATTRIBUTES_PATCH) ? operatorView() : undefined;
  // Approval deadlines, as for registrations: business days from submission, a durable timer each.
  const clock = approvalClock({
    settings: input.approvalDeadlines,
    waiting: () => chart.snapshot.matches({ awaitingApproval: 'routed' }),
    progress: () => chart.snapshot.context,
    reached: (deadline) => chart.dispatch({ type: 'DEADLINE_REACHED', deadline }),
  });

  const chart = chartRunner({
    machine: applicationRoleMachine,
    input: {
      requesterUserId: input.requesterUserId,
      role: input.role,
      applicationId: input.applicationId,
      userGroupId: input.userGroupId,
      organizationId: input.organizationId,
    },
    statusOf: applicationRoleStatusOf,
    answerFirst: oneAnswerRule,
    record: async ({ statusChanged }) => {
      const current = view();
      describeForOperators?.({ kind: 'APPLICATION_ROLE', ...current });
      if (readModel) return writeView(statusChanged, current);
      if (!statusChanged) return;
      const { context } = chart.snapshot;
      await recordApplicationRoleStatus({
        requestId,
        status: status(),
        history: chart.history(),
        reason: context.reason,
        decidedBy: context.decidedBy,
      });
    },
    perform: (effect) => perform(effect),
  });
  const status = (): ApplicationRoleStatus => chart.status();

  const view = (): ApplicationRoleView => applicationRoleView(input, chart, clock);

  /** The view and route last written to the read model, to write only what changed. */
  const changesSinceWritten = readModelChanges();
  async function writeView(statusChanged: boolean, current = view()): Promise<void> {
    const { route } = chart.snapshot.context;
    const changes = changesSinceWritten(current, route, statusChanged);
    if (changes) await local.recordApplicationRoleView({ view: current, route, statusChanged, ...changes });
  }

  const { perform, clockRun } = applicationRoleEffects({ input, chart, clock, readModel, oneAnswerRule, arrivalNotice, writeView });

  handleApplicationRoleMessages({
    input,
    chart,
    clock,
    readModel,
    oneAnswerRule,
    view,
    writeView,
    recordRoute: (route) => recordApplicationRoleRoute({ requestId, route }),
  });

  // First in line, before any message: record and route the request.
  await chart.start({ recorded: false });
  await chart.finished();
  await clockRun();
  return view();
}

// The signature the API starts it with (`workflow.start<ApplicationRoleWorkflow>`): a change that breaks it does not compile.
const _applicationRoleWorkflowSignature: ApplicationRoleWorkflow = applicationRoleWorkflow;
