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
import type { LocalStack } from '../../infra/local-stack';
import { RegistrationModel } from '../../models/registration';
import { SSA_NON_MATCHING_EXAMPLES } from '../../services/ssa-fixtures';
import { ApiClient, contact, Journey, nextIdentity, registrationBody, type Started } from '../support/api-client';
import { listMessages, waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';

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
  temporal = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }), namespace: stack.config.temporal.namespace });
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

/** A six-digit code that is certainly not `code`. */
const otherCode = (code: string, plus = 1) => String((Number(code) + plus) % 1_000_000).padStart(6, '0');

const verify = (r: Started, code: string) => api.call<Problem & { status: number | string }>('POST', `/registrations/${r.id}/email-verification`, { token: r.token, body: { code } });
const resend = (r: Started) => api.call<Problem>('POST', `/registrations/${r.id}/email-verification/resend`, { token: r.token });
const cancel = (r: Started) => api.call<Problem & { status: string | number }>('POST', `/registrations/${r.id}/cancel`, { token: r.token });
const putDetails = (r: Started, body: Record<string, unknown>) => api.call<Problem & { status: string | number; reason?: string }>('PUT', `/registrations/${r.id}/details`, { token: r.token, body });

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
  const found = await api.call<{ id: string; name: string }[]>('GET', `/organizations?name=${encodeURIComponent(organizationName)}`);
  const organization = found.body.find((o) => o.name === organizationName);
  expect(organization).toBeDefined();
  return { registration: so, userId, token, organizationId: organization!.id };
}

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
  it('an identity SSA does not know ends in IDENTITY_REJECTED with a reason, an email notice, and no further actions', async () => {
    const example = SSA_NON_MATCHING_EXAMPLES.find((e) => e.identity.ssn === '999-99-9999')!;
    const r = await journey.register('END_USER', 'ssa-rejected@outcomes.example.test', example.identity);
    const rejected = await journey.waitForStatus(r, 'IDENTITY_REJECTED');
    expect(rejected.reason).toMatch(/Social Security Administration|SSA/);
    expect(rejected.history.map((h) => h.status)).toEqual(['VALIDATING_IDENTITY', 'IDENTITY_REJECTED']);

    const notice = await waitForMessage(stack.mailCatcherUrl!, { to: r.email, subject: /Identity Could Not Be Validated/ }, 20_000);
    expect(notice.text).toMatch(/SSA|Social Security/);
    // No verification code went out, and nothing secret was echoed in the notice.
    const mails = await listMessages(stack.mailCatcherUrl!, r.email);
    expect(mails.map((m) => m.subject)).not.toContain('Email Address Verification');
    expect(notice.text).not.toContain(example.identity.ssn);

    const attempt = await verify(r, '123456');
    expect(attempt.status).toBe(409);
    expect(attempt.contentType).toContain('application/problem+json');
    expect((await resend(r)).status).toBe(409);
    expect((await cancel(r)).status).toBe(409);
    expect((await journey.view(r)).body.status).toBe('IDENTITY_REJECTED');
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
    const ok = await verify(r, await journey.emailedCode(r, 4));
    expect(ok.status).toBe(200);
  });
});

describe('cancel', () => {
  it('an applicant cancels while AWAITING_DETAILS; cancelling again is a conflict; the view shows CANCELLED', async () => {
    const r = await journey.register('END_USER', 'cancel-details@outcomes.example.test');
    await journey.verifyEmail(r);
    expect((await journey.view(r)).body.status).toBe('AWAITING_DETAILS');

    const cancelled = await cancel(r);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ status: 'CANCELLED' });

    const again = await cancel(r);
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');

    const view = await journey.view(r);
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('CANCELLED');
    expect(view.body.history.map((h) => h.status)).toEqual(['VALIDATING_IDENTITY', 'AWAITING_EMAIL_VERIFICATION', 'AWAITING_DETAILS', 'CANCELLED']);
    await waitForMessage(stack.mailCatcherUrl!, { to: r.email, subject: /Request Cancelled/ }, 20_000);
  });

  it('an applicant cancels while AWAITING_APPROVAL: the request leaves the approver’s queue and cannot be decided', async () => {
    const so = await securityOfficialAwaitingApproval('cancel-approval@outcomes.example.test', 'Cancelled Request Hospital');
    expect((await journey.view(so)).body.status).toBe('AWAITING_APPROVAL');

    const cancelled = await cancel(so);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ status: 'CANCELLED' });
    expect((await journey.view(so)).body.status).toBe('CANCELLED');

    const desk = await helpDeskToken();
    await expect.poll(async () => (await api.call<{ id: string }[]>('GET', '/approvals', { token: desk })).body.map((q) => q.id)).not.toContain(so.id);
    expect((await journey.decide(so.id, desk, 'APPROVE')).status).toBe(409);
    expect((await journey.view(so)).body.status).toBe('CANCELLED');
  });
});

describe('decisions', () => {
  it('the help desk denies a Security Official with a reason; a deny without reason is 400; a second decision is 409', async () => {
    const so = await securityOfficialAwaitingApproval('denied-so@outcomes.example.test', 'Denied Request Hospital');
    const desk = await helpDeskToken();

    const noReason = await journey.decide(so.id, desk, 'DENY');
    expect(noReason.status).toBe(400);
    expect(noReason.contentType).toContain('application/problem+json');
    expect((noReason.body as unknown as Problem).errors.map((e) => e.path)).toContain('reason');
    expect((await journey.view(so)).body.status).toBe('AWAITING_APPROVAL');

    const reason = 'The organization could not be confirmed with the information given.';
    const denied = await journey.decide(so.id, desk, 'DENY', reason);
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({ status: 'DENIED' });

    const view = await journey.view(so);
    expect(view.body.status).toBe('DENIED');
    expect(view.body.reason).toBe(reason);
    const notice = await waitForMessage(stack.mailCatcherUrl!, { to: so.email, subject: /Request Denied/ }, 20_000);
    expect(notice.text).toContain(reason);

    const second = await journey.decide(so.id, desk, 'APPROVE');
    expect(second.status).toBe(409);
    expect(second.contentType).toContain('application/problem+json');
    expect((await journey.view(so)).body.status).toBe('DENIED');
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
      expect(problem.errors.some((e) => e.path === c.names || e.message.includes(c.names)), `${c.name}: ${JSON.stringify(problem.errors)}`).toBe(true);
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
  it('a DMEPOS supplier organization is REJECTED with a reason naming DMEPOS', async () => {
    const r = await journey.register('SECURITY_OFFICIAL', 'dmepos@outcomes.example.test');
    await journey.verifyEmail(r);
    const answer = await putDetails(r, {
      contact,
      justification: 'We supply durable medical equipment.',
      organization: { name: 'Durable Supplies Inc', country: 'US', state: 'TX', providerType: 'DMEPOS_SUPPLIER' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('REJECTED');

    const view = await journey.view(r);
    expect(view.body.status).toBe('REJECTED');
    expect(view.body.reason).toMatch(/DMEPOS/);
    await waitForMessage(stack.mailCatcherUrl!, { to: r.email, subject: /Request Rejected/ }, 20_000);
    expect((await api.call('POST', `/registrations/${r.id}/submit`, { token: r.token })).status).toBe(409);
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

    const unknown = await api.call('GET', `/registrations/${randomUUID()}`, { token: r.token });
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toContain('application/problem+json');

    const notUuid = await api.call<Problem>('GET', '/registrations/not-a-uuid', { token: r.token });
    expect(notUuid.status).toBe(400);
    expect(notUuid.contentType).toContain('application/problem+json');
    expect(notUuid.body.errors.map((e) => e.path)).toContain('id');
  });
});
