/**
 * The approval part both charts embed, pure: while a request awaits a decision, the routed
 * approver decides it, its deadlines remind, escalate and expire it (each once, in order), and a
 * new route replaces one whose approvers can no longer decide. The rules are here; a chart says
 * only who is routed, which escalation its tables allow and what an expired request tells.
 */
import type { DeadlineKind } from '../domain/approval-deadlines';
import type { Decision } from '../domain/approval-routing';

/** What a chart awaiting a decision keeps of it. */
export interface ApprovalContext<TRoute> {
  route?: TRoute;
  reason?: string;
  decidedBy?: string;
  /** Approval deadlines already passed: each happens once, in order. */
  reminded: boolean;
  escalated: boolean;
}

/** The messages of the approval part. */
export type ApprovalEvent<TRoute, TApprover> =
  | ({ type: 'DECIDE' } & Decision<TApprover>)
  /** The workflow's clock says an approval deadline has come (domain/approval-deadlines.ts). */
  | { type: 'DEADLINE_REACHED'; deadline: DeadlineKind }
  /** The approvers on the route can no longer decide (deactivated): the next route that can. */
  | { type: 'ROUTE_CHANGED'; route: TRoute };

const expires = ({ event }: { event: { deadline: DeadlineKind } }) => event.deadline === 'EXPIRE';
const deadlineNotice = <TRoute>({ context, event }: { context: { route?: TRoute }; event: { deadline: DeadlineKind } }) => ({
  notice: event.deadline === 'REMIND' ? ('REMINDER' as const) : ('ESCALATION' as const),
  route: context.route!,
});
/** The approvers on a request's first route hear of its arrival: `actions: [record, arrivalNotice]`. */
export const arrivalNotice = {
  type: 'notifyApprovers' as const,
  params: <TRoute>({ event }: { event: { route: TRoute } }) => ({ notice: 'ARRIVAL' as const, route: event.route }),
};
const newRouteNotice = <TRoute>({ event }: { event: { route: TRoute } }) => ({ notice: 'ESCALATION' as const, route: event.route });

/**
 * The transitions of the state that awaits a decision: `on: { ...awaitingDecision(chart, update), … }`.
 * `chart` is the chart's id: its states `approved`, `denied` and `expired` are where a decision
 * or the last deadline leads. `update` is the chart's `assign` of `approvalAfter` (its own typed
 * action: the rules are below). The chart's setup has the guards `isRoutedApprover`, `approves`
 * and `approvesAsRouted`. `notifyNewRoute`: whether the approvers of a new route hear of it, as
 * of an escalation.
 */
export function awaitingDecision<TUpdate>(chart: `#${string}`, update: TUpdate, { notifyNewRoute = false } = {}) {
  return {
    DECIDE: [
      { guard: 'approvesAsRouted' as const, target: `${chart}.approved`, actions: update },
      { guard: 'isRoutedApprover' as const, target: `${chart}.denied`, actions: update },
    ],
    DEADLINE_REACHED: [
      { guard: expires, target: `${chart}.expired`, actions: update },
      { actions: [update, { type: 'notifyApprovers' as const, params: deadlineNotice }] },
    ],
    ROUTE_CHANGED: {
      actions: notifyNewRoute ? [update, { type: 'notifyApprovers' as const, params: newRouteNotice }] : [update],
    },
  };
}

/** Whether a chart's event is one of the approval part's. */
export function isApprovalEvent<E extends { type: string }>(
  event: E,
): event is Extract<E, { type: ApprovalEvent<unknown, unknown>['type'] }> {
  return event.type === 'DECIDE' || event.type === 'DEADLINE_REACHED' || event.type === 'ROUTE_CHANGED';
}

/**
 * What an approval message changes, once the chart's transition has been chosen: who decided
 * (and a denial's reason); a reminder noted; an escalation moving the route on where the tables
 * allow (`escalate` answers undefined at the end of the ladder: the route stays); an expiry's
 * reason for the applicant; a new route.
 */
export function approvalAfter<TRoute, TApprover extends { userId: string }>(
  context: ApprovalContext<TRoute>,
  event: ApprovalEvent<TRoute, TApprover>,
  escalate: (route: TRoute) => TRoute | undefined,
  expiredReason: string,
): Partial<ApprovalContext<TRoute>> {
  switch (event.type) {
    case 'DECIDE':
      return event.decision === 'APPROVE'
        ? { decidedBy: event.approver.userId }
        : { decidedBy: event.approver.userId, reason: event.reason };
    case 'ROUTE_CHANGED':
      return { route: event.route };
    case 'DEADLINE_REACHED':
      if (event.deadline === 'REMIND') return { reminded: true };
      if (event.deadline === 'ESCALATE') return { escalated: true, route: (context.route && escalate(context.route)) ?? context.route };
      return { reason: expiredReason };
  }
}
