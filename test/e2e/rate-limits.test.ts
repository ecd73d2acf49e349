/**
 * Abuse limits on real servers, with small limits set through RATE_LIMITS: the request beyond
 * a limit is answered 429 problem+json with a Retry-After header, before any work is done —
 * no registration, workflow, session, code check or email comes of it.
 *
 * The counters are fixed windows aligned on the clock (api/rate-limit.ts); the windows here are
 * one hour long and each test starts well clear of a window's end, so no test straddles two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import type { LocalStack } from '../../local-stack';
import { ApiClient, Journey, rawRequest, registrationBody, nextIdentity, type RawAnswer } from '../support/api-client';
import { listMessages } from '../support/mailbox';
import { startTestStack } from '../support/stack';

const WINDOW_MS = 60 * 60 * 1000;
const LIMITS = {
  loginsPerUserId: 3,
  codeAttemptsPerRegistration: 3,
  registrationsPerEmail: 2,
  resendsPerRegistration: 1,
};

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
let temporal: Client;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the next window when the current one ends within `neededMs`. */
async function clearOfWindowEdge(neededMs = 30_000): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < neededMs) await sleep(left + 250);
}

function expectTooManyRequests(answer: RawAnswer, limit: number): void {
  expect(answer.status, answer.text).toBe(429);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
  expect(answer.json).toMatchObject({ status: 429, limit, retryAfterSeconds: retryAfter });
}

const post = (path: string, body?: unknown, token?: string) =>
  rawRequest(stack.apiUrl, 'POST', path, {
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const collection = (name: string) => mongoose.connection.db!.collection(name);

async function workflowCount(): Promise<number> {
  return Number((await temporal.workflow.count()).count);
}

/** Polls until `read` gives `expected` (visibility and activities catch up), then returns it. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value === expected || Date.now() > deadline) return value;
    await sleep(200);
  }
}

beforeAll(async () => {
  const rule = (limit: number) => ({ limit, windowMs: WINDOW_MS });
  stack = await startTestStack({
    RATE_LIMITS: JSON.stringify({
      loginsPerUserId: rule(LIMITS.loginsPerUserId),
      codeAttemptsPerRegistration: rule(LIMITS.codeAttemptsPerRegistration),
      registrationsPerEmail: rule(LIMITS.registrationsPerEmail),
      resendsPerRegistration: rule(LIMITS.resendsPerRegistration),
      // The per-address limits stay out of the way.
      registrationsPerAddress: rule(10_000),
      codeAttemptsPerAddress: rule(10_000),
      resendsPerAddress: rule(10_000),
      loginsPerAddress: rule(10_000),
    }),
  });
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

describe('registrationsPerEmail', () => {
  it(`a registration beyond ${LIMITS.registrationsPerEmail} with the same email → 429 + Retry-After, and no registration, workflow or email comes of it`, async () => {
    await clearOfWindowEdge();
    const email = 'twice@ratelimit.example.test';
    const registrationsBefore = await collection('registrations').countDocuments();
    const workflowsBefore = await eventually(workflowCount, await workflowCount());

    for (let i = 0; i < LIMITS.registrationsPerEmail; i++) {
      const accepted = await journey.register('INDIVIDUAL_PRACTITIONER', email);
      await journey.waitForStatus(accepted, 'AWAITING_EMAIL_VERIFICATION');
    }
    expect(await eventually(() => collection('registrations').countDocuments(), registrationsBefore + LIMITS.registrationsPerEmail)).toBe(
      registrationsBefore + LIMITS.registrationsPerEmail,
    );
    expect(await eventually(workflowCount, workflowsBefore + LIMITS.registrationsPerEmail)).toBe(
      workflowsBefore + LIMITS.registrationsPerEmail,
    );
    expect(await eventually(async () => (await listMessages(stack.mailCatcherUrl!, email)).length, LIMITS.registrationsPerEmail)).toBe(
      LIMITS.registrationsPerEmail,
    );

    const limited = await post('/registrations', registrationBody('INDIVIDUAL_PRACTITIONER', nextIdentity(), email));
    expectTooManyRequests(limited, LIMITS.registrationsPerEmail);
    // The same address in other letter case counts against the same limit.
    expectTooManyRequests(
      await post('/registrations', registrationBody('INDIVIDUAL_PRACTITIONER', nextIdentity(), 'TWICE@RateLimit.example.test')),
      LIMITS.registrationsPerEmail,
    );

    await sleep(1_500);
    expect(await collection('registrations').countDocuments()).toBe(registrationsBefore + LIMITS.registrationsPerEmail);
    expect(await workflowCount()).toBe(workflowsBefore + LIMITS.registrationsPerEmail);
    expect(await listMessages(stack.mailCatcherUrl!, email)).toHaveLength(LIMITS.registrationsPerEmail);

    // Another email is not limited.
    expect(
      (await post('/registrations', registrationBody('INDIVIDUAL_PRACTITIONER', nextIdentity(), 'someone-else@ratelimit.example.test')))
        .status,
    ).toBe(202);
  });
});

describe('loginsPerUserId', () => {
  it(`a login beyond ${LIMITS.loginsPerUserId} for one user ID → 429 + Retry-After even with the right password, and no session is opened`, async () => {
    await clearOfWindowEdge();
    const { userId, password } = stack.config.operator;
    const accounts = collection('accounts');
    const sessionsBefore = await collection('sessions').countDocuments();
    const successesBefore = await collection('audit_events').countDocuments({ kind: 'LOGIN_SUCCEEDED' });

    for (let i = 0; i < LIMITS.loginsPerUserId; i++) {
      const wrong = await post('/auth/login', { userId, password: `Wrong-Password-${i}-xyz` });
      expect(wrong.status).toBe(401);
    }
    const account = await accounts.findOne({ userId: userId.toUpperCase() });
    expect(account?.failedLogins).toBe(LIMITS.loginsPerUserId);

    expectTooManyRequests(await post('/auth/login', { userId, password }), LIMITS.loginsPerUserId);
    // The user ID as typed, in other case and with spaces, is the same subject.
    expectTooManyRequests(await post('/auth/login', { userId: ` ${userId.toLowerCase()} `, password }), LIMITS.loginsPerUserId);

    expect(await collection('sessions').countDocuments()).toBe(sessionsBefore);
    expect(await collection('audit_events').countDocuments({ kind: 'LOGIN_SUCCEEDED' })).toBe(successesBefore);
    // A successful login would have reset the failure count: it was not attempted.
    expect((await accounts.findOne({ userId: userId.toUpperCase() }))?.failedLogins).toBe(LIMITS.loginsPerUserId);

    // Another user ID is not limited.
    expect((await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).status).toBe(200);
  });
});

describe('codeAttemptsPerRegistration', () => {
  it(`a code attempt beyond ${LIMITS.codeAttemptsPerRegistration} → 429 + Retry-After even with the right code, and the registration does not move`, async () => {
    await clearOfWindowEdge();
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'codes@ratelimit.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    const code = await journey.emailedCode(r);
    const wrong = code === '000000' ? '111111' : '000000';

    for (let i = 0; i < LIMITS.codeAttemptsPerRegistration; i++) {
      const attempt = await post(`/registrations/${r.id}/email-verification`, { code: wrong }, r.token);
      expect(attempt.status).toBe(422);
      expect(attempt.json).toMatchObject({ attemptsLeft: 4 - i });
    }
    const viewBefore = (await journey.view(r)).body;
    const recordBefore = await collection('registrations').findOne({ _id: r.id as never });
    const codesBefore = await collection('emailcodes').find({}).sort({ _id: 1 }).toArray();

    expectTooManyRequests(await post(`/registrations/${r.id}/email-verification`, { code }, r.token), LIMITS.codeAttemptsPerRegistration);

    await sleep(500);
    expect((await journey.view(r)).body).toEqual(viewBefore);
    expect(viewBefore.status).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(await collection('registrations').findOne({ _id: r.id as never })).toEqual(recordBefore);
    expect(await collection('emailcodes').find({}).sort({ _id: 1 }).toArray()).toEqual(codesBefore);

    // The limit is per registration: another applicant verifies as usual.
    const other = await journey.register('INDIVIDUAL_PRACTITIONER', 'codes-other@ratelimit.example.test');
    await journey.verifyEmail(other);
    expect((await journey.view(other)).body.status).toBe('AWAITING_DETAILS');
  });
});

describe('resendsPerRegistration', () => {
  it(`a resend beyond ${LIMITS.resendsPerRegistration} → 429 + Retry-After, and no new code is sent`, async () => {
    await clearOfWindowEdge();
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'resend@ratelimit.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    await journey.emailedCode(r, 1);

    for (let i = 0; i < LIMITS.resendsPerRegistration; i++) {
      expect((await post(`/registrations/${r.id}/email-verification/resend`, undefined, r.token)).status).toBe(202);
      await journey.emailedCode(r, 2 + i);
    }
    const viewBefore = (await journey.view(r)).body;
    const mailsBefore = (await listMessages(stack.mailCatcherUrl!, r.email)).length;
    expect(mailsBefore).toBe(1 + LIMITS.resendsPerRegistration);

    expectTooManyRequests(
      await post(`/registrations/${r.id}/email-verification/resend`, undefined, r.token),
      LIMITS.resendsPerRegistration,
    );

    await sleep(1_500);
    expect(await listMessages(stack.mailCatcherUrl!, r.email)).toHaveLength(mailsBefore);
    // A resend would have opened a new 30-minute window.
    expect((await journey.view(r)).body).toEqual(viewBefore);
  });
});

describe('whose requests count against a registration', () => {
  // Regression: the per-registration limits once ran before the applicant-token check, so anyone could spend an applicant's budget.
  it("anonymous resends do not use up the applicant's resend budget", async () => {
    await clearOfWindowEdge();
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'victim-resend@ratelimit.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    for (let i = 0; i < LIMITS.resendsPerRegistration; i++)
      expect((await post(`/registrations/${r.id}/email-verification/resend`)).status).toBe(401);
    expect((await post(`/registrations/${r.id}/email-verification/resend`, undefined, r.token)).status).toBe(202);
  });

  // Regression: same cause as above.
  it("anonymous code attempts do not use up the applicant's code attempts: the right code still verifies", async () => {
    await clearOfWindowEdge();
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'victim-code@ratelimit.example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    const code = await journey.emailedCode(r);
    for (let i = 0; i < LIMITS.codeAttemptsPerRegistration; i++)
      expect((await post(`/registrations/${r.id}/email-verification`, { code: '000000' })).status).toBe(401);
    expect((await post(`/registrations/${r.id}/email-verification`, { code }, r.token)).status).toBe(200);
  });
});

describe('concurrent requests at the start of a window', () => {
  // Regression: two first hits of a window racing on the counter upsert collided (E11000) and one was answered 500.
  it('a burst of simultaneous logins for a new user ID is answered 401/429, never 500', async () => {
    await clearOfWindowEdge();
    const statuses: number[] = [];
    // The race is lost in roughly half of the bursts: 30 of them make a miss all but impossible.
    for (let burst = 0; burst < 30; burst++) {
      const userId = `BURST${randomUUID().slice(0, 8).toUpperCase()}`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => post('/auth/login', { userId, password: 'Not-A-Password-1' })));
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });

  it('hits at once are all counted: a burst of logins for one user ID, five more than the limit, lets exactly the limit through', async () => {
    await clearOfWindowEdge();
    const userId = `COUNT${randomUUID().slice(0, 8).toUpperCase()}`;
    const burst = LIMITS.loginsPerUserId + 5;
    const answers = await Promise.all(Array.from({ length: burst }, () => post('/auth/login', { userId, password: 'Not-A-Password-1' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.loginsPerUserId);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });
});
