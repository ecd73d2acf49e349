/**
 * The registration chart, driven only through xstate's pure API: `initialTransition` and
 * `transition` return the next snapshot and the actions the workflow would perform, and nothing
 * is executed. Every snapshot and every transition the suite produces is recorded, and the last
 * describe block proves that each state node and each transition of the chart was exercised.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type StateValue } from 'xstate';
import { approvalRouteFor, type ApprovalRoute, type Principal } from '../../domain/approval-routing';
import type { RegistrationRole } from '../../domain/roles';
import type { RegistrationDetails } from '../../domain/schemas';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../../domain/status';
import {
  codeAttemptsLeft,
  registrationMachine,
  statusOf,
  type RegistrationContext,
  type RegistrationEvent,
  type RegistrationSnapshot,
} from '../../machines/registration';
import {
  DEFAULT_POLICY,
  EMAIL_CODE_TTL_MS,
  MAX_CODE_RESENDS,
  MAX_WRONG_CODE_ATTEMPTS,
  type RegistrationPolicy,
} from '../../domain/registration-policy';

// ---------------------------------------------------------------------------------------------
// Recording harness
// ---------------------------------------------------------------------------------------------

type TransitionDef = ReturnType<typeof registrationMachine.getTransitionData>[number];

const visitedStateIds = new Set<string>();
const takenTransitions = new Set<TransitionDef>();

const AFTER_EVENT_TYPE = 'xstate.after.emailCodeTtl.registration.awaitingEmailVerification';

/** The ids of every active state node of a state value, e.g. `registration.awaitingDetails.editing`. */
function activeIds(value: StateValue, prefix = 'registration'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...(child === undefined ? [] : activeIds(child, `${prefix}.${key}`)),
  ]);
}

function record(snapshot: RegistrationSnapshot): void {
  visitedStateIds.add('registration');
  for (const id of activeIds(snapshot.value)) visitedStateIds.add(id);
  // Every state carries exactly one public status.
  expect(snapshot.tags.size).toBe(1);
}

interface Effect {
  type: string;
  params: unknown;
}
type Step = [RegistrationSnapshot, Effect[]];

/** Drop the interpreter's `info`/`exec` so only the observable effect (type + params) remains. */
function effects(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions.map((a) => ({ type: a.type, params: a.params }));
}

function start(role: RegistrationRole = 'END_USER', policy: RegistrationPolicy = DEFAULT_POLICY, applicantUserId?: string): Step {
  const [snapshot, actions] = initialTransition(registrationMachine, { role, policy, applicantUserId });
  // The transient start state is passed through by every initial transition; it never rests.
  visitedStateIds.add('registration.start');
  record(snapshot);
  return [snapshot, effects(actions)];
}

function send(snapshot: RegistrationSnapshot, event: RegistrationEvent): Step {
  for (const t of registrationMachine.getTransitionData(snapshot, event)) takenTransitions.add(t);
  const [next, actions] = transition(registrationMachine, snapshot, event);
  record(next);
  return [next, effects(actions)];
}

/** Send a sequence of events, returning the last step. */
function sendAll(snapshot: RegistrationSnapshot, events: RegistrationEvent[]): Step {
  let step: Step = [snapshot, []];
  for (const e of events) step = send(step[0], e);
  return step;
}

/** The raise action that schedules the 30-minute code window. */
function timerRaise(fx: Effect[]): { event: { type: string }; id: string; delay: number } {
  const raises = fx.filter((f) => f.type === 'xstate.raise');
  expect(raises).toHaveLength(1);
  return raises[0]!.params as { event: { type: string }; id: string; delay: number };
}

/** The scheduled after-event, as the workflow would feed it back when the durable timer fires. */
function timerEvent(fx: Effect[]): RegistrationEvent {
  return timerRaise(fx).event as unknown as RegistrationEvent;
}

const AFTER_EVENT = { type: AFTER_EVENT_TYPE } as unknown as RegistrationEvent;
const CANCEL_TIMER: Effect = { type: 'xstate.cancel', params: { sendId: AFTER_EVENT_TYPE } };

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const ORG_A = '64b7f0c2a1b2c3d4e5f60701';
const ORG_B = '64b7f0c2a1b2c3d4e5f60702';
const GROUP_1 = '64b7f0c2a1b2c3d4e5f60711';
const GROUP_2 = '64b7f0c2a1b2c3d4e5f60712';

const DETAILS: RegistrationDetails = {
  contact: {
    phone: '+1 410 555 0100',
    address: { line1: '7500 Security Blvd', city: 'Baltimore', state: 'MD', postalCode: '21244', country: 'US' },
  },
  organizationId: ORG_A,
  userGroupId: GROUP_1,
  justification: 'I submit claims for the practice.',
};
const OTHER_DETAILS: RegistrationDetails = { ...DETAILS, justification: 'Updated justification.' };

const END_USER_ROUTE: ApprovalRoute = approvalRouteFor({ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 });
const SO_ROUTE: ApprovalRoute = approvalRouteFor({ role: 'SECURITY_OFFICIAL' });

const HELP_DESK: Principal = { userId: 'HD0001', roles: [{ role: 'HELP_DESK' }] };
const UGA_GROUP_1: Principal = {
  userId: 'UG0001',
  roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_1 }],
};
const UGA_GROUP_2: Principal = {
  userId: 'UG0002',
  roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_2 }],
};
const SO_ORG_A: Principal = { userId: 'SO0001', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_A }] };
const SO_ORG_B: Principal = { userId: 'SO0002', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_B }] };
const END_USER_GROUP_1: Principal = { userId: 'EU0001', roles: [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }] };
const NOBODY: Principal = { userId: 'XX0001', roles: [] };

const WRONG_CODE: RegistrationEvent = { type: 'EMAIL_CODE_CHECKED', matches: false };
const RIGHT_CODE: RegistrationEvent = { type: 'EMAIL_CODE_CHECKED', matches: true };
const CANCEL: RegistrationEvent = { type: 'CANCEL' };
const RESEND: RegistrationEvent = { type: 'RESEND_EMAIL_CODE' };
const SUBMIT: RegistrationEvent = { type: 'SUBMIT' };
const accepted = (details: RegistrationDetails = DETAILS): RegistrationEvent => ({
  type: 'DETAILS_ASSESSED',
  verdict: { outcome: 'ACCEPTED', details },
});
const refused = (reason: string): RegistrationEvent => ({ type: 'DETAILS_ASSESSED', verdict: { outcome: 'REFUSED', reason } });
const recorded = (route: ApprovalRoute = END_USER_ROUTE, trackingNumber = 'TRK-0001'): RegistrationEvent => ({
  type: 'SUBMISSION_RECORDED',
  trackingNumber,
  route,
});
const decide = (approver: Principal, decision: 'APPROVE' | 'DENY', reason?: string): RegistrationEvent =>
  reason === undefined ? { type: 'DECIDE', decision, approver } : { type: 'DECIDE', decision, approver, reason };

/** One of every event the chart knows, for "nothing else is accepted here" checks. */
const EVERY_EVENT: RegistrationEvent[] = [
  { type: 'IDENTITY_CHECKED', matches: true },
  { type: 'IDENTITY_CHECKED', matches: false },
  RIGHT_CODE,
  WRONG_CODE,
  RESEND,
  accepted(),
  refused('no'),
  SUBMIT,
  recorded(),
  decide(UGA_GROUP_1, 'APPROVE'),
  decide(UGA_GROUP_1, 'DENY', 'no'),
  decide(HELP_DESK, 'APPROVE'),
  { type: 'ACCOUNT_PROVISIONED', userId: 'EU0042' },
  CANCEL,
  AFTER_EVENT,
];

// Paths to every state.
const validating = (): RegistrationSnapshot => start()[0];
const codeActive = (): RegistrationSnapshot => send(validating(), { type: 'IDENTITY_CHECKED', matches: true })[0];
const codeLocked = (): RegistrationSnapshot => sendAll(codeActive(), Array<RegistrationEvent>(MAX_WRONG_CODE_ATTEMPTS).fill(WRONG_CODE))[0];
const editing = (): RegistrationSnapshot => send(codeActive(), RIGHT_CODE)[0];
const editingWithDetails = (): RegistrationSnapshot => send(editing(), accepted())[0];
const submitting = (): RegistrationSnapshot => send(editingWithDetails(), SUBMIT)[0];
const awaitingApproval = (): RegistrationSnapshot => send(submitting(), recorded())[0];
const approved = (): RegistrationSnapshot => send(awaitingApproval(), decide(UGA_GROUP_1, 'APPROVE'))[0];
const provisioned = (): RegistrationSnapshot => send(approved(), { type: 'ACCOUNT_PROVISIONED', userId: 'EU0042' })[0];
const denied = (): RegistrationSnapshot => send(awaitingApproval(), decide(UGA_GROUP_1, 'DENY', 'Not employed here'))[0];
const rejected = (): RegistrationSnapshot => send(editing(), refused('Organization not found'))[0];
const identityRejected = (): RegistrationSnapshot => send(validating(), { type: 'IDENTITY_CHECKED', matches: false })[0];
const expired = (): RegistrationSnapshot => send(codeActive(), AFTER_EVENT)[0];
const cancelled = (): RegistrationSnapshot => send(validating(), CANCEL)[0];
const approvalExpired = (): RegistrationSnapshot => send(awaitingApproval(), { type: 'DEADLINE_REACHED', deadline: 'EXPIRE' })[0];

function expectUnchanged(before: RegistrationSnapshot, event: RegistrationEvent): void {
  expect(before.can(event)).toBe(false);
  const [after, fx] = send(before, event);
  expect(after.value).toEqual(before.value);
  expect(after.context).toEqual(before.context);
  expect(after.status).toBe(before.status);
  expect(fx).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('registration chart constants', () => {
  it('gives the applicant 30 minutes to enter the email code by default', () => {
    expect(EMAIL_CODE_TTL_MS).toBe(1_800_000);
    expect(DEFAULT_POLICY).toEqual({ emailCodeTtlMs: 1_800_000, maxWrongCodeAttempts: 5, maxCodeResends: 3 });
    expect(MAX_WRONG_CODE_ATTEMPTS).toBe(5);
    expect(MAX_CODE_RESENDS).toBe(3);
  });
});

describe('codeAttemptsLeft', () => {
  const ctx = (wrongCodeAttempts: number, maxWrongCodeAttempts = 5): RegistrationContext => ({
    role: 'END_USER',
    policy: { ...DEFAULT_POLICY, maxWrongCodeAttempts },
    codeNumber: 1,
    wrongCodeAttempts,
    codeResends: 0,
    reminded: false,
    escalated: false,
  });

  it.each([
    [0, 5],
    [1, 4],
    [4, 1],
    [5, 0],
  ])('with %i wrong attempts leaves %i', (wrong, left) => {
    expect(codeAttemptsLeft(ctx(wrong))).toBe(left);
  });

  it('never goes below zero', () => {
    expect(codeAttemptsLeft(ctx(9))).toBe(0);
  });

  it('follows the policy limit', () => {
    expect(codeAttemptsLeft(ctx(1, 3))).toBe(2);
  });
});

describe('statusOf', () => {
  const cases: [string, () => RegistrationSnapshot, StateValue, RegistrationStatus, 'active' | 'done'][] = [
    ['validatingIdentity', validating, 'validatingIdentity', 'VALIDATING_IDENTITY', 'active'],
    ['identityRejected', identityRejected, 'identityRejected', 'IDENTITY_REJECTED', 'done'],
    ['codeActive', codeActive, { awaitingEmailVerification: 'codeActive' }, 'AWAITING_EMAIL_VERIFICATION', 'active'],
    ['codeLocked', codeLocked, { awaitingEmailVerification: 'codeLocked' }, 'AWAITING_EMAIL_VERIFICATION', 'active'],
    ['emailVerificationExpired', expired, 'emailVerificationExpired', 'EMAIL_VERIFICATION_EXPIRED', 'done'],
    ['editing', editing, { awaitingDetails: 'editing' }, 'AWAITING_DETAILS', 'active'],
    ['submitting', submitting, { awaitingDetails: 'submitting' }, 'AWAITING_DETAILS', 'active'],
    ['awaitingApproval', awaitingApproval, 'awaitingApproval', 'AWAITING_APPROVAL', 'active'],
    ['approved', approved, 'approved', 'APPROVED', 'active'],
    ['provisioned', provisioned, 'provisioned', 'PROVISIONED', 'done'],
    ['denied', denied, 'denied', 'DENIED', 'done'],
    ['rejected', rejected, 'rejected', 'REJECTED', 'done'],
    ['cancelled', cancelled, 'cancelled', 'CANCELLED', 'done'],
    ['expired', approvalExpired, 'expired', 'EXPIRED', 'done'],
  ];

  it.each(cases)('%s carries its one status tag', (_label, reach, value, status, runStatus) => {
    const snapshot = reach();
    expect(snapshot.value).toEqual(value);
    expect(statusOf(snapshot)).toBe(status);
    expect([...snapshot.tags]).toEqual([status]);
    expect(snapshot.status).toBe(runStatus);
  });

  it('reaches every public status', () => {
    expect(new Set(cases.map((c) => c[3]))).toEqual(new Set(REGISTRATION_STATUSES));
  });

  it('throws for a snapshot without a status tag', () => {
    const forged = { value: 'nowhere', hasTag: () => false } as unknown as RegistrationSnapshot;
    expect(() => statusOf(forged)).toThrow(/has no status tag/);
  });
});

describe('VALIDATING_IDENTITY', () => {
  it('starts validating the identity with fresh counters', () => {
    const [s, fx] = start('SECURITY_OFFICIAL');
    expect(s.value).toBe('validatingIdentity');
    expect(statusOf(s)).toBe('VALIDATING_IDENTITY');
    expect(s.status).toBe('active');
    expect(s.context).toEqual({
      role: 'SECURITY_OFFICIAL',
      policy: DEFAULT_POLICY,
      applicantUserId: undefined,
      codeNumber: 0,
      wrongCodeAttempts: 0,
      codeResends: 0,
      reminded: false,
      escalated: false,
    });
    expect(fx).toEqual([{ type: 'validateIdentity', params: undefined }]);
  });

  it('on an identity match stops validation, issues code #1 and starts the 30-minute timer', () => {
    const [s, fx] = send(validating(), { type: 'IDENTITY_CHECKED', matches: true });
    expect(s.value).toEqual({ awaitingEmailVerification: 'codeActive' });
    expect(statusOf(s)).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(s.context).toMatchObject({ codeNumber: 1, wrongCodeAttempts: 0, codeResends: 0 });
    expect(codeAttemptsLeft(s.context)).toBe(5);
    expect(fx).toEqual([
      { type: 'stopIdentityValidation', params: undefined },
      { type: 'issueEmailCode', params: { codeNumber: 1 } },
      { type: 'xstate.raise', params: { event: { type: AFTER_EVENT_TYPE }, id: AFTER_EVENT_TYPE, delay: 1_800_000 } },
    ]);
  });

  it('schedules the timer with the delay of the policy it was given', () => {
    const policy: RegistrationPolicy = { ...DEFAULT_POLICY, emailCodeTtlMs: 60_000 };
    const [s0] = start('END_USER', policy);
    const [, fx] = send(s0, { type: 'IDENTITY_CHECKED', matches: true });
    expect(timerRaise(fx).delay).toBe(60_000);
    expect(timerRaise(fx).delay).toBe(policy.emailCodeTtlMs);
  });

  it('with the default policy the raise delay equals DEFAULT_POLICY.emailCodeTtlMs', () => {
    const [, fx] = send(validating(), { type: 'IDENTITY_CHECKED', matches: true });
    expect(timerRaise(fx).delay).toBe(DEFAULT_POLICY.emailCodeTtlMs);
    expect(timerRaise(fx).event.type).toBe(AFTER_EVENT_TYPE);
  });

  it('on no match rejects the identity (final) and notifies the applicant', () => {
    const [s, fx] = send(validating(), { type: 'IDENTITY_CHECKED', matches: false });
    expect(s.value).toBe('identityRejected');
    expect(statusOf(s)).toBe('IDENTITY_REJECTED');
    expect(s.status).toBe('done');
    expect(s.context.reason).toMatch(/Social Security Administration/);
    expect(s.context.codeNumber).toBe(0);
    expect(fx).toEqual([
      { type: 'stopIdentityValidation', params: undefined },
      { type: 'notifyApplicant', params: { notice: 'IDENTITY_REJECTED', reason: s.context.reason } },
    ]);
  });

  it('CANCEL stops validation and cancels', () => {
    const [s, fx] = send(validating(), CANCEL);
    expect(s.value).toBe('cancelled');
    expect(statusOf(s)).toBe('CANCELLED');
    expect(s.status).toBe('done');
    expect(fx).toEqual([
      { type: 'stopIdentityValidation', params: undefined },
      { type: 'notifyApplicant', params: { notice: 'CANCELLED' } },
    ]);
  });

  it.each([RIGHT_CODE, WRONG_CODE, RESEND, accepted(), SUBMIT, recorded(), decide(HELP_DESK, 'APPROVE'), AFTER_EVENT])(
    'ignores $type',
    (event) => expectUnchanged(validating(), event),
  );
});

describe('AWAITING_EMAIL_VERIFICATION', () => {
  it('a right code moves on to AWAITING_DETAILS and cancels the timer', () => {
    const [s, fx] = send(codeActive(), RIGHT_CODE);
    expect(s.value).toEqual({ awaitingDetails: 'editing' });
    expect(statusOf(s)).toBe('AWAITING_DETAILS');
    expect(s.context.details).toBeUndefined();
    expect(fx).toEqual([CANCEL_TIMER]);
  });

  it('wrong codes count down the attempts left without touching the timer or the code', () => {
    let s = codeActive();
    for (let i = 1; i <= 4; i++) {
      const [next, fx] = send(s, WRONG_CODE);
      expect(next.value).toEqual({ awaitingEmailVerification: 'codeActive' });
      expect(next.context.wrongCodeAttempts).toBe(i);
      expect(codeAttemptsLeft(next.context)).toBe(5 - i);
      expect(next.context.codeNumber).toBe(1);
      expect(statusOf(next)).toBe('AWAITING_EMAIL_VERIFICATION');
      expect(fx).toEqual([]);
      s = next;
    }
    // With one attempt left, a right code still gets through.
    const [ok] = send(s, RIGHT_CODE);
    expect(ok.value).toEqual({ awaitingDetails: 'editing' });
  });

  it('the 5th wrong attempt locks the code', () => {
    const [s4] = sendAll(codeActive(), [WRONG_CODE, WRONG_CODE, WRONG_CODE, WRONG_CODE]);
    const [s5, fx] = send(s4, WRONG_CODE);
    expect(s5.value).toEqual({ awaitingEmailVerification: 'codeLocked' });
    expect(s5.context.wrongCodeAttempts).toBe(5);
    expect(codeAttemptsLeft(s5.context)).toBe(0);
    expect(statusOf(s5)).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(s5.status).toBe('active');
    expect(fx).toEqual([]);
  });

  it('a locked code no longer accepts the right code (nor further wrong ones)', () => {
    const locked = codeLocked();
    expect(locked.can(RIGHT_CODE)).toBe(false);
    expectUnchanged(locked, RIGHT_CODE);
    expectUnchanged(locked, WRONG_CODE);
    expect(codeAttemptsLeft(locked.context)).toBe(0);
  });

  it('locks after the number of attempts the policy allows', () => {
    const [s0] = start('END_USER', { ...DEFAULT_POLICY, maxWrongCodeAttempts: 2 });
    const [s1] = send(s0, { type: 'IDENTITY_CHECKED', matches: true });
    const [s2] = send(s1, WRONG_CODE);
    expect(s2.value).toEqual({ awaitingEmailVerification: 'codeActive' });
    expect(codeAttemptsLeft(s2.context)).toBe(1);
    const [s3] = send(s2, WRONG_CODE);
    expect(s3.value).toEqual({ awaitingEmailVerification: 'codeLocked' });
  });

  it('resend issues the next code number, resets the attempts and restarts the timer', () => {
    const [s2] = sendAll(codeActive(), [WRONG_CODE, WRONG_CODE]);
    expect(codeAttemptsLeft(s2.context)).toBe(3);
    expect(s2.can(RESEND)).toBe(true);
    const [s, fx] = send(s2, RESEND);
    expect(s.value).toEqual({ awaitingEmailVerification: 'codeActive' });
    expect(s.context).toMatchObject({ codeNumber: 2, wrongCodeAttempts: 0, codeResends: 1 });
    expect(codeAttemptsLeft(s.context)).toBe(5);
    expect(fx).toEqual([
      CANCEL_TIMER,
      { type: 'issueEmailCode', params: { codeNumber: 2 } },
      { type: 'xstate.raise', params: { event: { type: AFTER_EVENT_TYPE }, id: AFTER_EVENT_TYPE, delay: 1_800_000 } },
    ]);
    // The old timer is cancelled before the new one is raised.
    expect(fx.findIndex((f) => f.type === 'xstate.cancel')).toBeLessThan(fx.findIndex((f) => f.type === 'xstate.raise'));
  });

  it('resend unlocks a locked code, and the new code can then be entered', () => {
    const [s, fx] = send(codeLocked(), RESEND);
    expect(s.value).toEqual({ awaitingEmailVerification: 'codeActive' });
    expect(s.context).toMatchObject({ codeNumber: 2, wrongCodeAttempts: 0, codeResends: 1 });
    expect(fx.map((f) => f.type)).toEqual(['xstate.cancel', 'issueEmailCode', 'xstate.raise']);
    const [ok] = send(s, RIGHT_CODE);
    expect(statusOf(ok)).toBe('AWAITING_DETAILS');
  });

  it('allows at most 3 resends; the 4th is refused', () => {
    let s = codeActive();
    for (let n = 1; n <= 3; n++) {
      expect(s.can(RESEND)).toBe(true);
      const [next, fx] = send(s, RESEND);
      expect(next.context.codeResends).toBe(n);
      expect(next.context.codeNumber).toBe(n + 1);
      expect(fx).toContainEqual({ type: 'issueEmailCode', params: { codeNumber: n + 1 } });
      s = next;
    }
    expectUnchanged(s, RESEND);
    expect(s.context.codeNumber).toBe(4);
    // Also refused when the code is locked after the last resend.
    const [locked] = sendAll(s, Array<RegistrationEvent>(5).fill(WRONG_CODE));
    expect(locked.value).toEqual({ awaitingEmailVerification: 'codeLocked' });
    expectUnchanged(locked, RESEND);
  });

  it('the timer firing expires the verification (final) and notifies the applicant', () => {
    const [s1, raisedFx] = send(validating(), { type: 'IDENTITY_CHECKED', matches: true });
    const [s, fx] = send(s1, timerEvent(raisedFx));
    expect(s.value).toBe('emailVerificationExpired');
    expect(statusOf(s)).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(s.status).toBe('done');
    expect(s.context.reason).toMatch(/not entered within the time allowed/);
    expect(fx).toEqual([
      CANCEL_TIMER,
      { type: 'notifyApplicant', params: { notice: 'EMAIL_VERIFICATION_EXPIRED', reason: s.context.reason } },
    ]);
  });

  it('the timer also expires a locked code', () => {
    const [s] = send(codeLocked(), AFTER_EVENT);
    expect(statusOf(s)).toBe('EMAIL_VERIFICATION_EXPIRED');
  });

  it('the restarted timer after a resend expires too', () => {
    const [s1, fx1] = send(codeActive(), RESEND);
    const [s] = send(s1, timerEvent(fx1));
    expect(statusOf(s)).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(s.context.codeNumber).toBe(2);
  });

  it.each([
    ['an active code', codeActive],
    ['a locked code', codeLocked],
  ])('CANCEL with %s cancels the timer and the registration', (_label, reach) => {
    const [s, fx] = send(reach(), CANCEL);
    expect(s.value).toBe('cancelled');
    expect(statusOf(s)).toBe('CANCELLED');
    expect(s.status).toBe('done');
    expect(fx).toEqual([CANCEL_TIMER, { type: 'notifyApplicant', params: { notice: 'CANCELLED' } }]);
  });

  it.each([
    { type: 'IDENTITY_CHECKED', matches: true } as RegistrationEvent,
    accepted(),
    SUBMIT,
    recorded(),
    decide(UGA_GROUP_1, 'APPROVE'),
  ])('ignores $type', (event) => expectUnchanged(codeActive(), event));
});

describe('AWAITING_DETAILS', () => {
  it('accepted details are stored and the status stays AWAITING_DETAILS', () => {
    const [s, fx] = send(editing(), accepted());
    expect(s.value).toEqual({ awaitingDetails: 'editing' });
    expect(statusOf(s)).toBe('AWAITING_DETAILS');
    expect(s.context.details).toEqual(DETAILS);
    expect(fx).toEqual([]);
  });

  it('newly accepted details replace the earlier ones', () => {
    const [s] = send(editingWithDetails(), accepted(OTHER_DETAILS));
    expect(s.context.details).toEqual(OTHER_DETAILS);
  });

  it('refused details reject the registration (final) with the reason', () => {
    const [s, fx] = send(editing(), refused('Organization not found'));
    expect(s.value).toBe('rejected');
    expect(statusOf(s)).toBe('REJECTED');
    expect(s.status).toBe('done');
    expect(s.context.reason).toBe('Organization not found');
    expect(fx).toEqual([{ type: 'notifyApplicant', params: { notice: 'REJECTED', reason: 'Organization not found' } }]);
  });

  it('refused details reject even after details were accepted earlier', () => {
    const [s] = send(editingWithDetails(), refused('Group closed'));
    expect(statusOf(s)).toBe('REJECTED');
    expect(s.context.reason).toBe('Group closed');
  });

  it('SUBMIT without details is refused', () => {
    expectUnchanged(editing(), SUBMIT);
  });

  it('SUBMIT with details starts recording the submission, still AWAITING_DETAILS', () => {
    const [s, fx] = send(editingWithDetails(), SUBMIT);
    expect(s.value).toEqual({ awaitingDetails: 'submitting' });
    expect(statusOf(s)).toBe('AWAITING_DETAILS');
    expect(s.status).toBe('active');
    expect(fx).toEqual([{ type: 'recordSubmission', params: { details: DETAILS } }]);
  });

  it('while submitting, details can no longer change and SUBMIT is not repeated', () => {
    const s = submitting();
    expectUnchanged(s, accepted(OTHER_DETAILS));
    expectUnchanged(s, refused('late'));
    expectUnchanged(s, SUBMIT);
  });

  it('SUBMISSION_RECORDED moves to AWAITING_APPROVAL with the tracking number and route, and tells the approvers it arrived', () => {
    const [s, fx] = send(submitting(), recorded(END_USER_ROUTE, 'TRK-2024-000123'));
    expect(s.value).toBe('awaitingApproval');
    expect(statusOf(s)).toBe('AWAITING_APPROVAL');
    expect(s.context.trackingNumber).toBe('TRK-2024-000123');
    expect(s.context.route).toEqual(END_USER_ROUTE);
    expect(s.context.details).toEqual(DETAILS);
    expect(fx).toEqual([{ type: 'notifyApprovers', params: { notice: 'ARRIVAL', route: END_USER_ROUTE } }]);
  });

  it('SUBMISSION_RECORDED is not accepted before SUBMIT', () => {
    expectUnchanged(editingWithDetails(), recorded());
  });

  it.each([
    ['editing', editing],
    ['editing with details', editingWithDetails],
    ['submitting', submitting],
  ])('CANCEL while %s cancels', (_label, reach) => {
    const [s, fx] = send(reach(), CANCEL);
    expect(s.value).toBe('cancelled');
    expect(statusOf(s)).toBe('CANCELLED');
    expect(fx).toEqual([{ type: 'notifyApplicant', params: { notice: 'CANCELLED' } }]);
  });

  it('the email timer no longer fires once the code was verified', () => {
    expectUnchanged(editing(), AFTER_EVENT);
  });

  it.each([
    RIGHT_CODE,
    WRONG_CODE,
    RESEND,
    decide(UGA_GROUP_1, 'APPROVE'),
    { type: 'ACCOUNT_PROVISIONED', userId: 'X' } as RegistrationEvent,
  ])('ignores $type', (event) => expectUnchanged(editingWithDetails(), event));
});

describe('AWAITING_APPROVAL', () => {
  it('a routed approver approving moves to APPROVED and provisions the account', () => {
    const [s, fx] = send(awaitingApproval(), decide(UGA_GROUP_1, 'APPROVE'));
    expect(s.value).toBe('approved');
    expect(statusOf(s)).toBe('APPROVED');
    expect(s.status).toBe('active');
    expect(s.context.decidedBy).toBe('UG0001');
    expect(s.context.reason).toBeUndefined();
    expect(fx).toEqual([{ type: 'provisionAccount', params: undefined }]);
  });

  it('a routed approver denying moves to DENIED (final) with the reason and notifies the applicant', () => {
    const [s, fx] = send(awaitingApproval(), decide(UGA_GROUP_1, 'DENY', 'Not employed here'));
    expect(s.value).toBe('denied');
    expect(statusOf(s)).toBe('DENIED');
    expect(s.status).toBe('done');
    expect(s.context.decidedBy).toBe('UG0001');
    expect(s.context.reason).toBe('Not employed here');
    expect(fx).toEqual([{ type: 'notifyApplicant', params: { notice: 'DENIED', reason: 'Not employed here' } }]);
  });

  it('the help desk decides a Security Official registration', () => {
    const [s0] = start('SECURITY_OFFICIAL');
    const [waiting] = sendAll(s0, [{ type: 'IDENTITY_CHECKED', matches: true }, RIGHT_CODE, accepted(), SUBMIT, recorded(SO_ROUTE)]);
    expect(statusOf(waiting)).toBe('AWAITING_APPROVAL');
    expectUnchanged(waiting, decide(SO_ORG_A, 'APPROVE'));
    expect(waiting.can(decide(HELP_DESK, 'APPROVE'))).toBe(true);
    const [s] = send(waiting, decide(HELP_DESK, 'APPROVE'));
    expect(statusOf(s)).toBe('APPROVED');
    expect(s.context.decidedBy).toBe('HD0001');
  });

  it.each([
    ['the help desk', HELP_DESK],
    ['the UGA of another group', UGA_GROUP_2],
    ["the organization's SO", SO_ORG_A],
    ["another organization's SO", SO_ORG_B],
    ['an end user of the group', END_USER_GROUP_1],
    ['a principal without roles', NOBODY],
  ])('a decision by %s (not routed) changes nothing', (_label, principal) => {
    const s = awaitingApproval();
    expectUnchanged(s, decide(principal, 'APPROVE'));
    expectUnchanged(s, decide(principal, 'DENY', 'no'));
  });

  it('CANCEL while awaiting approval cancels', () => {
    const [s, fx] = send(awaitingApproval(), CANCEL);
    expect(s.value).toBe('cancelled');
    expect(statusOf(s)).toBe('CANCELLED');
    expect(fx).toEqual([{ type: 'notifyApplicant', params: { notice: 'CANCELLED' } }]);
  });

  it.each([accepted(), SUBMIT, recorded(), { type: 'ACCOUNT_PROVISIONED', userId: 'X' } as RegistrationEvent, AFTER_EVENT])(
    'ignores $type',
    (event) => expectUnchanged(awaitingApproval(), event),
  );
});

describe('APPROVED', () => {
  it('ACCOUNT_PROVISIONED ends in PROVISIONED (final) with the new user id', () => {
    const [s, fx] = send(approved(), { type: 'ACCOUNT_PROVISIONED', userId: 'EU0042' });
    expect(s.value).toBe('provisioned');
    expect(statusOf(s)).toBe('PROVISIONED');
    expect(s.status).toBe('done');
    expect(s.context.userId).toBe('EU0042');
    expect(s.context.decidedBy).toBe('UG0001');
    expect(s.context.trackingNumber).toBe('TRK-0001');
    expect(fx).toEqual([]);
  });

  it('CANCEL is refused once approved', () => {
    expectUnchanged(approved(), CANCEL);
  });

  it('a second decision is refused once approved', () => {
    expectUnchanged(approved(), decide(UGA_GROUP_1, 'DENY', 'changed my mind'));
  });
});

describe('final states', () => {
  const finals: [string, () => RegistrationSnapshot][] = [
    ['identityRejected', identityRejected],
    ['emailVerificationExpired', expired],
    ['rejected', rejected],
    ['denied', denied],
    ['provisioned', provisioned],
    ['cancelled', cancelled],
    ['expired', approvalExpired],
  ];

  it.each(finals)('%s is done and refuses CANCEL', (_label, reach) => {
    const s = reach();
    expect(s.status).toBe('done');
    expectUnchanged(s, CANCEL);
  });

  it.each(finals)('%s accepts no event at all', (_label, reach) => {
    const s = reach();
    for (const event of EVERY_EVENT) expectUnchanged(s, event);
  });

  it('the final state nodes are exactly the seven final statuses', () => {
    const finalIds = Object.values(registrationMachine.root.states)
      .filter((n) => n.type === 'final')
      .map((n) => n.key)
      .sort();
    expect(finalIds).toEqual(finals.map((f) => f[0]).sort());
  });
});

describe('validatingIdentity exit', () => {
  it('emits stopIdentityValidation on every way out', () => {
    for (const event of [
      { type: 'IDENTITY_CHECKED', matches: true },
      { type: 'IDENTITY_CHECKED', matches: false },
      CANCEL,
    ] as RegistrationEvent[]) {
      const [, fx] = send(validating(), event);
      expect(fx[0]).toEqual({ type: 'stopIdentityValidation', params: undefined });
      expect(fx.filter((f) => f.type === 'stopIdentityValidation')).toHaveLength(1);
    }
  });

  it('is not emitted by later transitions', () => {
    const [, fx] = sendAll(codeActive(), [RIGHT_CODE, accepted(), SUBMIT]);
    expect(fx.map((f) => f.type)).not.toContain('stopIdentityValidation');
  });
});

// Must stay last: it checks what the tests above visited.
describe('a person who already has an account asks for another role', () => {
  const organizationId = 'org-1';
  const soRoute = approvalRouteFor({ role: 'USER_GROUP_ADMINISTRATOR', organizationId });
  const details = {
    contact: { phone: '+1 410 555 0100', address: { line1: '1 Main St', city: 'Towson', state: 'MD', postalCode: '21204', country: 'US' } },
    organizationId,
    userGroup: { name: 'Billing', kind: 'PROVIDER' as const },
    justification: 'Second role.',
  };

  it('skips identity validation and email verification: the request starts at AWAITING_DETAILS with no effects', () => {
    const [s, fx] = start('USER_GROUP_ADMINISTRATOR', DEFAULT_POLICY, 'ASMI0001');
    expect(statusOf(s)).toBe('AWAITING_DETAILS');
    expect(s.value).toEqual({ awaitingDetails: 'editing' });
    expect(s.context.applicantUserId).toBe('ASMI0001');
    expect(fx).toEqual([]);
  });

  it('goes through the same submission and approval, and the applicant may not approve their own request', () => {
    const [s0] = start('USER_GROUP_ADMINISTRATOR', DEFAULT_POLICY, 'ASMI0001');
    const [s1] = sendAll(s0, [
      { type: 'DETAILS_ASSESSED', verdict: { outcome: 'ACCEPTED', details } },
      { type: 'SUBMIT' },
      { type: 'SUBMISSION_RECORDED', trackingNumber: 'IACS-2026-000009', route: soRoute },
    ]);
    expect(statusOf(s1)).toBe('AWAITING_APPROVAL');
    // The applicant is the organization's SO: routed by role, but not for their own request.
    const self = { userId: 'ASMI0001', roles: [{ role: 'SECURITY_OFFICIAL' as const, organizationId }] };
    const selfDecision = { type: 'DECIDE' as const, decision: 'APPROVE' as const, approver: self };
    expect(s1.can(selfDecision)).toBe(false);
    expect(send(s1, selfDecision)[0].value).toBe('awaitingApproval');
    const backup = { userId: 'BBAK0002', roles: [{ role: 'BACKUP_SECURITY_OFFICIAL' as const, organizationId }] };
    const [s2, fx] = send(s1, { type: 'DECIDE', decision: 'APPROVE', approver: backup });
    expect(statusOf(s2)).toBe('APPROVED');
    expect(fx).toEqual([{ type: 'provisionAccount', params: undefined }]);
  });
});

describe('approval deadlines (the workflow keeps the clock, the chart decides what each deadline means)', () => {
  it('a reminder tells the approvers on the route, once, and the request keeps waiting', () => {
    const [s, fx] = send(awaitingApproval(), { type: 'DEADLINE_REACHED', deadline: 'REMIND' });
    expect(statusOf(s)).toBe('AWAITING_APPROVAL');
    expect(s.context.reminded).toBe(true);
    expect(fx).toEqual([{ type: 'notifyApprovers', params: { notice: 'REMINDER', route: END_USER_ROUTE } }]);
  });

  it("escalation adds the next approvers the tables allow: a group's UGA, then the SO/BSO, then the Help Desk", () => {
    const [s1, fx1] = send(awaitingApproval(), { type: 'DEADLINE_REACHED', deadline: 'ESCALATE' });
    expect(s1.context.escalated).toBe(true);
    expect(s1.context.route!.heldBy).toEqual(['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    expect(fx1).toEqual([{ type: 'notifyApprovers', params: { notice: 'ESCALATION', route: s1.context.route } }]);
    // The SO of the organization may now decide; the group's UGA still may.
    expect(s1.can(decide(SO_ORG_A, 'APPROVE'))).toBe(true);
    expect(s1.can(decide(UGA_GROUP_1, 'APPROVE'))).toBe(true);
    expect(s1.can(decide(HELP_DESK, 'APPROVE'))).toBe(false);
    const [s2] = send(s1, { type: 'DEADLINE_REACHED', deadline: 'ESCALATE' });
    expect(s2.can(decide(HELP_DESK, 'APPROVE'))).toBe(true);
    // The Help Desk is the end of the chain: a further escalation leaves the route as it is.
    const [s3] = send(s2, { type: 'DEADLINE_REACHED', deadline: 'ESCALATE' });
    expect(s3.context.route).toEqual(s2.context.route);
  });

  it('expiry ends the request EXPIRED (final) with a reason, and tells the applicant', () => {
    const [s, fx] = send(awaitingApproval(), { type: 'DEADLINE_REACHED', deadline: 'EXPIRE' });
    expect(s.value).toBe('expired');
    expect(statusOf(s)).toBe('EXPIRED');
    expect(s.status).toBe('done');
    expect(s.context.reason).toMatch(/within the time allowed/);
    expect(fx).toEqual([{ type: 'notifyApplicant', params: { notice: 'EXPIRED', reason: s.context.reason } }]);
    expect(s.can(decide(UGA_GROUP_1, 'APPROVE'))).toBe(false);
  });

  it('a re-routing (approvers deactivated) replaces the route and tells the new approvers', () => {
    const [s, fx] = send(awaitingApproval(), { type: 'ROUTE_CHANGED', route: SO_ROUTE });
    expect(s.context.route).toEqual(SO_ROUTE);
    expect(fx).toEqual([{ type: 'notifyApprovers', params: { notice: 'ESCALATION', route: SO_ROUTE } }]);
    expect(s.can(decide(HELP_DESK, 'APPROVE'))).toBe(true);
    expect(s.can(decide(UGA_GROUP_1, 'APPROVE'))).toBe(false);
  });

  it('deadlines mean nothing outside AWAITING_APPROVAL', () => {
    for (const snapshot of [editingWithDetails(), approved(), denied()]) {
      expect(snapshot.can({ type: 'DEADLINE_REACHED', deadline: 'EXPIRE' })).toBe(false);
      expect(snapshot.can({ type: 'ROUTE_CHANGED', route: SO_ROUTE })).toBe(false);
    }
  });
});

describe('coverage of the chart', () => {
  type Node = (typeof registrationMachine.root.states)[string];
  const allNodes = (node: Node): Node[] => [node, ...Object.values(node.states).flatMap(allNodes)];
  const nodes = [registrationMachine.root as Node, ...Object.values(registrationMachine.root.states).flatMap(allNodes)];

  it('the chart has the expected 18 state nodes (root, 13 top-level, 4 nested)', () => {
    expect(nodes.map((n) => n.id).sort()).toEqual(
      [
        'registration',
        'registration.start',
        'registration.validatingIdentity',
        'registration.identityRejected',
        'registration.awaitingEmailVerification',
        'registration.awaitingEmailVerification.codeActive',
        'registration.awaitingEmailVerification.codeLocked',
        'registration.emailVerificationExpired',
        'registration.awaitingDetails',
        'registration.awaitingDetails.editing',
        'registration.awaitingDetails.submitting',
        'registration.awaitingApproval',
        'registration.approved',
        'registration.provisioned',
        'registration.denied',
        'registration.rejected',
        'registration.cancelled',
        'registration.expired',
      ].sort(),
    );
  });

  it('every state node was visited by the suite', () => {
    const unvisited = nodes.map((n) => n.id).filter((id) => !visitedStateIds.has(id));
    expect(unvisited).toEqual([]);
  });

  it('every transition (including guarded alternatives and the after-timer) was taken by the suite', () => {
    const all = nodes.flatMap((n) => Object.values(n.on).flat());
    expect(all.length).toBeGreaterThan(15);
    const untaken = all
      .filter((t) => !takenTransitions.has(t))
      .map((t) => `${t.source.id} --${t.eventType}--> ${t.target?.map((x) => x.id).join(',') ?? '(self)'}`);
    expect(untaken).toEqual([]);
  });
});
