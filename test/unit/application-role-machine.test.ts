/**
 * The application-role chart (Table 2), driven only through xstate's pure API: each test feeds
 * events and checks the next snapshot and the effects the workflow would perform. Every
 * snapshot and transition is recorded, and the last block proves each state node and each
 * transition of the chart was exercised.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type StateValue } from 'xstate';
import { APPLICATION_ROLE_STATUSES } from '../../domain/application-roles';
import { applicationRoleRouteFor, type ApplicationRolePrincipal, type ApplicationRoleRoute } from '../../domain/approval-routing';
import { escalateApplicationRoleRoute } from '../../domain/escalation';
import {
  applicationRoleMachine,
  applicationRoleStatusOf,
  grantOf,
  type ApplicationRoleEvent,
  type ApplicationRoleInput,
  type ApplicationRoleSnapshot,
} from '../../machines/application-role';

type TransitionDef = ReturnType<typeof applicationRoleMachine.getTransitionData>[number];
const visitedStateIds = new Set<string>();
const takenTransitions = new Set<TransitionDef>();

function activeIds(value: StateValue, prefix = 'applicationRole'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...(child === undefined ? [] : activeIds(child, `${prefix}.${key}`)),
  ]);
}

function record(snapshot: ApplicationRoleSnapshot): void {
  visitedStateIds.add('applicationRole');
  for (const id of activeIds(snapshot.value)) visitedStateIds.add(id);
  expect(snapshot.tags.size).toBe(1);
}

interface Effect {
  type: string;
  params: unknown;
}
type Step = [ApplicationRoleSnapshot, Effect[]];
const effects = (actions: readonly { type: string; params?: unknown }[]): Effect[] =>
  actions.map((a) => ({ type: a.type, params: a.params }));

const ORG = 'org-a';
const GROUP = 'group-1';
const APP = 'PS&R';
const REQUESTER = 'EU0001';

const userRequest: ApplicationRoleInput = {
  requesterUserId: REQUESTER,
  role: 'APPLICATION_USER',
  applicationId: APP,
  userGroupId: GROUP,
  organizationId: ORG,
};
const approverRequest: ApplicationRoleInput = { ...userRequest, role: 'APPLICATION_APPROVER' };

const so: ApplicationRolePrincipal = {
  userId: 'SO0001',
  roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG }],
  applicationRoles: [],
};
const otherSo: ApplicationRolePrincipal = {
  userId: 'SO0002',
  roles: [{ role: 'SECURITY_OFFICIAL', organizationId: 'org-b' }],
  applicationRoles: [],
};
const approver: ApplicationRolePrincipal = {
  userId: 'EU0002',
  roles: [{ role: 'END_USER', organizationId: ORG, userGroupId: GROUP }],
  applicationRoles: [{ role: 'APPLICATION_APPROVER', applicationId: APP, userGroupId: GROUP, organizationId: ORG }],
};
/** The requester, even holding the Approver role, never decides their own request. */
const requesterAsApprover: ApplicationRolePrincipal = { ...approver, userId: REQUESTER };

const orgRoute = (): ApplicationRoleRoute =>
  applicationRoleRouteFor({
    role: 'APPLICATION_APPROVER',
    organizationId: ORG,
    userGroupId: GROUP,
    applicationId: APP,
    groupHasApprover: false,
  });
const approverRoute = (): ApplicationRoleRoute =>
  applicationRoleRouteFor({
    role: 'APPLICATION_USER',
    organizationId: ORG,
    userGroupId: GROUP,
    applicationId: APP,
    groupHasApprover: true,
  });

function start(input: ApplicationRoleInput = userRequest): Step {
  const [snapshot, actions] = initialTransition(applicationRoleMachine, input);
  record(snapshot);
  return [snapshot, effects(actions)];
}

function send(snapshot: ApplicationRoleSnapshot, event: ApplicationRoleEvent): Step {
  for (const t of applicationRoleMachine.getTransitionData(snapshot, event)) takenTransitions.add(t);
  const [next, actions] = transition(applicationRoleMachine, snapshot, event);
  record(next);
  return [next, effects(actions)];
}

/** A request recorded with `route`, awaiting a decision. */
function routed(route: ApplicationRoleRoute = orgRoute(), input: ApplicationRoleInput = approverRequest): ApplicationRoleSnapshot {
  const [first] = start(input);
  return send(first, { type: 'REQUEST_RECORDED', trackingNumber: 'IACS-2026-000007', route })[0];
}

const decide = (who: ApplicationRolePrincipal, decision: 'APPROVE' | 'DENY', reason?: string): ApplicationRoleEvent => ({
  type: 'DECIDE',
  decision,
  reason,
  approver: who,
});

describe('the start', () => {
  it('is AWAITING_APPROVAL while the request is recorded and routed', () => {
    const [snapshot, actions] = start();
    expect(applicationRoleStatusOf(snapshot)).toBe('AWAITING_APPROVAL');
    expect(snapshot.value).toEqual({ awaitingApproval: 'routing' });
    expect(actions).toEqual([{ type: 'recordRequest', params: undefined }]);
    expect(snapshot.context).toMatchObject(userRequest);
    expect(snapshot.context.route).toBeUndefined();
  });

  it('takes no decision before the request is routed, not even from the SO', () => {
    const [snapshot] = start(approverRequest);
    expect(snapshot.can(decide(so, 'APPROVE'))).toBe(false);
    const [next, actions] = send(snapshot, decide(so, 'APPROVE'));
    expect(next.value).toEqual({ awaitingApproval: 'routing' });
    expect(actions).toEqual([]);
  });

  it('REQUEST_RECORDED keeps the tracking number and the route, tells the approvers it arrived, and waits for a decision', () => {
    const [snapshot] = start();
    const route = approverRoute();
    const [next, actions] = send(snapshot, { type: 'REQUEST_RECORDED', trackingNumber: 'IACS-2026-000001', route });
    expect(next.value).toEqual({ awaitingApproval: 'routed' });
    expect(applicationRoleStatusOf(next)).toBe('AWAITING_APPROVAL');
    expect(next.context).toMatchObject({ trackingNumber: 'IACS-2026-000001', route });
    expect(actions).toEqual([{ type: 'notifyApprovers', params: { notice: 'ARRIVAL', route } }]);
  });
});

describe('AWAITING_APPROVAL → APPROVED → GRANTED', () => {
  it('the routed SO approves an Approver request: the role is granted, then the requester told', () => {
    const [approved, actions] = send(routed(), decide(so, 'APPROVE'));
    expect(applicationRoleStatusOf(approved)).toBe('APPROVED');
    expect(approved.context.decidedBy).toBe(so.userId);
    expect(actions).toEqual([{ type: 'grantRole', params: undefined }]);
    expect(grantOf(approved.context)).toEqual({
      role: 'APPLICATION_APPROVER',
      applicationId: APP,
      userGroupId: GROUP,
      organizationId: ORG,
    });

    const [granted, last] = send(approved, { type: 'ROLE_GRANTED' });
    expect(applicationRoleStatusOf(granted)).toBe('GRANTED');
    expect(granted.status).toBe('done');
    expect(last).toEqual([{ type: 'notifyRequester', params: { notice: 'GRANTED' } }]);
  });

  it("a User request routed to the group's Approver is approved by that Approver", () => {
    const [approved] = send(routed(approverRoute(), userRequest), decide(approver, 'APPROVE'));
    expect(applicationRoleStatusOf(approved)).toBe('APPROVED');
    expect(approved.context.decidedBy).toBe(approver.userId);
  });

  it('APPROVED takes no decision, no cancel, and waits only for the grant', () => {
    const [approved] = send(routed(), decide(so, 'APPROVE'));
    expect(approved.can(decide(so, 'DENY', 'changed my mind'))).toBe(false);
    expect(approved.can({ type: 'CANCEL', requesterUserId: REQUESTER })).toBe(false);
    expect(approved.can({ type: 'ROLE_GRANTED' })).toBe(true);
  });
});

describe('AWAITING_APPROVAL → DENIED', () => {
  it('the routed approver denies with a reason: final, the key released, the requester told why', () => {
    const [denied, actions] = send(routed(), decide(so, 'DENY', 'not needed for this group'));
    expect(applicationRoleStatusOf(denied)).toBe('DENIED');
    expect(denied.status).toBe('done');
    expect(denied.context).toMatchObject({ decidedBy: so.userId, reason: 'not needed for this group' });
    expect(actions).toEqual([
      { type: 'releaseRequestKey', params: undefined },
      { type: 'notifyRequester', params: { notice: 'DENIED', reason: 'not needed for this group' } },
    ]);
  });
});

describe('AWAITING_APPROVAL → CANCELLED', () => {
  it('the requester cancels a routed request', () => {
    const [cancelled, actions] = send(routed(), { type: 'CANCEL', requesterUserId: REQUESTER });
    expect(applicationRoleStatusOf(cancelled)).toBe('CANCELLED');
    expect(cancelled.status).toBe('done');
    expect(actions).toEqual([
      { type: 'releaseRequestKey', params: undefined },
      { type: 'notifyRequester', params: { notice: 'CANCELLED' } },
    ]);
  });

  it('the requester may cancel while the request is still being routed', () => {
    const [snapshot] = start();
    const [cancelled] = send(snapshot, { type: 'CANCEL', requesterUserId: REQUESTER });
    expect(applicationRoleStatusOf(cancelled)).toBe('CANCELLED');
  });

  it('nobody else may cancel, not even the routed approver', () => {
    const snapshot = routed();
    const [next, actions] = send(snapshot, { type: 'CANCEL', requesterUserId: so.userId });
    expect(next.value).toEqual({ awaitingApproval: 'routed' });
    expect(actions).toEqual([]);
  });
});

describe('only the routed approvers decide', () => {
  it.each([
    ["another organization's SO", otherSo, orgRoute(), approverRequest],
    ["the group's Approver, on a request routed to the SO/BSO", approver, orgRoute(), approverRequest],
    ['the SO, once the group has an Approver for the application', so, approverRoute(), userRequest],
    ['the requester, even holding the Approver role', requesterAsApprover, approverRoute(), userRequest],
  ] as const)('%s: no transition, no effect', (_label, who, route, input) => {
    const snapshot = routed(route, input);
    for (const decision of ['APPROVE', 'DENY'] as const) {
      expect(snapshot.can(decide(who, decision, 'no'))).toBe(false);
      const [next, actions] = send(snapshot, decide(who, decision, 'no'));
      expect(next.value).toEqual({ awaitingApproval: 'routed' });
      expect(actions).toEqual([]);
    }
  });
});

describe('final states', () => {
  const finals = (): [string, ApplicationRoleSnapshot][] => [
    ['GRANTED', send(send(routed(), decide(so, 'APPROVE'))[0], { type: 'ROLE_GRANTED' })[0]],
    ['DENIED', send(routed(), decide(so, 'DENY', 'no'))[0]],
    ['CANCELLED', send(routed(), { type: 'CANCEL', requesterUserId: REQUESTER })[0]],
  ];

  it('each takes no further event', () => {
    for (const [status, snapshot] of finals()) {
      expect(applicationRoleStatusOf(snapshot)).toBe(status);
      for (const event of [
        decide(so, 'APPROVE'),
        decide(so, 'DENY', 'no'),
        { type: 'CANCEL', requesterUserId: REQUESTER },
        { type: 'ROLE_GRANTED' },
      ] as ApplicationRoleEvent[])
        expect(snapshot.can(event)).toBe(false);
    }
  });
});

describe('applicationRoleStatusOf', () => {
  it('every status of the domain is the tag of some state', () => {
    const tags = new Set(
      Object.values(applicationRoleMachine.root.states).flatMap((node) => [
        ...node.tags,
        ...Object.values(node.states).flatMap((n) => n.tags),
      ]),
    );
    expect([...tags].sort()).toEqual([...APPLICATION_ROLE_STATUSES].sort());
  });
});

describe('a new route (chain of trust)', () => {
  it("replaces the approvers: the group's Approver gone, the SO/BSO decide", () => {
    const waiting = routed(approverRoute(), userRequest);
    expect(waiting.can(decide(so, 'APPROVE'))).toBe(false);
    const escalated = escalateApplicationRoleRoute({ organizationId: ORG }, approverRoute())!;
    const [s, fx] = send(waiting, { type: 'ROUTE_CHANGED', route: escalated });
    expect(s.context.route).toEqual(escalated);
    expect(fx).toEqual([]);
    expect(s.can(decide(so, 'APPROVE'))).toBe(true);
  });

  it('escalates Approver → SO/BSO → Help Desk, then no further', () => {
    const first = escalateApplicationRoleRoute({ organizationId: ORG }, approverRoute())!;
    expect(first.heldBy).toEqual(['APPLICATION_APPROVER', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    const second = escalateApplicationRoleRoute({ organizationId: ORG }, first)!;
    expect(second.heldBy).toContain('HELP_DESK');
    expect(second.approvers).toContainEqual({ kind: 'HELP_DESK' });
    expect(escalateApplicationRoleRoute({ organizationId: ORG }, second)).toBeUndefined();
    expect(escalateApplicationRoleRoute({ organizationId: ORG }, orgRoute())!.heldBy).toContain('HELP_DESK');
  });
});

describe('approval deadlines', () => {
  it("a reminder tells the group's Approver; the request keeps waiting", () => {
    const [s, fx] = send(routed(approverRoute(), userRequest), { type: 'DEADLINE_REACHED', deadline: 'REMIND' });
    expect(applicationRoleStatusOf(s)).toBe('AWAITING_APPROVAL');
    expect(s.context.reminded).toBe(true);
    expect(fx).toEqual([{ type: 'notifyApprovers', params: { notice: 'REMINDER', route: approverRoute() } }]);
  });

  it('escalation adds the SO/BSO (default approvers), who may then decide', () => {
    const waiting = routed(approverRoute(), userRequest);
    expect(waiting.can(decide(so, 'APPROVE'))).toBe(false);
    const [s, fx] = send(waiting, { type: 'DEADLINE_REACHED', deadline: 'ESCALATE' });
    expect(s.context.escalated).toBe(true);
    expect(s.context.route!.heldBy).toEqual(['APPLICATION_APPROVER', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    expect(fx).toEqual([{ type: 'notifyApprovers', params: { notice: 'ESCALATION', route: s.context.route } }]);
    expect(s.can(decide(so, 'APPROVE'))).toBe(true);
    expect(s.can(decide(approver, 'APPROVE'))).toBe(true);
  });

  it('expiry ends the request EXPIRED, releases its key and tells the requester', () => {
    const [s, fx] = send(routed(), { type: 'DEADLINE_REACHED', deadline: 'EXPIRE' });
    expect(applicationRoleStatusOf(s)).toBe('EXPIRED');
    expect(s.status).toBe('done');
    expect(s.context.reason).toMatch(/within the time allowed/);
    expect(fx).toEqual([
      { type: 'releaseRequestKey', params: undefined },
      { type: 'notifyRequester', params: { notice: 'EXPIRED', reason: s.context.reason } },
    ]);
  });

  it('no deadline counts while the request is still being routed', () => {
    const [routing] = start();
    expect(routing.can({ type: 'DEADLINE_REACHED', deadline: 'EXPIRE' })).toBe(false);
  });
});

describe('coverage of the chart', () => {
  type Node = (typeof applicationRoleMachine.root.states)[string];
  const allNodes = (node: Node): Node[] => [node, ...Object.values(node.states).flatMap(allNodes)];
  const nodes = [applicationRoleMachine.root as Node, ...Object.values(applicationRoleMachine.root.states).flatMap(allNodes)];

  it('the chart has the expected state nodes', () => {
    expect(nodes.map((n) => n.id).sort()).toEqual(
      [
        'applicationRole',
        'applicationRole.awaitingApproval',
        'applicationRole.awaitingApproval.routing',
        'applicationRole.awaitingApproval.routed',
        'applicationRole.approved',
        'applicationRole.granted',
        'applicationRole.denied',
        'applicationRole.cancelled',
        'applicationRole.expired',
      ].sort(),
    );
  });

  it('every state node was visited by the suite', () => {
    expect(nodes.map((n) => n.id).filter((id) => !visitedStateIds.has(id))).toEqual([]);
  });

  it('every transition (including each guarded alternative) was taken by the suite', () => {
    const all = nodes.flatMap((n) => Object.values(n.on).flat());
    // A reminder and an escalation are one transition of the approval part (machines/approval.ts): the deadline decides its effect.
    expect(all.length).toBe(8);
    const untaken = all
      .filter((t) => !takenTransitions.has(t))
      .map((t) => `${t.source.id} --${t.eventType}--> ${t.target?.map((x) => x.id).join(',') ?? '(self)'}`);
    expect(untaken).toEqual([]);
  });
});
