/**
 * An application-role request's message handlers and the checks its messages pass, in one order:
 * route, then status (403 before 409), then what the chart can take.
 */
import { setHandler } from '@temporalio/workflow';
import type { ApplicationRoleStatus } from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRoleRoute } from '../domain/approval-routing';
import type { applicationRoleMachine, ApplicationRoleEvent } from '../machines/application-role';
import {
  APPLICATION_ROLE_REFUSALS,
  applicationRoleAudienceQuery,
  applicationRoleViewQuery,
  applyApplicationRoleDeadlinePolicyUpdate,
  cancelApplicationRoleUpdate,
  decideApplicationRoleUpdate,
  rerouteApplicationRoleUpdate,
  type ApplicationRoleDecisionInput,
  type ApplicationRoleRefusalType,
  type ApplicationRoleView,
  type ApplicationRoleWorkflowInput,
} from './application-role-messages';
import { handleDeadlinePolicyChanges, type ApprovalClock } from './approval-clock';
import type { ChartRunner } from './chart-runner';

type Chart = ChartRunner<typeof applicationRoleMachine, ApplicationRoleStatus>;

/** What an application-role request's message handlers work with. */
interface ApplicationRoleScope {
  input: ApplicationRoleWorkflowInput;
  chart: Chart;
  clock: ApprovalClock;
  /** From the read-model patch on. */
  readModel: boolean;
  /** From the one-answer-rule patch on. */
  oneAnswerRule: boolean;
  view: () => ApplicationRoleView;
  writeView: (statusChanged: boolean) => Promise<void>;
  recordRoute: (route: ApplicationRoleRoute) => Promise<void>;
}

function applicationRoleChecks(input: ApplicationRoleWorkflowInput, chart: Chart) {
  const status = (): ApplicationRoleStatus => chart.status();
  const refuse = (type: ApplicationRoleRefusalType, message: string): never => chart.refuse(type, message);
  /** Route, then status: someone not routed learns nothing of the request's status (403 before 409). */
  function requireDecidable(decision: ApplicationRoleDecisionInput): void {
    const { route } = chart.snapshot.context;
    if (route !== undefined && !mayDecideApplicationRole(decision.approver, route, input.requesterUserId))
      refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
    if (status() !== 'AWAITING_APPROVAL') refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot decide while the request is ${status()}`);
  }
  return {
    requireDecidable,
    /** Checked again when the update's turn comes: by then the request is routed. */
    requireDecidableNow(decision: ApplicationRoleDecisionInput): void {
      requireDecidable(decision);
      if (!chart.snapshot.can({ type: 'DECIDE', ...decision }))
        refuse(APPLICATION_ROLE_REFUSALS.NOT_ROUTED, 'this application-role request is not routed to you');
    },
    requireCancellable({ requesterUserId }: { requesterUserId: string }): void {
      if (requesterUserId !== input.requesterUserId)
        refuse(APPLICATION_ROLE_REFUSALS.NOT_REQUESTER, 'only the requester may cancel a request');
      if (status() !== 'AWAITING_APPROVAL')
        refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot cancel while the request is ${status()}`);
    },
    requireRouted(): void {
      if (!chart.snapshot.matches({ awaitingApproval: 'routed' }))
        refuse(APPLICATION_ROLE_REFUSALS.WRONG_STATUS, `cannot change the approvers while the request is ${status()}`);
    },
  };
}

/** The queries and updates of an application-role request. */
export function handleApplicationRoleMessages(scope: ApplicationRoleScope): void {
  const { input, chart, clock, readModel, oneAnswerRule, view, writeView, recordRoute } = scope;
  const status = (): ApplicationRoleStatus => chart.status();
  const checks = applicationRoleChecks(input, chart);

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
  chart.onUpdate(
    decideApplicationRoleUpdate,
    (decision: ApplicationRoleDecisionInput) => checks.requireDecidableNow(decision),
    (decision) => answer({ type: 'DECIDE', ...decision }),
    (decision: ApplicationRoleDecisionInput) => checks.requireDecidable(decision),
  );
  chart.onUpdate(
    cancelApplicationRoleUpdate,
    (cancel: { requesterUserId: string }) => checks.requireCancellable(cancel),
    ({ requesterUserId }) => answer({ type: 'CANCEL', requesterUserId }),
  );
  chart.onUpdate(
    rerouteApplicationRoleUpdate,
    (_route: ApplicationRoleRoute) => checks.requireRouted(),
    async (route) => {
      await chart.step({ type: 'ROUTE_CHANGED', route });
      await recordRoute(route);
      return { status: status() };
    },
  );
  handleDeadlinePolicyChanges(applyApplicationRoleDeadlinePolicyUpdate, {
    clock,
    status,
    readModel,
    writeView,
    exclusive: chart.exclusive,
  });
}
