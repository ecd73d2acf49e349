/**
 * One application-role request (Table 2), durably: the chart runner (workflows/chart-runner.ts)
 * keeps the chart's snapshot and feeds it every message; this file says how each effect the chart
 * names is performed and which messages the request accepts.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type * as activities from '../activities/application-role-activities';
import { applicationRoleKey, type ApplicationRoleStatus } from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRoleRoute } from '../domain/approval-routing';
import { deadlinePolicySchema, type DeadlinePolicy } from '../domain/approval-deadlines';
import { applicationRoleMachine, applicationRoleStatusOf, grantOf, type ApplicationRoleEvent } from '../machines/application-role';
import {
  APPLICATION_ROLE_REFUSALS,
  applicationRoleAudienceQuery,
  applicationRoleViewQuery,
  applyApplicationRoleDeadlinePolicyUpdate,
  cancelApplicationRoleUpdate,
  rerouteApplicationRoleUpdate,
  decideApplicationRoleUpdate,
  type ApplicationRoleDecisionInput,
  type ApplicationRoleRefusalType,
  type ApplicationRoleView,
  type ApplicationRoleWorkflowInput,
} from './application-role-messages';
import { approvalClock } from './approval-clock';
import { chartRunner, readModelChanges, type NamedEffectOf } from './chart-runner';
import { operatorView } from './operator-view';
import { ARRIVAL_NOTICE_PATCH, ONE_ANSWER_RULE_PATCH, READ_MODEL_PATCH, SEARCH_ATTRIBUTES_PATCH } from './patches';

type Activities = ReturnType<typeof activities.createApplicationRoleActivities>;

const shortWork = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const remote = proxyActivities<Activities>(shortWork);
const {
  recordApplicationRoleStatus,
  grantApplicationRole,
  releaseApplicationRoleKey,
  notifyApplicationRoleRequester,
  recordApplicationRoleRoute,
  notifyApplicationRoleApprovers,
} = remote;
/** Short database work an answer waits for: in the worker, no round trip through the server. */
const local = proxyLocalActivities<Activities>(shortWork);

export async function applicationRoleWorkflow(input: ApplicationRoleWorkflowInput): Promise<ApplicationRoleView> {
  const { requestId } = input;
  // Requests started before a patch keep the command order they started with (workflows/patches.ts).
  const readModel = patched(READ_MODEL_PATCH);
  const oneAnswerRule = patched(ONE_ANSWER_RULE_PATCH);
  const arrivalNotice = patched(ARRIVAL_NOTICE_PATCH);
  const describeForOperators = patched(SEARCH_ATTRIBUTES_PATCH) ? operatorView() : undefined;
  const { recordApplicationRoleRequest } = readModel ? local : remote;

  // Approval deadlines, as for registrations: business days from submission, a durable timer each.
  const clock = approvalClock({
    settings: input.approvalDeadlines,
    waiting: () => chart.snapshot.matches({ awaitingApproval: 'routed' }),
    progress: () => chart.snapshot.context,
    reached: (deadline) => chart.dispatch({ type: 'DEADLINE_REACHED', deadline }),
  });
  /** Before the one answer rule, the clock was awaited at the end rather than run as background work. */
  let clockRun: Promise<void> = Promise.resolve();

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

  function view(): ApplicationRoleView {
    const { context } = chart.snapshot;
    return {
      id: requestId,
      requesterUserId: input.requesterUserId,
      applicationId: input.applicationId,
      role: input.role,
      userGroupId: input.userGroupId,
      organizationId: input.organizationId,
      status: status(),
      trackingNumber: context.trackingNumber,
      reason: context.reason,
      decidedBy: context.decidedBy,
      heldBy: status() === 'AWAITING_APPROVAL' ? context.route?.heldBy : undefined,
      ...clock.view(),
      history: chart.history(),
    };
  }

  /** The view and route last written to the read model, to write only what changed. */
  const changesSinceWritten = readModelChanges();
  async function writeView(statusChanged: boolean, current = view()): Promise<void> {
    const { route } = chart.snapshot.context;
    const changes = changesSinceWritten(current, route, statusChanged);
    if (changes) await local.recordApplicationRoleView({ view: current, route, statusChanged, ...changes });
  }

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
          await grantApplicationRole({ requestId, requesterUserId: input.requesterUserId, grant: grantOf(context) });
          await chart.step({ type: 'ROLE_GRANTED' });
        });
      case 'releaseRequestKey':
        return chart.afterAnswer(() => releaseApplicationRoleKey({ requestId, key: applicationRoleKey(input.requesterUserId, input) }));
      case 'notifyRequester': {
        const { notice, reason } = effect.params;
        return chart.afterAnswer(() => notifyApplicationRoleRequester({ input, notice, reason, trackingNumber: context.trackingNumber }));
      }
      case 'notifyApprovers': {
        const { notice, route } = effect.params;
        const notify = () => notifyApplicationRoleApprovers({ requestId, notice, route, requesterUserId: input.requesterUserId });
        if (notice !== 'ARRIVAL') return chart.afterAnswer(notify);
        // The arrival notice holds up no message (a decision may come at once): it runs beside them.
        if (arrivalNotice) chart.inBackground('arrival-notice', notify);
        return;
      }
    }
  }

  function refuse(type: ApplicationRoleRefusalType, message: string): never {
    return chart.refuse(type, message);
  }
  /** Route, then status: someone not routed learns nothing of the request's status (403 before 409). */
  function requireDecidable(decision: ApplicationRoleDecisionInput): void {
    const { route } = chart.snapshot.context;
    if (route !== undefined && !mayDecideApplicationRole(decision.approver, route, input.requesterUserId))
      refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
    if (status() !== 'AWAITING_APPROVAL') refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot decide while the request is ${status()}`);
  }
  /** Checked again when the update's turn comes: by then the request is routed. */
  function requireDecidableNow(decision: ApplicationRoleDecisionInput): void {
    requireDecidable(decision);
    if (!chart.snapshot.can({ type: 'DECIDE', ...decision }))
      refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
  }
  function requireCancellable({ requesterUserId }: { requesterUserId: string }): void {
    if (requesterUserId !== input.requesterUserId)
      refuse(APPLICATION_ROLE_REFUSALS.NOT_REQUESTER, 'only the requester may cancel a request');
    if (status() !== 'AWAITING_APPROVAL') refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot cancel while the request is ${status()}`);
  }
  function requireRouted(): void {
    if (!chart.snapshot.matches({ awaitingApproval: 'routed' }))
      refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot change the approvers while the request is ${status()}`);
  }

  setHandler(applicationRoleViewQuery, view);
  setHandler(applicationRoleAudienceQuery, () => ({
    requesterUserId: input.requesterUserId,
    status: status(),
    route: chart.snapshot.context.route,
  }));

  /** A decision or a cancellation: one answer rule from the patch on, the older order before it. */
  async function answer(event: ApplicationRoleEvent): Promise<{ status: ApplicationRoleStatus }> {
    if (oneAnswerRule) await chart.step(event);
    else await chart.answerBeforeEffects(event);
    return { status: status() };
  }
  chart.onUpdate(decideApplicationRoleUpdate, requireDecidableNow, (decision) => answer({ type: 'DECIDE', ...decision }), requireDecidable);
  chart.onUpdate(cancelApplicationRoleUpdate, requireCancellable, ({ requesterUserId }) => answer({ type: 'CANCEL', requesterUserId }));
  chart.onUpdate(
    rerouteApplicationRoleUpdate,
    (_route: ApplicationRoleRoute) => requireRouted(),
    async (route) => {
      await chart.step({ type: 'ROUTE_CHANGED', route });
      await recordApplicationRoleRoute({ requestId, route });
      return { status: status() };
    },
  );
  setHandler(
    applyApplicationRoleDeadlinePolicyUpdate,
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

  // First in line, before any message: record and route the request.
  await chart.start({ recorded: false });
  await chart.finished();
  await clockRun;
  return view();
}
