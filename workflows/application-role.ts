/**
 * One application-role request (Table 2), durably: the workflow keeps the chart's snapshot,
 * feeds it every message, and performs the effects the chart names through activities.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import { initialTransition, transition } from 'xstate';
import type * as activities from '../activities/application-role-activities';
import { applicationRoleKey, type ApplicationRoleStatus, type ApplicationRoleStatusChange } from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRoleRoute } from '../domain/approval-routing';
import {
  applicationRoleMachine,
  applicationRoleStatusOf,
  grantOf,
  type ApplicationRoleEvent,
  type ApplicationRoleSnapshot,
  type ApplicationRoleApproverNotice,
  type RequesterNotice,
} from '../machines/application-role';
import {
  APPLICATION_ROLE_REFUSALS,
  applicationRoleAudienceQuery,
  applicationRoleViewQuery,
  applyApplicationRoleDeadlinePolicyUpdate,
  cancelApplicationRoleUpdate,
  rerouteApplicationRoleUpdate,
  decideApplicationRoleUpdate,
  type ApplicationRoleDecisionInput,
  type ApplicationRoleRefusalDetails,
  type ApplicationRoleRefusalType,
  type ApplicationRoleView,
  type ApplicationRoleWorkflowInput,
} from './application-role-messages';
import { approvalClock } from './approval-clock';
import { READ_MODEL_PATCH } from './patches';
import { serialWork, type ChartAction } from './serial-work';
import { deadlinePolicySchema, type DeadlinePolicy } from '../domain/approval-deadlines';

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
  // Requests started before the read model keep their command order (workflows/registration.ts).
  const readModel = patched(READ_MODEL_PATCH);
  const { recordApplicationRoleRequest } = readModel ? local : remote;
  const [firstSnapshot, firstActions] = initialTransition(applicationRoleMachine, {
    requesterUserId: input.requesterUserId,
    role: input.role,
    applicationId: input.applicationId,
    userGroupId: input.userGroupId,
    organizationId: input.organizationId,
  });
  let snapshot: ApplicationRoleSnapshot = firstSnapshot;
  const history: ApplicationRoleStatusChange[] = [];
  const work = serialWork();
  const exclusive = work.run;

  const status = (): ApplicationRoleStatus => applicationRoleStatusOf(snapshot);

  // Approval deadlines, as for registrations: business days from submission, a durable timer each.
  const clock = approvalClock({
    settings: input.approvalDeadlines,
    waiting: () => snapshot.matches({ awaitingApproval: 'routed' }),
    progress: () => snapshot.context,
    reached: (deadline) => exclusive(() => step({ type: 'DEADLINE_REACHED', deadline })),
  });
  let clockRun: Promise<void> = Promise.resolve();

  function view(): ApplicationRoleView {
    const { context } = snapshot;
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
      history: [...history],
    };
  }

  async function noteStatus(): Promise<void> {
    const current = status();
    const changed = history.at(-1)?.status !== current;
    if (changed) history.push({ status: current, at: new Date().toISOString() });
    if (readModel) return writeView(changed);
    if (!changed) return;
    const { context } = snapshot;
    await recordApplicationRoleStatus({ requestId, status: current, history, reason: context.reason, decidedBy: context.decidedBy });
  }

  /** The view and route last written to the read model, to write only what changed. */
  let written = '';
  let writtenRoute = '';
  async function writeView(statusChanged: boolean): Promise<void> {
    const current = view();
    const json = JSON.stringify(current);
    const { route } = snapshot.context;
    const routeJson = JSON.stringify(route ?? null);
    if (json === written && routeJson === writtenRoute && !statusChanged) return;
    const routeChanged = routeJson !== writtenRoute;
    written = json;
    writtenRoute = routeJson;
    await local.recordApplicationRoleView({ view: current, route, statusChanged, routeChanged });
  }

  /** Feeds one event to the chart and records the new status; returns the effects it names. Call only inside `exclusive`. */
  async function apply(event: ApplicationRoleEvent): Promise<readonly ChartAction[]> {
    const [next, actions] = transition(applicationRoleMachine, snapshot, event);
    snapshot = next;
    await noteStatus();
    return actions;
  }

  async function performAll(actions: readonly ChartAction[]): Promise<void> {
    for (const action of actions) await perform(action);
  }

  /** Feeds one event to the chart and performs the effects it names. Call only inside `exclusive`. */
  async function step(event: ApplicationRoleEvent): Promise<void> {
    await performAll(await apply(event));
  }

  /**
   * For a message: the answer says what was decided; the effects (grant, emails) run right after,
   * next in line, so that a slow mail server never holds up the person who decided.
   */
  async function answerThenAct(event: ApplicationRoleEvent): Promise<{ status: ApplicationRoleStatus }> {
    const actions = await apply(event);
    void exclusive(() => performAll(actions));
    return { status: status() };
  }

  async function perform(action: ChartAction): Promise<void> {
    const { context } = snapshot;
    switch (action.type) {
      case 'recordRequest': {
        const recorded = await recordApplicationRoleRequest({ input, history });
        await step({ type: 'REQUEST_RECORDED', ...recorded });
        // The clock counts from the request's first moment, the instant its history starts with.
        clockRun = clock.run(new Date(history[0]!.at));
        // The read model shows the deadlines the clock now counts.
        if (readModel) await writeView(false);
        return;
      }
      case 'grantRole':
        await grantApplicationRole({ requestId, requesterUserId: input.requesterUserId, grant: grantOf(context) });
        return step({ type: 'ROLE_GRANTED' });
      case 'releaseRequestKey':
        await releaseApplicationRoleKey({ requestId, key: applicationRoleKey(input.requesterUserId, input) });
        return;
      case 'notifyRequester': {
        const { notice, reason } = action.params as { notice: RequesterNotice; reason?: string };
        await notifyApplicationRoleRequester({ input, notice, reason, trackingNumber: context.trackingNumber });
        return;
      }
      case 'notifyApprovers': {
        const { notice, route } = action.params as { notice: ApplicationRoleApproverNotice; route: ApplicationRoleRoute };
        await notifyApplicationRoleApprovers({ requestId, notice, route, requesterUserId: input.requesterUserId });
        return;
      }
      default:
        throw new Error(`the chart asked for an effect this workflow does not know: ${action.type}`);
    }
  }

  function refuse(type: ApplicationRoleRefusalType, message: string): never {
    throw ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      details: [{ status: status() } satisfies ApplicationRoleRefusalDetails],
    });
  }
  /** Someone not routed learns nothing of the request's status: 403 before 409. */
  function requireDecidable(decision: ApplicationRoleDecisionInput): void {
    const { route } = snapshot.context;
    if (route !== undefined && !mayDecideApplicationRole(decision.approver, route, input.requesterUserId))
      refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
    if (status() !== 'AWAITING_APPROVAL') refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot decide while the request is ${status()}`);
  }
  /** Checked again when the update's turn comes: by then the request is routed. */
  function requireDecidableNow(decision: ApplicationRoleDecisionInput): void {
    requireDecidable(decision);
    if (!snapshot.can({ type: 'DECIDE', ...decision }))
      refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
  }
  function requireCancellable(requesterUserId: string): void {
    if (requesterUserId !== input.requesterUserId)
      refuse(APPLICATION_ROLE_REFUSALS.NOT_REQUESTER, 'only the requester may cancel a request');
    if (status() !== 'AWAITING_APPROVAL') refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot cancel while the request is ${status()}`);
  }

  setHandler(applicationRoleViewQuery, view);
  setHandler(applicationRoleAudienceQuery, () => ({
    requesterUserId: input.requesterUserId,
    status: status(),
    route: snapshot.context.route,
  }));

  // Each update is checked twice: by its validator when it arrives (a refusal leaves no trace
  // in history), and again when its turn comes, since earlier messages may have moved the chart.
  setHandler(
    decideApplicationRoleUpdate,
    (decision) =>
      exclusive(async () => {
        requireDecidableNow(decision);
        return answerThenAct({ type: 'DECIDE', ...decision });
      }),
    { validator: requireDecidable },
  );
  function requireRouted(): void {
    if (!snapshot.matches({ awaitingApproval: 'routed' }))
      refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot change the approvers while the request is ${status()}`);
  }
  setHandler(
    rerouteApplicationRoleUpdate,
    (route) =>
      exclusive(async () => {
        requireRouted();
        await step({ type: 'ROUTE_CHANGED', route });
        await recordApplicationRoleRoute({ requestId, route });
        return { status: status() };
      }),
    { validator: (_route: ApplicationRoleRoute) => requireRouted() },
  );
  setHandler(
    applyApplicationRoleDeadlinePolicyUpdate,
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
    cancelApplicationRoleUpdate,
    ({ requesterUserId }) =>
      exclusive(async () => {
        requireCancellable(requesterUserId);
        return answerThenAct({ type: 'CANCEL', requesterUserId });
      }),
    { validator: ({ requesterUserId }) => requireCancellable(requesterUserId) },
  );

  // First in line, before any message: record and route the request.
  await exclusive(async () => {
    history.push({ status: status(), at: new Date().toISOString() });
    await performAll(firstActions);
  });

  await condition(() => snapshot.status === 'done' && work.idle() && allHandlersFinished());
  await clockRun;
  return view();
}
