/**
 * Approval deadlines of application-role requests (Table 2) on Temporal's time-skipping test
 * server: a real applicationRoleWorkflow (real activities, FerretDB, SMTP catcher) waits for
 * the group's PECOS Application Approver while business days pass in moments. The reminder,
 * the escalation to the organization's SO/BSO and the expiry must happen at the instants
 * `deadlinesFor(submittedAt, policy, calendar)` gives, not before; a decision stops the clock;
 * a policy change acts on the waiting request.
 *
 * The request's clock counts from its first moment, the instant its history starts with
 * (`history[0].at`). The mail catcher stamps messages with real time, so email timing is shown
 * by absence just before a deadline (the workflow parked on its timer, no timer fired) and
 * presence just after.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { APPLICATION_ROLE_SUBJECTS } from '../../activities/application-role-emails';
import { claimApplicationRoleKey } from '../../api/request-claims';
import { applicationRoleKey, type ApplicationRoleGrant, type ApplicationRoleStatus } from '../../domain/application-roles';
import { deadlinesFor, type DeadlinePolicy } from '../../domain/approval-deadlines';
import { applicationRoleRouteFor, mayDecideApplicationRole, type ApplicationRolePrincipal } from '../../domain/approval-routing';
import { addBusinessDays, type BusinessCalendar } from '../../domain/business-days';
import type { RoleGrant } from '../../domain/roles';
import { listDecider } from '../../models/approver-keys';
import { AccountModel } from '../../models/account';
import { ApplicationRoleClaimModel, ApplicationRoleRequestModel } from '../../models/application-role';
import { OrganizationModel, UserGroupModel } from '../../models/organization';
import type { applicationRoleWorkflow } from '../../workflows/application-role';
import {
  APPLICATION_ROLE_REFUSALS,
  APPLICATION_ROLE_WORKFLOW,
  applicationRoleAudienceQuery,
  applicationRoleViewQuery,
  applicationRoleWorkflowIdFor,
  applyApplicationRoleDeadlinePolicyUpdate,
  cancelApplicationRoleUpdate,
  decideApplicationRoleUpdate,
  rerouteApplicationRoleUpdate,
  type ApplicationRoleView,
  type ApplicationRoleWorkflowInput,
} from '../../workflows/application-role-messages';
import { listMessages, waitForMessage } from '../support/mailbox';
import {
  idleOnTimer,
  noteStarted,
  recordHistoriesIfAsked,
  sleepUntil,
  startTimeSkippingStack,
  type TimeSkippingStack,
} from './time-skipping-env';

type ApplicationRoleHandle = WorkflowHandle<typeof applicationRoleWorkflow>;

const MINUTE = 60_000;
/** How far before and after a deadline the test looks. */
const MARGIN = MINUTE;
/** How long after a deadline the workflow may take to act on it (workflow time). */
const CLOCK_SLACK = 5_000;

const APPLICATION = { id: 'PECOS', name: 'Provider Enrollment, Chain and Ownership System' } as const;

const SUBJECT = {
  arrival: 'IACS – An Application Role Request Awaits Your Decision',
  reminder: 'IACS Reminder – An Application Role Request Awaits Your Decision',
  escalation: 'IACS Escalation – An Application Role Request Now Awaits Your Decision',
  expired: 'IACS Application Role Request Expired',
  granted: 'IACS Application Role Request Approved',
  cancelled: 'IACS Application Role Request Cancelled',
} as const;

const CALENDAR: BusinessCalendar = { timeZone: 'America/New_York', holidays: [] };
const FAST_POLICY: DeadlinePolicy = { reminderAfterBusinessDays: 2, escalateAfterBusinessDays: 4, expireAfterBusinessDays: 6 };

let stack: TimeSkippingStack;

beforeAll(async () => {
  stack = await startTimeSkippingStack('application-role-deadlines');
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
const view = (handle: ApplicationRoleHandle) => handle.query(applicationRoleViewQuery);

interface Person {
  userId: string;
  email: string;
  principal: ApplicationRolePrincipal;
}

interface Scene {
  organizationId: string;
  userGroupId: string;
  requester: Person;
  /** A member of the group holding the Approver role of PECOS in it. */
  approver: Person;
  so: Person;
  helpDesk: Person;
}

/** An approved organization with one provider group, a requester and the PECOS Approver in it, its SO, and a Help Desk. */
async function createScene(label: string): Promise<Scene> {
  const tag = randomUUID().slice(0, 8);
  const organization = await OrganizationModel.create({
    name: `App Role Hospital ${label} ${tag}`,
    country: 'US',
    state: 'MD',
    providerType: 'HOSPITAL',
    status: 'APPROVED',
    createdByRegistrationId: `test-org-${label}-${tag}`,
  });
  const organizationId = organization.id as string;
  const group = await UserGroupModel.create({
    organizationId,
    name: `App Role Group ${label} ${tag}`,
    kind: 'PROVIDER',
    createdByRegistrationId: `test-group-${label}-${tag}`,
  });
  const userGroupId = group.id as string;
  const account = async (kind: string, roles: RoleGrant[], applicationRoles: ApplicationRoleGrant[] = []): Promise<Person> => {
    const userId = `${kind}${tag}`.toUpperCase();
    const email = `${kind}-${label}-${tag}@application-role-deadlines.example.test`.toLowerCase();
    await AccountModel.create({
      userId,
      email,
      firstName: kind,
      lastName: `Person${tag}`,
      passwordIsTemporary: false,
      roles,
      applicationRoles: applicationRoles.map((grant) => ({ ...grant, requestId: `test-grant-${randomUUID()}`, grantedAt: new Date() })),
    });
    // As provisioning and grants do: an approver is found under its routing keys.
    await listDecider({ userId, roles, applicationRoles });
    return { userId, email, principal: { userId, roles, applicationRoles } };
  };
  const member: RoleGrant = { role: 'END_USER', organizationId, userGroupId };
  return {
    organizationId,
    userGroupId,
    requester: await account('req', [member]),
    approver: await account(
      'apr',
      [member],
      [{ role: 'APPLICATION_APPROVER', applicationId: APPLICATION.id, userGroupId, organizationId }],
    ),
    so: await account('so', [{ role: 'SECURITY_OFFICIAL', organizationId }]),
    helpDesk: await account('hd', [{ role: 'HELP_DESK' }]),
  };
}

/** Polls the view query in real time (time skips only while a result is awaited or on env.sleep). */
async function waitForView(
  handle: ApplicationRoleHandle,
  ready: (v: ApplicationRoleView) => boolean,
  timeoutMs = 30_000,
): Promise<ApplicationRoleView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await view(handle);
    if (ready(current)) return current;
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId}: view never got ready (${JSON.stringify(current)})`);
    await sleep(100);
  }
}

/**
 * Starts the request as `POST /me/application-roles` does: the request's key is claimed first,
 * then the workflow started with the input the API builds. Returns once it is routed and its
 * clock is running.
 */
async function startRequest(
  scene: Scene,
  approvalDeadlines: ApplicationRoleWorkflowInput['approvalDeadlines'],
): Promise<{
  handle: ApplicationRoleHandle;
  input: ApplicationRoleWorkflowInput;
  key: string;
  submittedAt: Date;
  waiting: ApplicationRoleView;
}> {
  const requestId = randomUUID();
  const input: ApplicationRoleWorkflowInput = {
    requestId,
    requesterUserId: scene.requester.userId,
    applicationId: APPLICATION.id,
    applicationName: APPLICATION.name,
    role: 'APPLICATION_USER',
    userGroupId: scene.userGroupId,
    organizationId: scene.organizationId,
    approvalDeadlines,
  };
  const key = applicationRoleKey(input.requesterUserId, input);
  await claimApplicationRoleKey(stack.env.client, key, requestId);
  const handle = await stack.env.client.workflow.start<typeof applicationRoleWorkflow>(APPLICATION_ROLE_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: applicationRoleWorkflowIdFor(requestId),
    args: [input],
  });
  noteStarted(handle.workflowId);
  const waiting = await waitForView(handle, (v) => v.trackingNumber !== undefined && v.dueAt !== undefined);
  expect(waiting.status).toBe('AWAITING_APPROVAL');
  return { handle, input, key, submittedAt: new Date(waiting.history[0]!.at), waiting };
}

/** When the workflow scheduled each call of an activity (workflow time, ms), oldest first. */
async function scheduledAt(handle: ApplicationRoleHandle, activity: string): Promise<number[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
    .map((e) => Number(String(e.eventTime?.seconds ?? 0)) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
}

/** When the workflow told the approvers of each deadline: the notices after the first, which told them the request arrived. */
async function deadlineNoticesAt(handle: ApplicationRoleHandle): Promise<number[]> {
  const [arrivalAt, ...deadlines] = await scheduledAt(handle, 'notifyApplicationRoleApprovers');
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

/** Whether `person` may decide the request now, as the API and the workflow's validator judge it: from its route. */
async function mayDecideNow(handle: ApplicationRoleHandle, person: Person): Promise<boolean> {
  const audience = await handle.query(applicationRoleAudienceQuery);
  return audience.route !== undefined && mayDecideApplicationRole(person.principal, audience.route, audience.requesterUserId);
}

/** Within `slack` after `expected`, never before it. */
function expectAtOrJustAfter(actualMs: number | undefined, expected: Date, slack = CLOCK_SLACK): void {
  expect(actualMs).toEqual(expect.any(Number));
  expect(actualMs! - expected.getTime()).toBeGreaterThanOrEqual(0);
  expect(actualMs! - expected.getTime()).toBeLessThan(slack);
}

describe('application-role approval deadlines (business days, time-skipping)', () => {
  it("reminds the group's PECOS Approver, escalates to the SO, then expires, each at its business-day instant and not before", async () => {
    const scene = await createScene('ladder');
    const { handle, input, key, submittedAt, waiting } = await startRequest(scene, { policy: FAST_POLICY, calendar: CALENDAR });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);
    const DAY = 24 * 60 * MINUTE;
    expect(due.remindAt.getTime() - submittedAt.getTime()).toBeGreaterThanOrEqual(2 * DAY - 2 * 60 * MINUTE);
    expect(due.expireAt.getTime() - submittedAt.getTime()).toBeLessThanOrEqual(10 * DAY + 2 * 60 * MINUTE);

    // Routed to the group's Approver of PECOS alone (Table 2), with the clock counting from the first moment.
    const route = applicationRoleRouteFor({ ...input, groupHasApprover: true });
    expect(route.heldBy).toEqual(['APPLICATION_APPROVER']);
    // The routed Approver is told at once that the request arrived; the SO is not.
    const arrival = await waitForMessage(stack.mail.httpUrl, { to: scene.approver.email, subject: SUBJECT.arrival });
    expect(arrival.text).toContain(waiting.trackingNumber!);
    expect(await arrivalNoticesTo(scene.so.email)).toEqual([]);
    expect(waiting).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['APPLICATION_APPROVER'], nextDeadline: 'REMIND' });
    expect(waiting.dueAt).toBe(due.remindAt.toISOString());
    expect(waiting.expiresAt).toBe(due.expireAt.toISOString());
    expect(await handle.query(applicationRoleAudienceQuery)).toMatchObject({ route });
    const record = await ApplicationRoleRequestModel.findById(input.requestId).lean();
    expect(record).toMatchObject({ status: 'AWAITING_APPROVAL', route, trackingNumber: waiting.trackingNumber });
    expect(await mayDecideNow(handle, scene.approver)).toBe(true);
    expect(await mayDecideNow(handle, scene.so)).toBe(false);

    // --- Reminder -------------------------------------------------------------------------
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(start);
    const beforeReminder = await view(handle);
    expect(beforeReminder).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'REMIND', dueAt: waiting.dueAt });
    expect(await subjectsTo(scene.approver.email)).toEqual([]);

    await sleepUntil(stack.env, due.remindAt.getTime() + MARGIN);
    const reminder = await waitForMessage(stack.mail.httpUrl, { to: scene.approver.email, subject: SUBJECT.reminder });
    expect(reminder.text).toContain(waiting.trackingNumber!);
    const afterReminder = await waitForView(handle, (v) => v.nextDeadline === 'ESCALATE');
    expect(afterReminder).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['APPLICATION_APPROVER'] });
    expect(afterReminder.dueAt).toBe(due.escalateAt.toISOString());
    // The reminder is for the Approver only.
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    expect(await subjectsTo(scene.helpDesk.email)).toEqual([]);
    expect(await subjectsTo(scene.requester.email)).toEqual([]);

    // --- Escalation -----------------------------------------------------------------------
    const reminded = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.escalateAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(reminded);
    expect(await view(handle)).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'ESCALATE', heldBy: ['APPLICATION_APPROVER'] });
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    // Not yet the SO's to decide: the validator refuses, leaving no trace.
    await expectRefused(
      handle.executeUpdate(decideApplicationRoleUpdate, { args: [{ decision: 'APPROVE', approver: scene.so.principal }] }),
      APPLICATION_ROLE_REFUSALS.NOT_ROUTED,
    );
    expect(await idleOnTimer(handle)).toEqual(reminded);

    await sleepUntil(stack.env, due.escalateAt.getTime() + MARGIN);
    const escalation = await waitForMessage(stack.mail.httpUrl, { to: scene.so.email, subject: SUBJECT.escalation });
    expect(escalation.text).toContain(waiting.trackingNumber!);
    const afterEscalation = await waitForView(handle, (v) => v.nextDeadline === 'EXPIRE');
    expect(afterEscalation.status).toBe('AWAITING_APPROVAL');
    expect(afterEscalation.heldBy).toEqual(expect.arrayContaining(['APPLICATION_APPROVER', 'SECURITY_OFFICIAL']));
    expect(afterEscalation.dueAt).toBe(due.expireAt.toISOString());
    // The SO may decide now, and the Approver still may (escalation adds approvers).
    expect(await mayDecideNow(handle, scene.so)).toBe(true);
    expect(await mayDecideNow(handle, scene.approver)).toBe(true);
    // One reminder only; the Help Desk is not reached by the first escalation; the approvers' queue reads the new route.
    expect((await subjectsTo(scene.approver.email)).filter((s) => s === SUBJECT.reminder)).toHaveLength(1);
    expect(await subjectsTo(scene.helpDesk.email)).toEqual([]);
    const escalatedRecord = await ApplicationRoleRequestModel.findById(input.requestId).lean();
    expect(escalatedRecord?.route).toMatchObject({ heldBy: expect.arrayContaining(['SECURITY_OFFICIAL']) });
    expect(escalatedRecord?.status).toBe('AWAITING_APPROVAL');

    // --- Expiry ---------------------------------------------------------------------------
    const escalated = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.expireAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(escalated);
    expect(await view(handle)).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'EXPIRE' });
    expect(await subjectsTo(scene.requester.email)).toEqual([]);

    await sleepUntil(stack.env, due.expireAt.getTime() + MARGIN);
    const result = await handle.result();
    expect(result.status).toBe('EXPIRED');
    expect(result.reason).toMatch(/time allowed/);
    expect(result.history.map((h) => h.status)).toEqual(['AWAITING_APPROVAL', 'EXPIRED']);
    expectAtOrJustAfter(Date.parse(result.history[1]!.at), due.expireAt, MARGIN + CLOCK_SLACK);
    expect(result.dueAt).toBeUndefined();
    expect(result.nextDeadline).toBeUndefined();
    expect(result.heldBy).toBeUndefined();
    expect(result.decidedBy).toBeUndefined();

    // Each step was taken at its deadline (workflow time), not merely within the skipped window.
    const [remindedAt, escalatedAt, ...more] = await deadlineNoticesAt(handle);
    expect(more).toEqual([]);
    expectAtOrJustAfter(remindedAt, due.remindAt);
    expectAtOrJustAfter(escalatedAt, due.escalateAt);
    const [requesterNoticeAt] = await scheduledAt(handle, 'notifyApplicationRoleRequester');
    expectAtOrJustAfter(requesterNoticeAt, due.expireAt);

    const notice = await waitForMessage(stack.mail.httpUrl, { to: scene.requester.email, subject: SUBJECT.expired });
    expect(APPLICATION_ROLE_SUBJECTS.EXPIRED).toBe(SUBJECT.expired);
    expect(notice.text).toContain(result.reason!);
    expect(notice.text).toContain(waiting.trackingNumber!);
    expect(notice.text).toContain(APPLICATION.name);
    expect(await subjectsTo(scene.requester.email)).toEqual([SUBJECT.expired]);
    const expiredRecord = await ApplicationRoleRequestModel.findById(input.requestId).lean();
    expect(expiredRecord).toMatchObject({ status: 'EXPIRED', reason: result.reason });
    expect(expiredRecord?.history.map((h) => h.status)).toEqual(['AWAITING_APPROVAL', 'EXPIRED']);
    // Nothing was granted, and the key is released: the requester may ask again.
    const requester = await AccountModel.findOne({ userId: scene.requester.userId }).lean();
    expect(requester?.applicationRoles).toEqual([]);
    expect((await ApplicationRoleClaimModel.findById(key).lean())?.releasedAt).toBeInstanceOf(Date);
  }, 120_000);

  it('a decision before the reminder stops the clock: the Approver approves, the role is granted, no reminder is ever sent', async () => {
    const scene = await createScene('decided');
    const { handle, input, key, submittedAt, waiting } = await startRequest(scene, { policy: FAST_POLICY, calendar: CALENDAR });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);
    expect(waiting.dueAt).toBe(due.remindAt.toISOString());

    // An hour before the reminder, the Approver approves.
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() - 60 * MINUTE);
    expect(await idleOnTimer(handle)).toEqual(start);
    expect(await subjectsTo(scene.approver.email)).toEqual([]);
    expect(
      await handle.executeUpdate(decideApplicationRoleUpdate, { args: [{ decision: 'APPROVE', approver: scene.approver.principal }] }),
    ).toEqual({ status: 'APPROVED' });

    // Awaiting the result lets time skip freely (past every deadline); nothing is left to fire.
    const result = await handle.result();
    expect(result.status).toBe('GRANTED');
    expect(result.decidedBy).toBe(scene.approver.userId);
    expect(result.nextDeadline).toBeUndefined();
    expect(result.dueAt).toBeUndefined();
    expect(result.history.map((h) => h.status)).toEqual(['AWAITING_APPROVAL', 'APPROVED', 'GRANTED']);
    const record = await ApplicationRoleRequestModel.findById(input.requestId).lean();
    expect(record).toMatchObject({ status: 'GRANTED', decidedBy: scene.approver.userId });
    const requester = await AccountModel.findOne({ userId: scene.requester.userId }).lean();
    expect(requester?.applicationRoles).toEqual([
      expect.objectContaining({
        role: 'APPLICATION_USER',
        applicationId: APPLICATION.id,
        userGroupId: scene.userGroupId,
        organizationId: scene.organizationId,
        requestId: input.requestId,
      }),
    ]);
    await waitForMessage(stack.mail.httpUrl, { to: scene.requester.email, subject: SUBJECT.granted });
    // A granted request keeps its key.
    expect(await ApplicationRoleClaimModel.findById(key).lean()).toMatchObject({ requestId: input.requestId });

    // The clock stopped with the decision: no deadline step was ever taken, no one else was told.
    expect(await deadlineNoticesAt(handle)).toEqual([]);
    expect(await subjectsTo(scene.approver.email)).toEqual([]);
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    expect(await subjectsTo(scene.helpDesk.email)).toEqual([]);
    expect(await subjectsTo(scene.requester.email)).toEqual([SUBJECT.granted]);
  }, 120_000);

  it('a shorter policy applies to a waiting request: a now-past reminder goes at once, the escalation moves; an invalid policy is refused', async () => {
    const scene = await createScene('policy');
    const initial: DeadlinePolicy = { reminderAfterBusinessDays: 5, escalateAfterBusinessDays: 10, expireAfterBusinessDays: 20 };
    const { handle, input, submittedAt, waiting } = await startRequest(scene, { policy: initial, calendar: CALENDAR });
    const before = deadlinesFor(submittedAt, initial, CALENDAR);
    expect(waiting.dueAt).toBe(before.remindAt.toISOString());
    expect(waiting.expiresAt).toBe(before.expireAt.toISOString());

    // Three business days pass: nothing is due under the initial policy.
    const start = await idleOnTimer(handle);
    await sleepUntil(stack.env, addBusinessDays(submittedAt, 3, CALENDAR).getTime() + MARGIN);
    expect(await idleOnTimer(handle)).toEqual(start);
    const day3 = await view(handle);
    expect(day3).toMatchObject({ status: 'AWAITING_APPROVAL', nextDeadline: 'REMIND', dueAt: waiting.dueAt, expiresAt: waiting.expiresAt });
    expect(await subjectsTo(scene.approver.email)).toEqual([]);

    // Invalid policies: the update's validator refuses them, and nothing changes.
    const sameDay = await expectRefused(
      handle.executeUpdate(applyApplicationRoleDeadlinePolicyUpdate, {
        args: [{ reminderAfterBusinessDays: 8, escalateAfterBusinessDays: 8, expireAfterBusinessDays: 12 }],
      }),
      'ZodError',
    );
    expect(sameDay.cause?.message).toContain('must be after the reminder');
    const zero = await expectRefused(
      handle.executeUpdate(applyApplicationRoleDeadlinePolicyUpdate, {
        args: [{ reminderAfterBusinessDays: 0, escalateAfterBusinessDays: 1, expireAfterBusinessDays: 2 }],
      }),
      'ZodError',
    );
    expect(zero.cause?.message).toContain('must be at least 1 business day');
    expect(await view(handle)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      nextDeadline: 'REMIND',
      dueAt: day3.dueAt,
      expiresAt: day3.expiresAt,
    });
    expect(await idleOnTimer(handle)).toEqual(start);
    expect(await subjectsTo(scene.approver.email)).toEqual([]);

    // The shorter policy's reminder (2 business days) is already past: it goes at once, with no time skipped.
    const shorter: DeadlinePolicy = { reminderAfterBusinessDays: 2, escalateAfterBusinessDays: 8, expireAfterBusinessDays: 12 };
    const after = deadlinesFor(submittedAt, shorter, CALENDAR);
    const clockBefore = await stack.env.currentTimeMs();
    expect(await handle.executeUpdate(applyApplicationRoleDeadlinePolicyUpdate, { args: [shorter] })).toEqual({
      status: 'AWAITING_APPROVAL',
    });
    const reminder = await waitForMessage(stack.mail.httpUrl, { to: scene.approver.email, subject: SUBJECT.reminder });
    expect(reminder.text).toContain(waiting.trackingNumber!);
    const moved = await waitForView(handle, (v) => v.nextDeadline === 'ESCALATE');
    expect((await stack.env.currentTimeMs()) - clockBefore).toBeLessThan(MINUTE);
    const [remindedAt] = await deadlineNoticesAt(handle);
    expect(remindedAt! - clockBefore).toBeLessThan(MINUTE);
    expect(moved).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['APPLICATION_APPROVER'] });
    expect(moved.dueAt).toBe(after.escalateAt.toISOString());
    expect(moved.expiresAt).toBe(after.expireAt.toISOString());
    expect(await subjectsTo(scene.so.email)).toEqual([]);

    // The escalation now falls due at 8 business days, not 10.
    const reminded = await idleOnTimer(handle);
    await sleepUntil(stack.env, after.escalateAt.getTime() - MARGIN);
    expect(await idleOnTimer(handle)).toEqual(reminded);
    expect(await subjectsTo(scene.so.email)).toEqual([]);
    await sleepUntil(stack.env, after.escalateAt.getTime() + MARGIN);
    await waitForMessage(stack.mail.httpUrl, { to: scene.so.email, subject: SUBJECT.escalation });
    expect(after.escalateAt.getTime()).toBeLessThan(before.escalateAt.getTime());
    const escalated = await waitForView(handle, (v) => v.nextDeadline === 'EXPIRE');
    expect(escalated.heldBy).toEqual(expect.arrayContaining(['SECURITY_OFFICIAL']));
    expect(escalated.dueAt).toBe(after.expireAt.toISOString());
    expect((await subjectsTo(scene.approver.email)).filter((s) => s === SUBJECT.reminder)).toHaveLength(1);

    // The requester withdraws the request: the clock stops with it.
    expect(await handle.executeUpdate(cancelApplicationRoleUpdate, { args: [{ requesterUserId: scene.requester.userId }] })).toEqual({
      status: 'CANCELLED',
    });
    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.nextDeadline).toBeUndefined();
    await waitForMessage(stack.mail.httpUrl, { to: scene.requester.email, subject: SUBJECT.cancelled });
    expect(await subjectsTo(scene.requester.email)).toEqual([SUBJECT.cancelled]);
    expect((await ApplicationRoleRequestModel.findById(input.requestId).lean())?.status).toBe('CANCELLED');
  }, 120_000);

  it("re-routing by the chain of trust (the group's Approver deactivated) hands the request to the SO: the Approver no longer decides, the SO grants", async () => {
    const scene = await createScene('reroute');
    const { handle, input, submittedAt } = await startRequest(scene, { policy: FAST_POLICY, calendar: CALENDAR });
    const due = deadlinesFor(submittedAt, FAST_POLICY, CALENDAR);

    // The route the chain of trust gives once the group has no Approver left: the organization's officials.
    const officials = applicationRoleRouteFor({ ...input, groupHasApprover: false });
    expect(officials.heldBy).toEqual(expect.arrayContaining(['SECURITY_OFFICIAL']));
    expect(officials.heldBy).not.toContain('APPLICATION_APPROVER');
    expect(await handle.executeUpdate(rerouteApplicationRoleUpdate, { args: [officials] })).toEqual({ status: 'AWAITING_APPROVAL' });
    expect(await handle.query(applicationRoleAudienceQuery)).toMatchObject({ route: officials });
    expect((await ApplicationRoleRequestModel.findById(input.requestId).lean())?.route).toEqual(officials);
    expect(await view(handle)).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: officials.heldBy, nextDeadline: 'REMIND' });

    // The Approver is off the route: refused, and nothing changes; the SO may decide.
    await expectRefused(
      handle.executeUpdate(decideApplicationRoleUpdate, { args: [{ decision: 'APPROVE', approver: scene.approver.principal }] }),
      APPLICATION_ROLE_REFUSALS.NOT_ROUTED,
    );
    expect(await mayDecideNow(handle, scene.approver)).toBe(false);
    expect(await mayDecideNow(handle, scene.so)).toBe(true);

    // The clock runs on for the new route: the reminder goes to the SO, not to the Approver.
    await idleOnTimer(handle);
    await sleepUntil(stack.env, due.remindAt.getTime() + MARGIN);
    await waitForMessage(stack.mail.httpUrl, { to: scene.so.email, subject: SUBJECT.reminder });
    await waitForView(handle, (v) => v.nextDeadline === 'ESCALATE');
    expect(await subjectsTo(scene.approver.email)).toEqual([]);

    expect(
      await handle.executeUpdate(decideApplicationRoleUpdate, { args: [{ decision: 'APPROVE', approver: scene.so.principal }] }),
    ).toEqual({
      status: 'APPROVED',
    });
    const result = await handle.result();
    expect(result.status).toBe('GRANTED');
    expect(result.decidedBy).toBe(scene.so.userId);
    const requester = await AccountModel.findOne({ userId: scene.requester.userId }).lean();
    expect(requester?.applicationRoles).toEqual([expect.objectContaining({ role: 'APPLICATION_USER', requestId: input.requestId })]);
    await waitForMessage(stack.mail.httpUrl, { to: scene.requester.email, subject: SUBJECT.granted });
  }, 120_000);

  describe('the request key of a finished request (api/request-claims.ts)', () => {
    /**
     * A claim still naming a finished request, as between the workflow recording the final
     * status and its releaseApplicationRoleKey activity (or while that activity retries).
     * Claims are taken over for denied and cancelled requests "even while its workflow winds up".
     */
    async function claimHeldBy(status: ApplicationRoleStatus): Promise<{ key: string; take: () => Promise<void> }> {
      const scene = await createScene(`claim-${status.toLowerCase()}`);
      const heldBy = randomUUID();
      const request = { applicationId: APPLICATION.id, userGroupId: scene.userGroupId, role: 'APPLICATION_USER' as const };
      await ApplicationRoleRequestModel.create({
        _id: heldBy,
        requesterUserId: scene.requester.userId,
        organizationId: scene.organizationId,
        ...request,
        status,
        history: [
          { status: 'AWAITING_APPROVAL', at: new Date(Date.now() - MINUTE).toISOString() },
          { status, at: new Date().toISOString() },
        ],
      });
      const key = applicationRoleKey(scene.requester.userId, request);
      await ApplicationRoleClaimModel.create({ _id: key, requestId: heldBy, claimedAt: new Date(Date.now() - MINUTE) });
      return { key, take: () => claimApplicationRoleKey(stack.env.client, key, randomUUID()) };
    }

    it('a cancelled request no longer holds its key', async () => {
      const { take } = await claimHeldBy('CANCELLED');
      await expect(take()).resolves.toBeUndefined();
    });

    // Regression: EXPIRED once held the key like an open request, answering 409 to a new request.
    it('an expired request no longer holds its key', async () => {
      const { take } = await claimHeldBy('EXPIRED');
      await expect(take()).resolves.toBeUndefined();
    });
  });
});
