/**
 * Approval deadlines on Temporal's time-skipping test server: a real registration workflow
 * (real activities, FerretDB, SMTP catcher, SSA simulator) waits for approval while business
 * days pass in moments. The reminder, the escalation and the expiry must happen at the
 * instants `deadlinesFor(submittedAt, policy, calendar)` gives, not before; a policy change,
 * a decision and a re-routing must act on the waiting request as documented.
 *
 * The mail catcher stamps messages with real time, so email timing is shown by absence just
 * before a deadline (with the workflow parked on its timer and no timer fired) and presence
 * just after.
 */
import { sealCode } from '../../security/sealed-identity';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadlinesFor, type DeadlinePolicy } from '../../domain/approval-deadlines';
import { approvalRouteFor, type Principal } from '../../domain/approval-routing';
import { addBusinessDays, type BusinessCalendar } from '../../domain/business-days';
import type { RoleGrant } from '../../domain/roles';
import type { RegistrationDetails } from '../../domain/schemas';
import { listDecider } from '../../models/approver-keys';
import { AccountModel } from '../../models/account';
import { OrganizationModel, UserGroupModel } from '../../models/organization';
import { RegistrationModel } from '../../models/registration';
import { generatedIdentity } from '../../simulators/ssa-fixtures';
import {
  applyDeadlinePolicyUpdate,
  cancelUpdate,
  decideUpdate,
  provideDetailsUpdate,
  REFUSALS,
  registrationViewQuery,
  rerouteUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from '../../workflows/messages';
import { listMessages, waitForMessage } from '../support/mailbox';
import {
  atOf,
  codeSent,
  emailedCode,
  idleOnTimer,
  recordHistoriesIfAsked,
  sleepUntil,
  startRegistration,
  startTimeSkippingStack,
  waitForStatus,
  type RegistrationHandle,
  type TimeSkippingStack,
} from './time-skipping-env';

const MINUTE = 60_000;
/** How far before and after a deadline the test looks. */
const MARGIN = MINUTE;
/** The workflow starts its clock when the submission is recorded, a moment after the status change. */
const CLOCK_SLACK = 5_000;

const SUBJECT = {
  arrival: 'IACS – A Registration Request Awaits Your Decision',
  reminder: 'IACS Reminder – A Registration Request Awaits Your Decision',
  escalation: 'IACS Escalation – A Registration Request Now Awaits Your Decision',
  expired: 'IACS Registration – Request Expired',
  submitted: 'IACS Registration Request Submitted – Tracking Number Enclosed',
  verification: 'Email Address Verification',
} as const;

const CALENDAR: BusinessCalendar = { timeZone: 'America/New_York', holidays: [] };
const FAST_POLICY: DeadlinePolicy = { reminderAfterBusinessDays: 2, escalateAfterBusinessDays: 4, expireAfterBusinessDays: 6 };

let stack: TimeSkippingStack;

beforeAll(async () => {
  stack = await startTimeSkippingStack('approval-deadlines');
});

// With RECORD_HISTORIES set, each test's workflows are saved as replay fixtures.
afterEach(async () => {
  await recordHistoriesIfAsked(stack, expect.getState().currentTestName);
});
afterAll(async () => {
  await stack?.stop();
});

/** Every subject sent to `email`, but the approvers' notice that a request arrived (checked by \`arrivalNoticesTo\`). */
const subjectsTo = async (email: string) =>
  (await listMessages(stack.mail.httpUrl, email)).map((m) => m.subject).filter((subject) => subject !== SUBJECT.arrival);
const arrivalNoticesTo = async (email: string) =>
  (await listMessages(stack.mail.httpUrl, email)).filter((m) => m.subject === SUBJECT.arrival);
const view = (handle: RegistrationHandle) => handle.query(registrationViewQuery);

interface Approver {
  userId: string;
  email: string;
  principal: Principal;
}

interface Scene {
  organizationId: string;
  userGroupId: string;
  uga: Approver;
  so: Approver;
  helpDesk: Approver;
}

/** An approved organization with one provider group, its UGA, its SO, and a Help Desk account, each with its own mailbox. */
async function createScene(label: string): Promise<Scene> {
  const tag = randomUUID().slice(0, 8);
  const organization = await OrganizationModel.create({
    name: `Deadline Hospital ${label} ${tag}`,
    country: 'US',
    state: 'MD',
    providerType: 'HOSPITAL',
    status: 'APPROVED',
    createdByRegistrationId: `test-org-${label}-${tag}`,
  });
  const organizationId = organization.id as string;
  const group = await UserGroupModel.create({
    organizationId,
    name: `Deadline Group ${label} ${tag}`,
    kind: 'PROVIDER',
    createdByRegistrationId: `test-group-${label}-${tag}`,
  });
  const userGroupId = group.id as string;
  const account = async (kind: string, roles: RoleGrant[]): Promise<Approver> => {
    const userId = `${kind}${tag}`.toUpperCase();
    const email = `${kind}-${label}-${tag}@deadlines.example.test`.toLowerCase();
    await AccountModel.create({ userId, email, firstName: kind, lastName: `Approver${tag}`, passwordIsTemporary: false, roles });
    // As provisioning and configuration do: an approver is found under its routing keys.
    await listDecider({ userId, roles });
    return { userId, email, principal: { userId, roles } };
  };
  return {
    organizationId,
    userGroupId,
    uga: await account('uga', [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId, userGroupId }]),
    so: await account('so', [{ role: 'SECURITY_OFFICIAL', organizationId }]),
    helpDesk: await account('hd', [{ role: 'HELP_DESK' }]),
  };
}

function endUserDetails(scene: Scene): RegistrationDetails {
  return {
    contact: {
      phone: '+1 410 555 0100',
      address: { line1: '7500 Security Blvd', city: 'Baltimore', state: 'MD', postalCode: '21244', country: 'US' },
    },
    organizationId: scene.organizationId,
    userGroupId: scene.userGroupId,
    justification: 'Submits claims for the hospital.',
  };
}

let person = 0;

/**
 * A new person's END_USER request driven through the real workflow to AWAITING_APPROVAL:
 * identity validated by the SSA simulator, code read from the mail catcher, details in the
 * scene's group, submitted. Returns the workflow and the submission instant from its history.
 */
async function submitRequest(
  scene: Scene,
  label: string,
  approvalDeadlines: RegistrationWorkflowInput['approvalDeadlines'],
): Promise<{ handle: RegistrationHandle; input: RegistrationWorkflowInput; email: string; submittedAt: Date; waiting: RegistrationView }> {
  const email = `applicant-${label}-${randomUUID().slice(0, 8)}@deadlines.example.test`;
  const { handle, input } = await startRegistration(stack, { email, identity: generatedIdentity(500 + person++), approvalDeadlines });
  await waitForStatus(handle, 'AWAITING_EMAIL_VERIFICATION', codeSent);
  const code = await emailedCode(stack.mail.httpUrl, email);
  expect(await handle.executeUpdate(verifyEmailCodeUpdate, { args: [sealCode(stack.keys, code)] })).toMatchObject({
    status: 'AWAITING_DETAILS',
    accepted: true,
  });
  expect(await handle.executeUpdate(provideDetailsUpdate, { args: [endUserDetails(scene)] })).toEqual({ status: 'AWAITING_DETAILS' });
  const submitted = await handle.executeUpdate(submitUpdate);
  expect(submitted).toEqual({ status: 'AWAITING_APPROVAL', trackingNumber: expect.any(String) });
  const waiting = await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.dueAt !== undefined);
  await waitForMessage(stack.mail.httpUrl, { to: email, subject: SUBJECT.submitted });
  return { handle, input, email, submittedAt: new Date(atOf(waiting, 'AWAITING_APPROVAL')), waiting };
}

/** An ISO instant shown by the workflow is the expected one, up to the moment between status change and clock start. */
function expectInstant(shown: string | undefined, expected: Date): void {
  expect(shown).toEqual(expect.any(String));
  const delta = Date.parse(shown!) - expected.getTime();
  expect(delta).toBeGreaterThanOrEqual(0);
  expect(delta).toBeLessThan(CLOCK_SLACK);
}

/** When the workflow scheduled each call of an activity (workflow time, ms), oldest first. */
async function scheduledAt(handle: RegistrationHandle, activity: string): Promise<number[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
    .map((e) => Number(String(e.eventTime?.seconds ?? 0)) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
}

/** When the workflow told the approvers of each deadline: the notices after the first, which told them the request arrived. */
async function deadlineNoticesAt(handle: RegistrationHandle): Promise<number[]> {
  const [arrivalAt, ...deadlines] = await scheduledAt(handle, 'notifyApprovers');
  expect(arrivalAt).toBeDefined();
  return deadlines;
}

/** The update was refused with an ApplicationFailure of `type` (validator or handler). */
async function expectRefused(update: Promise<unknown>, type: string): Promise<WorkflowUpdateFailedError> {
  const err = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type });
  return err as WorkflowUpdateFailedError;
}

describe('approval deadlines (business days, time-skipping)', () => {
  it('reminds, then escalates, then expires at the configured business-day instants, and not before', async () => {
    const scene = await createScene('ladder');
    const { handle, input, email, submittedAt, waiting } = await submitRequest(scene, 'ladder', {
      policy: FAST_POLICY,
      calendar: CALENDAR,
    });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);
    // Weekends do not count: 2, 4 and 6 business days are at least that many calendar days, at most 2 weekends more.
    const DAY = 24 * 60 * MINUTE;
    expect(due.remindAt.getTime() - submittedAt.getTime()).toBeGreaterThanOrEqual(2 * DAY - 2 * 60 * MINUTE);
    expect(due.expireAt.getTime() - submittedAt.getTime()).toBeLessThanOrEqual(10 * DAY + 2 * 60 * MINUTE);

    expect(waiting.heldBy).toEqual(['USER_GROUP_ADMINISTRATOR']);
    expect(waiting.nextDeadline).toBe('REMIND');
    expectInstant(waiting.dueAt, due.remindAt);
    expectInstant(waiting.expiresAt, due.expireAt);
    const record = await RegistrationModel.findById(input.registrationId).lean();
    expect(record?.status).toBe('AWAITING_APPROVAL');
    // The routed approver is told at once that the request arrived; nobody else is.
    const arrival = await waitForMessage(stack.mail.httpUrl, { to: scene.uga.email, subject: SUBJECT.arrival });
    expect(arrival.text).toContain(waiting.trackingNumber!);
    expect(await arrivalNoticesTo(scene.so.email)).toEqual([]);

    // --- Reminder -------------------------------------------------------------------------
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(start);
    const beforeReminder = await view(handle);
    expect(beforeReminder).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'REMIND', heldBy: ['USER_GROUP_ADMINISTRATOR'] });
    expect(beforeReminder.dueAt).toBe(waiting.dueAt);
    expect(await subjectsTo(scene.uga.email)).toEqual([]);

    await sleepUntil(stack.env, due.remindAt.getTime() + MARGIN);
    const reminder = await waitForMessage(stack.mail.httpUrl, { to: scene.uga.email, subject: SUBJECT.reminder });
    expect(reminder.text).toContain(waiting.trackingNumber!);
    const afterReminder = await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.nextDeadline === 'ESCALATE');
    expectInstant(afterReminder.dueAt, due.escalateAt);
    expect(afterReminder.heldBy).toEqual(['USER_GROUP_ADMINISTRATOR']);
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    expect(await subjectsTo(email)).toEqual([SUBJECT.verification, SUBJECT.submitted]);

    // --- Escalation -----------------------------------------------------------------------
    const reminded = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.escalateAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(reminded);
    expect(await view(handle)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      nextDeadline: 'ESCALATE',
      heldBy: ['USER_GROUP_ADMINISTRATOR'],
    });
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    expect(await subjectsTo(scene.uga.email)).toEqual([SUBJECT.reminder]);

    await sleepUntil(stack.env, due.escalateAt.getTime() + MARGIN);
    const escalation = await waitForMessage(stack.mail.httpUrl, { to: scene.so.email, subject: SUBJECT.escalation });
    expect(escalation.text).toContain(waiting.trackingNumber!);
    const afterEscalation = await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.nextDeadline === 'EXPIRE');
    expect(afterEscalation.heldBy).toEqual(expect.arrayContaining(['SECURITY_OFFICIAL', 'USER_GROUP_ADMINISTRATOR']));
    expectInstant(afterEscalation.dueAt, due.expireAt);
    // One reminder only; the Help Desk is not reached by the first escalation of an End User request.
    expect((await subjectsTo(scene.uga.email)).filter((s) => s === SUBJECT.reminder)).toHaveLength(1);
    expect(await subjectsTo(scene.helpDesk.email)).toEqual([]);
    // The approvers' queue reads the escalated route from MongoDB.
    const escalatedRecord = await RegistrationModel.findById(input.registrationId).lean();
    expect(escalatedRecord?.route).toMatchObject({ heldBy: expect.arrayContaining(['SECURITY_OFFICIAL']) });

    // --- Expiry ---------------------------------------------------------------------------
    const escalated = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.expireAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(escalated);
    expect(await view(handle)).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'EXPIRE' });
    expect(await subjectsTo(email)).toEqual([SUBJECT.verification, SUBJECT.submitted]);

    await sleepUntil(stack.env, due.expireAt.getTime() + MARGIN);
    const result = await handle.result();
    expect(result.status).toBe('EXPIRED');
    expect(result.reason).toMatch(/time allowed/);
    expect(result.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'AWAITING_APPROVAL',
      'EXPIRED',
    ]);
    const expiredAt = atOf(result, 'EXPIRED');
    expect(expiredAt).toBeGreaterThanOrEqual(due.expireAt.getTime());
    expect(expiredAt).toBeLessThan(due.expireAt.getTime() + MARGIN + CLOCK_SLACK);
    expect(result.dueAt).toBeUndefined();
    expect(result.heldBy).toBeUndefined();

    // Each step was taken at its deadline (workflow time), not merely within the skipped window.
    const [remindedAt, escalatedAt, ...more] = await deadlineNoticesAt(handle);
    expect(more).toEqual([]);
    expect(remindedAt! - due.remindAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(remindedAt! - due.remindAt.getTime()).toBeLessThan(CLOCK_SLACK);
    expect(escalatedAt! - due.escalateAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(escalatedAt! - due.escalateAt.getTime()).toBeLessThan(CLOCK_SLACK);
    const [applicantNoticeAt] = await scheduledAt(handle, 'notifyApplicant');
    expect(applicantNoticeAt! - due.expireAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(applicantNoticeAt! - due.expireAt.getTime()).toBeLessThan(CLOCK_SLACK);

    const notice = await waitForMessage(stack.mail.httpUrl, { to: email, subject: SUBJECT.expired });
    expect(notice.text).toContain(result.reason!);
    expect(await subjectsTo(email)).toEqual([SUBJECT.verification, SUBJECT.submitted, SUBJECT.expired]);
    const expiredRecord = await RegistrationModel.findById(input.registrationId).lean();
    expect(expiredRecord?.status).toBe('EXPIRED');
    expect(expiredRecord?.reason).toBe(result.reason);
    expect(expiredRecord?.history.map((h) => h.status).at(-1)).toBe('EXPIRED');
  }, 120_000);

  it('a policy change applies to a waiting request: a now-past reminder goes at once, the escalation moves; an invalid policy is refused', async () => {
    const scene = await createScene('policy');
    const initial: DeadlinePolicy = { reminderAfterBusinessDays: 5, escalateAfterBusinessDays: 10, expireAfterBusinessDays: 20 };
    const { handle, submittedAt, waiting } = await submitRequest(scene, 'policy', { policy: initial, calendar: CALENDAR });
    const before = deadlinesFor(submittedAt, initial, CALENDAR);
    expectInstant(waiting.dueAt, before.remindAt);

    // Three business days pass: nothing is due under the initial policy.
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, addBusinessDays(submittedAt, 3, CALENDAR).getTime() + MARGIN);
    expect(await idleOnTimer(handle)).toEqual(start);
    const day3 = await view(handle);
    expect(day3).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'REMIND', dueAt: waiting.dueAt });
    expect(await subjectsTo(scene.uga.email)).toEqual([]);

    // Reminder not before escalation: the update's validator refuses it, and nothing changes.
    const invalid = await expectRefused(
      handle.executeUpdate(applyDeadlinePolicyUpdate, {
        args: [{ reminderAfterBusinessDays: 8, escalateAfterBusinessDays: 8, expireAfterBusinessDays: 12 }],
      }),
      'ZodError',
    );
    expect(invalid.cause?.message).toContain('must be after the reminder');
    const unchanged = await view(handle);
    expect(unchanged).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'REMIND', dueAt: day3.dueAt, expiresAt: day3.expiresAt });
    expect(await idleOnTimer(handle)).toEqual(start);
    expect(await subjectsTo(scene.uga.email)).toEqual([]);

    // The new policy's reminder (2 business days) is already past: it is sent at once, with no time skipped.
    const changed: DeadlinePolicy = { reminderAfterBusinessDays: 2, escalateAfterBusinessDays: 8, expireAfterBusinessDays: 12 };
    const after = deadlinesFor(submittedAt, changed, CALENDAR);
    const clockBefore = await stack.env.currentTimeMs();
    expect(await handle.executeUpdate(applyDeadlinePolicyUpdate, { args: [changed] })).toEqual({ status: 'AWAITING_APPROVAL' });
    await waitForMessage(stack.mail.httpUrl, { to: scene.uga.email, subject: SUBJECT.reminder });
    const moved = await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.nextDeadline === 'ESCALATE');
    expect((await stack.env.currentTimeMs()) - clockBefore).toBeLessThan(MINUTE);
    const [remindedAt] = await deadlineNoticesAt(handle);
    expect(remindedAt! - clockBefore).toBeLessThan(MINUTE);
    expectInstant(moved.dueAt, after.escalateAt);
    expectInstant(moved.expiresAt, after.expireAt);
    expect(moved.heldBy).toEqual(['USER_GROUP_ADMINISTRATOR']);
    expect(await subjectsTo(scene.so.email)).toEqual([]);

    // The escalation now falls due at 8 business days, not 10.
    const reminded = await idleOnTimer(handle);
    await sleepUntil(stack.env, after.escalateAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(reminded);
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    await sleepUntil(stack.env, after.escalateAt.getTime() + MARGIN);
    await waitForMessage(stack.mail.httpUrl, { to: scene.so.email, subject: SUBJECT.escalation });
    expect(after.escalateAt.getTime()).toBeLessThan(before.escalateAt.getTime());
    const escalated = await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.nextDeadline === 'EXPIRE');
    expect(escalated.heldBy).toEqual(expect.arrayContaining(['SECURITY_OFFICIAL']));
    expect((await subjectsTo(scene.uga.email)).filter((s) => s === SUBJECT.reminder)).toHaveLength(1);

    expect(await handle.executeUpdate(cancelUpdate)).toEqual({ status: 'CANCELLED' });
    expect((await handle.result()).status).toBe('CANCELLED');
  }, 120_000);

  it('a decision before the first deadline stops the clock: provisioned, no reminder ever sent', async () => {
    const scene = await createScene('decided');
    const { handle, input, email, submittedAt } = await submitRequest(scene, 'decided', { policy: FAST_POLICY, calendar: CALENDAR });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);

    // Most of the way to the reminder, the UGA approves.
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() - 60 * MINUTE);
    expect(await idleOnTimer(handle)).toEqual(start);
    expect(await handle.executeUpdate(decideUpdate, { args: [{ decision: 'APPROVE', approver: scene.uga.principal }] })).toEqual({
      status: 'APPROVED',
    });

    // Awaiting the result lets time skip freely; nothing is left to fire.
    const result = await handle.result();
    expect(result.status).toBe('PROVISIONED');
    expect(result.nextDeadline).toBeUndefined();
    expect(result.history.map((h) => h.status).slice(-3)).toEqual(['AWAITING_APPROVAL', 'APPROVED', 'PROVISIONED']);
    const record = await RegistrationModel.findById(input.registrationId).lean();
    expect(record).toMatchObject({ status: 'PROVISIONED', decidedBy: scene.uga.userId });
    await waitForMessage(stack.mail.httpUrl, { to: email, subject: /Password Enclosed/ });

    expect(await subjectsTo(scene.uga.email)).toEqual([]);
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    expect(await subjectsTo(scene.helpDesk.email)).toEqual([]);
    expect(await subjectsTo(email)).not.toContain(SUBJECT.expired);
    // The clock stopped with the decision: no deadline step was ever taken.
    expect(await deadlineNoticesAt(handle)).toEqual([]);
  }, 120_000);

  it('re-routing to the Help Desk replaces the approvers: the Help Desk may decide, the UGA no longer', async () => {
    const scene = await createScene('reroute');
    const { handle, input, email, submittedAt } = await submitRequest(scene, 'reroute', { policy: FAST_POLICY, calendar: CALENDAR });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);

    const helpDeskRoute = approvalRouteFor({ role: 'SECURITY_OFFICIAL' });
    expect(helpDeskRoute).toEqual({ heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] });
    expect(await handle.executeUpdate(rerouteUpdate, { args: [helpDeskRoute] })).toEqual({ status: 'AWAITING_APPROVAL' });

    const rerouted = await view(handle);
    expect(rerouted).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['HELP_DESK'] });
    // The new approvers are told; the approvers' queue reads the new route from MongoDB.
    await waitForMessage(stack.mail.httpUrl, { to: scene.helpDesk.email, subject: SUBJECT.escalation });
    expect((await RegistrationModel.findById(input.registrationId).lean())?.route).toEqual(helpDeskRoute);

    // The UGA is off the route: refused, and nothing changes.
    await expectRefused(
      handle.executeUpdate(decideUpdate, { args: [{ decision: 'APPROVE', approver: scene.uga.principal }] }),
      REFUSALS.NOT_ROUTED,
    );
    expect(await view(handle)).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['HELP_DESK'] });

    // The deadlines run on, for the new approvers: the reminder goes to the Help Desk, not to the UGA.
    await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() + MARGIN);
    await waitForMessage(stack.mail.httpUrl, { to: scene.helpDesk.email, subject: SUBJECT.reminder });
    await waitForStatus(handle, 'AWAITING_APPROVAL', (v) => v.nextDeadline === 'ESCALATE');
    expect(await subjectsTo(scene.uga.email)).toEqual([]);
    await expectRefused(
      handle.executeUpdate(decideUpdate, { args: [{ decision: 'APPROVE', approver: scene.uga.principal }] }),
      REFUSALS.NOT_ROUTED,
    );

    expect(await handle.executeUpdate(decideUpdate, { args: [{ decision: 'APPROVE', approver: scene.helpDesk.principal }] })).toEqual({
      status: 'APPROVED',
    });
    const result = await handle.result();
    expect(result.status).toBe('PROVISIONED');
    const record = await RegistrationModel.findById(input.registrationId).lean();
    expect(record).toMatchObject({ status: 'PROVISIONED', decidedBy: scene.helpDesk.userId });
    await waitForMessage(stack.mail.httpUrl, { to: email, subject: /Password Enclosed/ });
    expect(await subjectsTo(scene.uga.email)).toEqual([]);
  }, 120_000);
});
