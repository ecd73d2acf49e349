/**
 * `Idempotency-Key` on real servers, through the HTTP API, on each of the five writes that take
 * it: a repeat with the same key and body gets the first answer and starts no second workflow,
 * another body is 422, repeats at once start one workflow, a key left pending by an API that
 * stopped is taken over after 60 s, keys expire 24 hours on, malformed keys are 400.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyBodyHash, idempotencyRecordId, IDEMPOTENCY_KEY_LIFETIME_MS } from '../../api/idempotency';
import type { LocalStack } from '../../local-stack';
import { IdempotencyKeyModel } from '../../models/idempotency';
import { keysFromBase64, type SecretKeys } from '../../security/secrets';
import { APPLICATION_ROLE_WORKFLOW } from '../../workflows/application-role-messages';
import { REGISTRATION_WORKFLOW } from '../../workflows/messages';
import { ApiClient, Journey, nextIdentity, registrationBody, type ApiAnswer, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
let temporal: Client;
let keys: SecretKeys;
let helpDesk: string;
/** Registration workflows when the file started, and how many its tests have started since. */
let registrationsAtStart: number;
let registrationsStarted = 0;

interface Answer {
  id?: string;
  applicantToken?: string;
  status: string | number;
  errors?: { path: string }[];
}

const keyed = (key: string) => ({ 'idempotency-key': key });
const post = (path: string, key: string | undefined, body: unknown, token?: string) =>
  api.call<Answer>('POST', path, { body, token, headers: key === undefined ? undefined : keyed(key) });
const replayed = (answer: ApiAnswer<Answer>) => answer.headers.get('idempotent-replayed');
/** What must be the same in a replay: status, media type, body, Location. */
const sameness = (answer: ApiAnswer<Answer>) => ({
  status: answer.status,
  contentType: answer.contentType,
  body: answer.body,
  location: answer.headers.get('location'),
});

const workflowsOf = async (type: string) => Number((await temporal.workflow.count(`WorkflowType = '${type}'`)).count);

/** Polls the workflow count (visibility catches up) until it is `expected`, and gives what it last read. */
async function workflowCount(type: string, expected: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const count = await workflowsOf(type);
    if (count === expected || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const expectRegistrationsStarted = async (n: number) => {
  registrationsStarted += n;
  expect(await workflowCount(REGISTRATION_WORKFLOW, registrationsAtStart + registrationsStarted)).toBe(
    registrationsAtStart + registrationsStarted,
  );
};

const namesTheHeader = (answer: ApiAnswer<Answer>, status: number) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
};

/** A repeat of `first` with the same key and body: the stored answer, said so. */
async function expectReplay(first: ApiAnswer<Answer>, repeat: () => Promise<ApiAnswer<Answer>>) {
  const again = await repeat();
  expect(sameness(again)).toEqual(sameness(first));
  expect(replayed(again)).toBe('true');
  expect(replayed(first)).toBeNull();
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  keys = keysFromBase64(stack.config.hashKey, stack.config.fieldKey);
  temporal = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }) });
  helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
  registrationsAtStart = await workflowsOf(REGISTRATION_WORKFLOW);
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

let so: Started;
let soToken: string;

describe('POST /registrations', () => {
  const body = registrationBody('SECURITY_OFFICIAL', nextIdentity(), 'so@idempotent.example.test');
  let before: number;

  it('a repeat with the same key and body gets the same answer (id, token) and starts no second registration', async () => {
    before = Date.now();
    const first = await post('/registrations', 'register-so-1', body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ id: expect.any(String), applicantToken: expect.any(String), status: 'VALIDATING_IDENTITY' });
    // The same body with its keys in another order is the same body.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    await expectReplay(first, () => post('/registrations', 'register-so-1', reordered));
    so = { id: first.body.id!, token: first.body.applicantToken!, email: body.email };
    await expectRegistrationsStarted(1);
  });

  it('the same key with another body is 422 naming the header; malformed keys are 400; neither starts anything', async () => {
    namesTheHeader(await post('/registrations', 'register-so-1', { ...body, email: 'other@idempotent.example.test' }), 422);
    for (const key of ['', 'k'.repeat(256), 'tab\tinside', 'clé'])
      namesTheHeader(await post('/registrations', key, registrationBody('END_USER', nextIdentity(), 'bad-key@example.test')), 400);
    await expectRegistrationsStarted(0);
  });

  it('the key is kept sealed, with an expiry bucket 24 hours on', async () => {
    const id = idempotencyRecordId(keys, { kind: 'ANONYMOUS' }, 'POST /registrations', 'register-so-1');
    const record = await IdempotencyKeyModel.findById(id).lean();
    expect(record).toMatchObject({ state: 'done', answer: { status: 202, location: `/registrations/${so.id}` } });
    expect(record!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + IDEMPOTENCY_KEY_LIFETIME_MS);
    expect(record!.expiresAt.getTime() - record!.createdAt.getTime()).toBe(IDEMPOTENCY_KEY_LIFETIME_MS);
    const bucket = await mongoose.connection
      .db!.collection<{ _id: string; ids: string[] }>('expiry_buckets')
      .findOne({ _id: String(Math.floor(record!.expiresAt.getTime() / 60_000)) });
    expect(bucket?.ids).toContain(`idempotencyKey|${id}`);
    const stored = JSON.stringify(record);
    for (const secret of [so.token, body.identity.ssn, body.identity.dateOfBirth]) expect(stored).not.toContain(secret);
  });

  it('two repeats at once start one registration: the other gets the same answer or 409 in progress', async () => {
    const same = registrationBody('END_USER', nextIdentity(), 'at-once@idempotent.example.test');
    const answers = await Promise.all([post('/registrations', 'at-once', same), post('/registrations', 'at-once', same)]);
    const started = answers.filter((a) => a.status === 202);
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(new Set(started.map((a) => a.body.id)).size).toBe(1);
    for (const other of answers.filter((a) => a.status !== 202)) namesTheHeader(other, 409);
    await expectRegistrationsStarted(1);
  });

  it('a key pending since an API stopped is 409 for 60 s, then taken over by the next repeat', async () => {
    const stale = registrationBody('END_USER', nextIdentity(), 'taken-over@idempotent.example.test');
    const leftPending = async (key: string, ageMs: number) => {
      const createdAt = new Date(Date.now() - ageMs);
      await IdempotencyKeyModel.create({
        _id: idempotencyRecordId(keys, { kind: 'ANONYMOUS' }, 'POST /registrations', key),
        state: 'pending',
        bodyHash: idempotencyBodyHash(keys, stale),
        attempt: 'an-api-that-crashed',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + IDEMPOTENCY_KEY_LIFETIME_MS),
      });
    };
    await leftPending('still-running', 30_000);
    namesTheHeader(await post('/registrations', 'still-running', stale), 409);
    await leftPending('crashed', 61_000);
    const taken = await post('/registrations', 'crashed', stale);
    expect(taken.status, JSON.stringify(taken.body)).toBe(202);
    await expectReplay(taken, () => post('/registrations', 'crashed', stale));
    await expectRegistrationsStarted(1);
  });
});

describe('POST /registrations/:id/decision', () => {
  it('a repeated approval gets the first 200 (not 409); a denial with the same key is 422', async () => {
    await journey.verifyEmail(so);
    await journey.submitWith(so, { organization: { name: 'Idempotent Clinic', country: 'US', state: 'MD', providerType: 'HOSPITAL' } });
    const decide = (body: unknown) => post(`/registrations/${so.id}/decision`, 'decide-so', body, helpDesk);
    const first = await decide({ decision: 'APPROVE' });
    expect(first.status).toBe(200);
    await expectReplay(first, () => decide({ decision: 'APPROVE' }));
    namesTheHeader(await decide({ decision: 'DENY', reason: 'changed my mind' }), 422);
    // Without the key the same approval runs again, and the workflow refuses it.
    expect((await post(`/registrations/${so.id}/decision`, undefined, { decision: 'APPROVE' }, helpDesk)).status).toBe(409);
    await journey.waitForStatus(so, 'PROVISIONED');
    const { userId, password } = await journey.credentials(so.email);
    soToken = await journey.completeFirstLogin(userId, password, 'Idempotent-Official-Passw0rd');
  });
});

describe('POST /me/role-requests', () => {
  it("a repeat gets the same registration and token; the same key is another caller's own", async () => {
    const body = { community: 'PROVIDER_SUPPLIER', role: 'USER_GROUP_ADMINISTRATOR', acceptedTerms: { role: true } };
    const first = await post('/me/role-requests', 'add-a-role', body, soToken);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toMatchObject({ id: expect.any(String), applicantToken: expect.any(String), status: 'AWAITING_DETAILS' });
    await expectReplay(first, () => post('/me/role-requests', 'add-a-role', body, soToken));
    const otherCaller = await post('/me/role-requests', 'add-a-role', body, helpDesk);
    expect(otherCaller.status).toBe(202);
    expect(otherCaller.body.id).not.toBe(first.body.id);
    expect(replayed(otherCaller)).toBeNull();
    namesTheHeader(await post('/me/role-requests', 'add-a-role', { ...body, role: 'END_USER' }, soToken), 422);
    await expectRegistrationsStarted(2);
  });
});

describe('application roles', () => {
  let uga: { token: string; groupId: string };
  let requestId: string;

  beforeAll(async () => {
    const [organization] = (await api.call<{ id: string }[]>('GET', '/organizations?name=Idempotent Clinic&country=US&state=MD')).body;
    const registration = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga@idempotent.example.test');
    await journey.verifyEmail(registration);
    await journey.submitWith(registration, {
      organizationId: organization!.id,
      userGroup: { name: 'Idempotent Billing', kind: 'PROVIDER' },
    });
    const { token } = await journey.approveAndLogIn(registration, soToken, 'Idempotent-Group-Admin-Passw0rd');
    registrationsStarted += 1;
    const [found] = (
      await api.call<{ userGroups: { id: string; name: string }[] }[]>('GET', '/organizations?name=Idempotent Clinic&country=US&state=MD')
    ).body;
    uga = { token, groupId: found!.userGroups.find((g) => g.name === 'Idempotent Billing')!.id };
  });

  it('POST /me/application-roles: a repeat gets the same request and starts no second workflow', async () => {
    const before = await workflowsOf(APPLICATION_ROLE_WORKFLOW);
    const body = { applicationId: 'PS&R', role: 'APPLICATION_APPROVER', userGroupId: uga.groupId };
    const first = await post('/me/application-roles', 'ask-ps&r', body, uga.token);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    await expectReplay(first, () => post('/me/application-roles', 'ask-ps&r', body, uga.token));
    namesTheHeader(await post('/me/application-roles', 'ask-ps&r', { ...body, applicationId: 'HETS' }, uga.token), 422);
    // A new key is a new request, which the one already open refuses.
    expect((await post('/me/application-roles', 'ask-ps&r-again', body, uga.token)).status).toBe(409);
    expect(await workflowCount(APPLICATION_ROLE_WORKFLOW, before + 1)).toBe(before + 1);
    requestId = first.body.id!;
  });

  it('POST /application-role-requests/:id/decision: a repeated approval gets the first 200', async () => {
    const deadline = Date.now() + 20_000;
    while ((await api.call('GET', `/application-role-requests/${requestId}`, { token: uga.token })).body.trackingNumber === undefined) {
      if (Date.now() > deadline) throw new Error(`application-role request ${requestId} was never routed`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const decide = (body: unknown) => post(`/application-role-requests/${requestId}/decision`, 'decide-ps&r', body, soToken);
    const first = await decide({ decision: 'APPROVE' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await expectReplay(first, () => decide({ decision: 'APPROVE' }));
    namesTheHeader(await decide({ decision: 'DENY', reason: 'on second thoughts' }), 422);
  });

  it('after everything, the registration workflows are exactly those the tests started', async () => {
    await expectRegistrationsStarted(0);
  });
});
