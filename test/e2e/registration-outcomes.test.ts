/**
 * The ways a registration ends other than "provisioned", and the refusals on the way, on real
 * servers (Temporal dev server, FerretDB, SMTP catcher, SSA simulator): SSA rejection and
 * outage, wrong and locked email codes, cancel, deny, approval routing across organizations,
 * malformed input that must create nothing, DMEPOS refusal, and unknown tokens and ids.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { RegistrationModel } from '../../models/registration';
import { SSA_NON_MATCHING_EXAMPLES } from '../../simulators/ssa-fixtures';
import { ApiClient, contact, Journey, registrationBody, type Started } from '../support/api-client';
import { listMessages, waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';
import { workflowIdFor } from '../../workflows/messages';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: { path: string; message: string }[];
  attemptsLeft?: number;
}

let stack: LocalStack;
let journey: Journey;
let api: ApiClient;
let temporal: Client;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  temporal = new Client({
    connection: await Connection.connect({ address: stack.config.temporal.address }),
    namespace: stack.config.temporal.namespace,
  });
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

/** A six-digit code that is certainly not `code`. */
const otherCode = (code: string, plus = 1) => String((Number(code) + plus) % 1_000_000).padStart(6, '0');

const verify = (r: Started, code: string) =>
  api.call<Problem & { status: number | string }>('POST', `/registrations/${r.id}/email-verification`, { token: r.token, body: { code } });
const resend = (r: Started) => api.call<Problem>('POST', `/registrations/${r.id}/email-verification/resend`, { token: r.token });
const cancel = (r: Started) => api.call<Problem & { status: string | number }>('POST', `/registrations/${r.id}/cancel`, { token: r.token });
const putDetails = (r: Started, body: Record<string, unknown>) =>
  api.call<Problem & { status: string | number; reason?: string }>('PUT', `/registrations/${r.id}/details`, { token: r.token, body });

async function helpDeskToken(): Promise<string> {
  const login = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
  expect(login.status).toBe(200);
  return login.body.token;
}

/** Registers an SO, verifies the email and (optionally) submits the organization; returns the registration. */
async function securityOfficialAwaitingApproval(email: string, organizationName: string): Promise<Started> {
  const so = await journey.register('SECURITY_OFFICIAL', email);
  await journey.verifyEmail(so);
  await journey.submitWith(so, { organization: { name: organizationName, country: 'US', state: 'VA', providerType: 'HOSPITAL' } });
  return so;
}

/** A provisioned SO of a new organization, logged in with a complete session. */
async function provisionedSecurityOfficial(email: string, organizationName: string, newPassword: string, deskToken: string) {
  const so = await securityOfficialAwaitingApproval(email, organizationName);
  expect((await journey.decide(so.id, deskToken, 'APPROVE')).status).toBe(200);
  await journey.waitForStatus(so, 'PROVISIONED');
  const { userId, password } = await journey.credentials(email);
  const token = await journey.completeFirstLogin(userId, password, newPassword);
  const found = await api.call<{ id: string; name: string }[]>(
    'GET',
    `/organizations?name=${encodeURIComponent(organizationName)}&country=US&state=VA`,
  );
  const organization = found.body.find((o) => o.name === organizationName);
  expect(organization).toBeDefined();
  return { registration: so, userId, token, organizationId: organization!.id };
}

/**
 * Waits until the registration's workflow has closed (it returns once the chart is final), so
 * that what follows talks to a finished registration, not one still sending its last notice.
 */
async function closed(r: Started): Promise<void> {
  const handle = temporal.workflow.getHandle(workflowIdFor(r.id));
  await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000, interval: 200 }).toBe('COMPLETED');
}

/*
 * Regression guard: a registration's workflow completes as soon as the chart is final, and
 * Temporal refuses updates to a completed workflow with NOT_FOUND. Until commit bf92f44 the API
 * mapped that to 404 "no such registration" (api/temporal-refusals.ts, asHttpProblem) although
 * GET still showed the registration; shared/API.md wants 409 (410 for an expired code). The
 * tests below wait for the workflow to close first, so they exercise exactly that path.
 */

/** Waits until two reads of `read` 500 ms apart agree, so that in-flight work from earlier tests has landed. */
async function settled(read: () => Promise<number>): Promise<number> {
  let previous = await read();
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const current = await read();
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}

describe('identity validation against SSA', () => {
  let rejected: Started;

  it('an identity SSA does not know ends in IDENTITY_REJECTED with a reason mentioning SSA, and an email notice', async () => {
    const example = SSA_NON_MATCHING_EXAMPLES.find((e) => e.identity.ssn === '999-99-9999')!;
    rejected = await journey.register('END_USER', 'ssa-rejected@outcomes.example.test', example.identity);
    const view = await journey.waitForStatus(rejected, 'IDENTITY_REJECTED');
    expect(view.reason).toMatch(/Social Security Administration|SSA/);
    expect(view.history.map((h) => h.status)).toEqual(['VALIDATING_IDENTITY', 'IDENTITY_REJECTED']);

    const notice = await waitForMessage(
      stack.mailCatcherUrl!,
      { to: rejected.email, subject: 'IACS Registration – Identity Could Not Be Validated' },
      20_000,
    );
    expect(notice.text).toMatch(/contact the SSA/);
    expect(notice.text).not.toContain(example.identity.ssn);
    expect(notice.text).not.toContain(example.identity.dateOfBirth);
    // No verification code went out.
    const mails = await listMessages(stack.mailCatcherUrl!, rejected.email);
    expect(mails.map((m) => m.subject)).not.toContain('Email Address Verification');
  });

  it('once the rejected registration has closed, GET still shows IDENTITY_REJECTED and the notice was the only email', async () => {
    await closed(rejected);
    expect((await journey.view(rejected)).body.status).toBe('IDENTITY_REJECTED');
    const subjects = (await listMessages(stack.mailCatcherUrl!, rejected.email)).map((m) => m.subject);
    expect(subjects).toEqual(['IACS Registration – Identity Could Not Be Validated']);
  });

  // After the workflow has closed (see the note above closed()).
  it('after IDENTITY_REJECTED further actions (email verification, resend, cancel) answer 409', async () => {
    await closed(rejected);
    const attempt = await verify(rejected, '123456');
    expect(attempt.contentType).toContain('application/problem+json');
    expect(attempt.status).toBe(409);
    expect(attempt.body).toMatchObject({ status: 409, registrationStatus: 'IDENTITY_REJECTED' });
    expect((await resend(rejected)).status).toBe(409);
    expect((await cancel(rejected)).status).toBe(409);
    expect((await journey.view(rejected)).body.status).toBe('IDENTITY_REJECTED');
  });

  it('while SSA is unavailable the request waits and retries; once SSA is back it moves on without being re-entered', async () => {
    const ssa = stack.ssa!;
    const before = ssa.requestCount();
    ssa.setAvailable(false);
    try {
      const r = await journey.register('END_USER', 'ssa-outage@outcomes.example.test');
      await sleep(4_000);
      const waiting = await journey.view(r);
      expect(waiting.body.status).toBe('VALIDATING_IDENTITY');
      expect(ssa.requestCount() - before).toBeGreaterThanOrEqual(2);

      ssa.setAvailable(true);
      const moved = await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION', 40_000);
      expect(moved.history.map((h) => h.status)).toEqual(['VALIDATING_IDENTITY', 'AWAITING_EMAIL_VERIFICATION']);
      // And the code it was sent works: the same request carries on.
      const code = await journey.emailedCode(r);
      const ok = await verify(r, code);
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('AWAITING_DETAILS');
    } finally {
      ssa.setAvailable(true);
    }
  }, 120_000);
});

describe('email verification codes', () => {
  it('wrong codes answer 422 with the attempts left; the right code then moves on to AWAITING_DETAILS', async () => {
    const r = await journey.register('END_USER', 'wrong-codes@outcomes.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    const code = await journey.emailedCode(r);

    const first = await verify(r, otherCode(code, 1));
    expect(first.status).toBe(422);
    expect(first.contentType).toContain('application/problem+json');
    expect(first.body.errors[0]?.path).toBe('code');
    expect(first.body.attemptsLeft).toBe(4);
    expect(JSON.stringify(first.body)).not.toContain(code);

    const second = await verify(r, otherCode(code, 2));
    expect(second.status).toBe(422);
    expect(second.body.attemptsLeft).toBe(3);
    expect((await journey.view(r)).body.status).toBe('AWAITING_EMAIL_VERIFICATION');

    const right = await verify(r, code);
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ status: 'AWAITING_DETAILS' });
    expect((await journey.view(r)).body.status).toBe('AWAITING_DETAILS');
  });

  it('five wrong codes lock the code: the right one is refused; a resend sends a new code that works', async () => {
    const r = await journey.register('END_USER', 'locked-code@outcomes.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    const code = await journey.emailedCode(r);

    const attemptsLeft: (number | undefined)[] = [];
    for (let i = 1; i <= 5; i++) {
      const wrong = await verify(r, otherCode(code, i));
      expect(wrong.status).toBe(422);
      attemptsLeft.push(wrong.body.attemptsLeft);
    }
    expect(attemptsLeft).toEqual([4, 3, 2, 1, 0]);

    const locked = await verify(r, code);
    expect(locked.status).toBe(422);
    expect(locked.contentType).toContain('application/problem+json');
    expect(locked.body.attemptsLeft).toBe(0);
    expect((await journey.view(r)).body.status).toBe('AWAITING_EMAIL_VERIFICATION');

    expect((await resend(r)).status).toBe(202);
    const newCode = await journey.emailedCode(r, 2);
    // The spent code stays spent.
    if (newCode !== code) expect((await verify(r, code)).status).toBe(422);
    const ok = await verify(r, newCode);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('AWAITING_DETAILS');
  });

  it('three resends are allowed, the fourth is refused with 409; every resend sends a new email', async () => {
    const r = await journey.register('END_USER', 'resends@outcomes.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    await journey.emailedCode(r, 1);
    for (let n = 2; n <= 4; n++) {
      expect((await resend(r)).status).toBe(202);
      await journey.emailedCode(r, n);
    }
    const fourth = await resend(r);
    expect(fourth.status).toBe(409);
    expect(fourth.contentType).toContain('application/problem+json');
    const codes = (await listMessages(stack.mailCatcherUrl!, r.email)).filter((m) => m.subject === 'Email Address Verification');
    expect(codes).toHaveLength(4);
    // Only the newest code works.
    const first = await journey.emailedCode(r, 1);
    const newest = await journey.emailedCode(r, 4);
    if (first !== newest) expect((await verify(r, first)).status).toBe(422);
    const ok = await verify(r, newest);
    expect(ok.status).toBe(200);
  });
});

describe('cancel', () => {
  let atDetails: Started;
  let atApproval: Started;

  it('an applicant cancels while AWAITING_DETAILS: 200 CANCELLED, the view shows CANCELLED, a notice is sent', async () => {
    atDetails = await journey.register('END_USER', 'cancel-details@outcomes.example.test');
    await journey.verifyEmail(atDetails);
    expect((await journey.view(atDetails)).body.status).toBe('AWAITING_DETAILS');

    const cancelled = await cancel(atDetails);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ status: 'CANCELLED' });

    const view = await journey.view(atDetails);
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('CANCELLED');
    expect(view.body.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'CANCELLED',
    ]);
    await waitForMessage(stack.mailCatcherUrl!, { to: atDetails.email, subject: 'IACS Registration – Request Cancelled' }, 20_000);
    await closed(atDetails);
    expect((await journey.view(atDetails)).body.status).toBe('CANCELLED');
  });

  // After the workflow has closed (see the note above closed()).
  it('cancelling a CANCELLED registration again answers 409', async () => {
    await closed(atDetails);
    const again = await cancel(atDetails);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, registrationStatus: 'CANCELLED' });
  });

  it('an applicant cancels while AWAITING_APPROVAL: the request leaves the approver’s queue', async () => {
    atApproval = await securityOfficialAwaitingApproval('cancel-approval@outcomes.example.test', 'Cancelled Request Hospital');
    expect((await journey.view(atApproval)).body.status).toBe('AWAITING_APPROVAL');
    const desk = await helpDeskToken();
    expect((await api.call<{ id: string }[]>('GET', '/approvals', { token: desk })).body.map((q) => q.id)).toContain(atApproval.id);

    const cancelled = await cancel(atApproval);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ status: 'CANCELLED' });
    expect((await journey.view(atApproval)).body.status).toBe('CANCELLED');
    expect((await api.call<{ id: string }[]>('GET', '/approvals', { token: desk })).body.map((q) => q.id)).not.toContain(atApproval.id);
    await closed(atApproval);
    expect((await journey.view(atApproval)).body.status).toBe('CANCELLED');
  });

  // After the workflow has closed (see the note above closed()).
  it('a decision on a registration cancelled while awaiting approval answers 409', async () => {
    await closed(atApproval);
    const decision = await journey.decide(atApproval.id, await helpDeskToken(), 'APPROVE');
    expect(decision.contentType).toContain('application/problem+json');
    expect(decision.status).toBe(409);
    expect(decision.body).toMatchObject({ status: 409, registrationStatus: 'CANCELLED' });
  });
});

describe('decisions', () => {
  let denied: Started;

  it('the help desk denies a Security Official with a reason; a deny without reason is 400 naming `reason`', async () => {
    denied = await securityOfficialAwaitingApproval('denied-so@outcomes.example.test', 'Denied Request Hospital');
    const desk = await helpDeskToken();

    const noReason = await journey.decide(denied.id, desk, 'DENY');
    expect(noReason.status).toBe(400);
    expect(noReason.contentType).toContain('application/problem+json');
    expect((noReason.body as unknown as Problem).errors.map((e) => e.path)).toContain('reason');
    expect((await journey.view(denied)).body.status).toBe('AWAITING_APPROVAL');

    const reason = 'The organization could not be confirmed with the information given.';
    const decision = await journey.decide(denied.id, desk, 'DENY', reason);
    expect(decision.status).toBe(200);
    expect(decision.body).toEqual({ status: 'DENIED' });

    const view = await journey.view(denied);
    expect(view.body.status).toBe('DENIED');
    expect(view.body.reason).toBe(reason);
    expect(view.body.history.map((h) => h.status).slice(-2)).toEqual(['AWAITING_APPROVAL', 'DENIED']);
    const notice = await waitForMessage(stack.mailCatcherUrl!, { to: denied.email, subject: 'IACS Registration – Request Denied' }, 20_000);
    expect(notice.text).toContain(reason);
    // Denied: no account, no credentials.
    await closed(denied);
    const subjects = (await listMessages(stack.mailCatcherUrl!, denied.email)).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('FYI: User Creation Completed'))).toEqual([]);
    expect((await journey.view(denied)).body.status).toBe('DENIED');
  });

  // After the workflow has closed (see the note above closed()).
  it('a second decision on a DENIED registration answers 409', async () => {
    await closed(denied);
    const second = await journey.decide(denied.id, await helpDeskToken(), 'APPROVE');
    expect(second.contentType).toContain('application/problem+json');
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 409, registrationStatus: 'DENIED' });
    expect((await journey.view(denied)).body.status).toBe('DENIED');
  });

  it('a Security Official of another organization gets 403 on a UGA request; the organization’s SO approves it', async () => {
    const desk = await helpDeskToken();
    const soA = await provisionedSecurityOfficial('so-a@outcomes.example.test', 'Alpha Routing Hospital', 'Alpha-Approver-Pass-2026', desk);
    const soB = await provisionedSecurityOfficial('so-b@outcomes.example.test', 'Bravo Routing Hospital', 'Bravo-Approver-Pass-2026', desk);
    expect(soA.organizationId).not.toBe(soB.organizationId);

    const uga = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga-a@outcomes.example.test');
    await journey.verifyEmail(uga);
    await journey.submitWith(uga, { organizationId: soA.organizationId, userGroup: { name: 'Alpha Billing', kind: 'PROVIDER' } });

    expect((await api.call<{ id: string }[]>('GET', '/approvals', { token: soB.token })).body.map((q) => q.id)).not.toContain(uga.id);
    const wrongSo = await journey.decide(uga.id, soB.token, 'APPROVE');
    expect(wrongSo.status).toBe(403);
    expect(wrongSo.contentType).toContain('application/problem+json');
    expect((await journey.decide(uga.id, soB.token, 'DENY', 'not mine')).status).toBe(403);
    // The help desk approves SOs, not UGAs.
    expect((await journey.decide(uga.id, desk, 'APPROVE')).status).toBe(403);
    expect((await journey.view(uga)).body.status).toBe('AWAITING_APPROVAL');

    expect((await api.call<{ id: string }[]>('GET', '/approvals', { token: soA.token })).body.map((q) => q.id)).toEqual([uga.id]);
    const approved = await journey.decide(uga.id, soA.token, 'APPROVE');
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
    await journey.waitForStatus(uga, 'PROVISIONED');
  }, 120_000);
});

describe('malformed input', () => {
  const identity = { firstName: 'Zed', lastName: 'Nobody', dateOfBirth: '1980-01-01', ssn: '900-99-0000' };
  const valid = () => registrationBody('END_USER', identity, 'malformed@outcomes.example.test') as Record<string, unknown>;

  const cases: { name: string; send: () => ReturnType<ApiClient['call']>; names: string }[] = [
    {
      name: 'an SSN that is not NNN-NN-NNNN',
      send: () => api.call('POST', '/registrations', { body: { ...valid(), identity: { ...identity, ssn: 'abc' } } }),
      names: 'identity.ssn',
    },
    {
      name: 'the Privacy Act terms not accepted (missing)',
      send: () => api.call('POST', '/registrations', { body: { ...valid(), acceptedTerms: { role: true } } }),
      names: 'acceptedTerms.privacyAct',
    },
    {
      name: 'an unknown extra field',
      send: () => api.call('POST', '/registrations', { body: { ...valid(), favouriteColour: 'teal' } }),
      names: 'favouriteColour',
    },
    {
      name: 'a body that is not JSON',
      send: () => api.call('POST', '/registrations', { rawBody: '{"community": "PROVIDER_SUPPLIER", ' }),
      names: '(body)',
    },
    {
      name: 'a role outside the enumeration',
      send: () => api.call('POST', '/registrations', { body: { ...valid(), role: 'SUPREME_LEADER' } }),
      names: 'role',
    },
  ];

  it('each malformed registration gets a 400 problem naming the field, and no workflow or record is created', async () => {
    const countWorkflows = async () => (await temporal.workflow.count()).count;
    const countRecords = () => RegistrationModel.countDocuments();
    const workflowsBefore = await settled(countWorkflows);
    const recordsBefore = await settled(countRecords);

    for (const c of cases) {
      const answer = await c.send();
      expect(answer.status, c.name).toBe(400);
      expect(answer.contentType, c.name).toContain('application/problem+json');
      const problem = answer.body as unknown as Problem;
      expect(problem.status, c.name).toBe(400);
      expect(problem.errors.length, c.name).toBeGreaterThan(0);
      // The field is named by its path or, for an unknown key, in the message.
      expect(
        problem.errors.some((e) => e.path === c.names || e.message.includes(c.names)),
        `${c.name}: ${JSON.stringify(problem.errors)}`,
      ).toBe(true);
      expect(JSON.stringify(problem), c.name).not.toContain('900-99-0000');
    }

    await sleep(1_500);
    expect(await countWorkflows()).toBe(workflowsBefore);
    expect(await countRecords()).toBe(recordsBefore);
  });

  it('details without the organization an SO must supply get 400 naming it, and the status is unchanged', async () => {
    const r = await journey.register('SECURITY_OFFICIAL', 'bad-details@outcomes.example.test');
    await journey.verifyEmail(r);
    const bad = await putDetails(r, { contact, justification: 'I run this hospital.' });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors.map((e) => e.path)).toContain('organization');

    const view = await journey.view(r);
    expect(view.body.status).toBe('AWAITING_DETAILS');
    expect(view.body.history.at(-1)?.status).toBe('AWAITING_DETAILS');
    // Submitting without accepted details is refused too.
    expect((await api.call('POST', `/registrations/${r.id}/submit`, { token: r.token })).status).toBe(409);
    expect((await journey.view(r)).body.status).toBe('AWAITING_DETAILS');
  });
});

describe('rule refusals', () => {
  let dmepos: Started;

  it('a DMEPOS supplier organization is REJECTED with a reason naming DMEPOS', async () => {
    dmepos = await journey.register('SECURITY_OFFICIAL', 'dmepos@outcomes.example.test');
    await journey.verifyEmail(dmepos);
    const answer = await putDetails(dmepos, {
      contact,
      justification: 'We supply durable medical equipment.',
      organization: { name: 'Durable Supplies Inc', country: 'US', state: 'TX', providerType: 'DMEPOS_SUPPLIER' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('REJECTED');

    const view = await journey.view(dmepos);
    expect(view.body.status).toBe('REJECTED');
    expect(view.body.reason).toMatch(/DMEPOS/);
    expect(view.body.trackingNumber).toBeUndefined();
    const notice = await waitForMessage(
      stack.mailCatcherUrl!,
      { to: dmepos.email, subject: 'IACS Registration – Request Rejected' },
      20_000,
    );
    expect(notice.text).toMatch(/DMEPOS/);
    await closed(dmepos);
    expect((await journey.view(dmepos)).body.status).toBe('REJECTED');
  });

  // After the workflow has closed (see the note above closed()).
  it('submitting a REJECTED registration answers 409', async () => {
    await closed(dmepos);
    const submit = await api.call('POST', `/registrations/${dmepos.id}/submit`, { token: dmepos.token });
    expect(submit.contentType).toContain('application/problem+json');
    expect(submit.status).toBe(409);
    expect(submit.body).toMatchObject({ status: 409, registrationStatus: 'REJECTED' });
  });
});

describe('tokens and ids', () => {
  it('a wrong applicant token is 401, an unknown id 404, and an id that is not a uuid 400', async () => {
    const r = await journey.register('END_USER', 'tokens@outcomes.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');

    const wrongToken = await api.call('GET', `/registrations/${r.id}`, { token: 'x'.repeat(43) });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.contentType).toContain('application/problem+json');
    expect((await api.call('GET', `/registrations/${r.id}`)).status).toBe(401);
    expect((await api.call('POST', `/registrations/${r.id}/cancel`, { token: 'y'.repeat(43) })).status).toBe(401);
    expect((await journey.view(r)).body.status).toBe('AWAITING_EMAIL_VERIFICATION');

    // A token opens only its own registration; for an id that does not exist it opens nothing either.
    const unknown = await api.call('GET', `/registrations/${randomUUID()}`, { token: r.token });
    expect(unknown.status).toBe(401);
    expect(unknown.contentType).toContain('application/problem+json');

    const notUuid = await api.call<Problem>('GET', '/registrations/not-a-uuid', { token: r.token });
    expect(notUuid.status).toBe(400);
    expect(notUuid.contentType).toContain('application/problem+json');
    expect(notUuid.body.errors.map((e) => e.path)).toContain('id');
  });
});
