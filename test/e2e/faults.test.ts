/**
 * Faults on real servers, each ending with every registration finished, exactly one account per
 * person and exactly one of each email: the worker process killed with SIGKILL in the middle of
 * provisioning and started again; the database stopped for 30 seconds while requests are in
 * flight (the API answers 503 problem+json meanwhile, never 500, and loses nothing it accepted);
 * the Temporal dev server stopped and started again on its database file while registrations
 * wait for codes, details and decisions. Each test prints what it killed and when.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBJECTS } from '../../activities/emails';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { startTemporalDevServer, type RunningTemporalDevServer } from '../../infra/temporal';
import { searchAttributeSpecs } from '../../domain/search-attributes';
import type { LocalStack } from '../../local-stack';
import { freePort } from '../../infra/ports';
import { AccountModel } from '../../models/account';
import { ApiClient, Journey, nextIdentity, rawRequest, registrationBody, type Started } from '../support/api-client';
import { listMessages } from '../support/mailbox';
import { startTestStack } from '../support/stack';

const stacks: LocalStack[] = [];
const databases: RunningFerretDb[] = [];
const temporals: RunningTemporalDevServer[] = [];
// Each test has a stack of its own (one mongoose connection per process): stopped after it.
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.stop();
  for (const database of databases.splice(0)) await database.stop();
  for (const temporal of temporals.splice(0)) await temporal.stop();
});

const say = (what: string) => console.warn(`[fault ${new Date().toISOString()}] ${what}`);

/** Exactly one account for the registration's person, and each credential email exactly once. */
async function expectOneAccountAndOneOfEachEmail(stack: LocalStack, request: Started): Promise<void> {
  const accounts = await AccountModel.find({ email: request.email }).lean();
  expect(accounts).toHaveLength(1);
  const mail = await listMessages(stack.mailCatcherUrl!, request.email);
  const count = (subject: string) => mail.filter((m) => m.subject === subject).length;
  expect(count(SUBJECTS.emailVerification)).toBe(1);
  expect(count(SUBJECTS.submitted)).toBe(1);
  expect(count(SUBJECTS.userId)).toBe(1);
  expect(count(SUBJECTS.password)).toBe(1);
}

/** Takes requests waiting for a code, for details and for a decision to the end (the Help Desk approves), then checks each and those already approved. */
async function finishWaiting(
  stack: LocalStack,
  journey: Journey,
  waiting: { awaitingCode: Started; awaitingDetails: Started; awaitingDecision: Started },
  alreadyApproved: Started[] = [],
): Promise<void> {
  await journey.verifyEmail(waiting.awaitingCode);
  await journey.submitWith(waiting.awaitingCode, {});
  await journey.submitWith(waiting.awaitingDetails, {});
  const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
  const toApprove = [waiting.awaitingCode, waiting.awaitingDetails, waiting.awaitingDecision];
  for (const request of toApprove) expect((await journey.decide(request.id, helpDesk.body.token, 'APPROVE')).status).toBe(200);
  for (const request of [...toApprove, ...alreadyApproved]) {
    await journey.waitForStatus(request, 'PROVISIONED', 90_000);
    await expectOneAccountAndOneOfEachEmail(stack, request);
  }
}

describe('the worker killed in the middle of provisioning', () => {
  it('SIGKILL after the account exists and before the password email: started again, one account, one of each email, and the emailed password works', async () => {
    const stack = await startTestStack({}, { workerProcess: true });
    stacks.push(stack);
    const journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
    const request = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'killed.worker@example.test', {});

    // The relay holds the password email: the worker is inside provisionAccount, the account made.
    const hold = stack.mailCatcher!.hold(SUBJECTS.password);
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    expect((await journey.decide(request.id, helpDesk.body.token, 'APPROVE')).status).toBe(200);
    await hold.arrived;
    const account = await AccountModel.findOne({ createdByRegistrationId: request.id }).lean();
    expect(account?.userId).toEqual(expect.any(String));
    expect(account?.passwordEmailSentAt ?? undefined).toBeUndefined();

    const pid = stack.worker!.pid;
    say(`killing the worker (pid ${pid}) with SIGKILL: account ${account!.userId} exists, its password email is being sent`);
    await stack.worker!.kill('SIGKILL');
    // Its sender is gone: the relay never acknowledged the held password email, and drops it.
    say('starting the worker again');
    await stack.worker!.start();
    expect(stack.worker!.pid).not.toBe(pid);

    // Temporal gives the activity to the new worker once the dead one's attempt times out (30 s).
    await journey.waitForStatus(request, 'PROVISIONED', 90_000);
    say('the registration is PROVISIONED');
    await expectOneAccountAndOneOfEachEmail(stack, request);
    const { userId, password } = await journey.credentials(request.email);
    expect(userId).toBe(account!.userId);
    expect((await journey.login(userId, password)).status).toBe(200);
  }, 180_000);
});

describe('the database stopped for 30 seconds mid-flight', () => {
  it('requests meanwhile get 503 problem+json, never 500; afterwards every accepted request finishes, one account and one of each email each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iacs-fault-db-'));
    const port = await freePort();
    const startDatabase = () => startFerretDb({ port, dataDir: join(dir, 'db'), logDir: dir });
    let database = await startDatabase();
    databases.push(database);
    const stack = await startTestStack({ MONGODB_URI: `${database.uri.replace(/\/$/, '')}/iacs` });
    stacks.push(stack);
    const journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);

    // Requests at every step: waiting for the code, for details, for a decision, and one approved just now.
    const awaitingCode = await journey.register('INDIVIDUAL_PRACTITIONER', 'db.down.code@example.test');
    await journey.waitForStatus(awaitingCode, 'AWAITING_EMAIL_VERIFICATION');
    const awaitingDetails = await journey.register('INDIVIDUAL_PRACTITIONER', 'db.down.details@example.test');
    await journey.verifyEmail(awaitingDetails);
    const awaitingDecision = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'db.down.decision@example.test', {});
    const approved = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'db.down.approved@example.test', {});
    expect((await journey.decide(approved.id, helpDesk.body.token, 'APPROVE')).status).toBe(200);

    say(`stopping the database (FerretDB on port ${port}) for 30 s`);
    const stoppedAt = Date.now();
    await database.stop();
    const answers: { what: string; status: number; type: string | null }[] = [];
    const attempt = async (what: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
      const answer = await rawRequest(stack.apiUrl, method, path, init);
      answers.push({ what, status: answer.status, type: answer.headers.get('content-type') });
    };
    while (Date.now() - stoppedAt < 30_000) {
      await Promise.all([
        attempt('status read', 'GET', `/registrations/${awaitingCode.id}`, { headers: { authorization: `Bearer ${awaitingCode.token}` } }),
        attempt('new registration', 'POST', '/registrations', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(registrationBody('INDIVIDUAL_PRACTITIONER', nextIdentity(), 'db.down.new@example.test')),
        }),
        attempt('login', 'POST', '/auth/login', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: stack.config.helpDesk.userId, password: stack.config.helpDesk.password }),
        }),
        attempt('readiness', 'GET', '/readyz'),
      ]);
    }
    database = await startDatabase();
    databases.push(database);
    say(`the database is back after ${Math.round((Date.now() - stoppedAt) / 1000)} s; ${answers.length} requests were answered meanwhile`);
    expect(answers.length).toBeGreaterThanOrEqual(8);
    for (const answer of answers) {
      expect(answer, answer.what).toMatchObject({ status: 503 });
      expect(answer.type, answer.what).toContain('application/problem+json');
    }

    // Nothing accepted before the outage is lost: every request goes on to the end.
    await finishWaiting(stack, journey, { awaitingCode, awaitingDetails, awaitingDecision }, [approved]);
    // The registration refused with 503 was not started: no code was ever sent for it.
    expect(await listMessages(stack.mailCatcherUrl!, 'db.down.new@example.test')).toEqual([]);
    say('all four registrations are PROVISIONED');
  }, 240_000);
});

describe('the Temporal dev server stopped and started again on its database file', () => {
  it('registrations waiting for codes, details and decisions all go on to the end, one account and one of each email each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iacs-fault-temporal-'));
    const port = await freePort();
    const startTemporal = () =>
      startTemporalDevServer({
        port,
        headless: true,
        dbFile: join(dir, 'temporal.sqlite'),
        logDir: dir,
        searchAttributes: searchAttributeSpecs(),
      });
    let temporal = await startTemporal();
    temporals.push(temporal);
    const stack = await startTestStack({ TEMPORAL_ADDRESS: temporal.address });
    stacks.push(stack);
    const journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);

    const awaitingCode = await journey.register('INDIVIDUAL_PRACTITIONER', 'temporal.down.code@example.test');
    await journey.waitForStatus(awaitingCode, 'AWAITING_EMAIL_VERIFICATION');
    const awaitingDetails = await journey.register('INDIVIDUAL_PRACTITIONER', 'temporal.down.details@example.test');
    await journey.verifyEmail(awaitingDetails);
    const awaitingDecision = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'temporal.down.decision@example.test', {});

    say(`stopping the Temporal dev server (port ${port}, file ${join(dir, 'temporal.sqlite')})`);
    await temporal.stop();
    temporal = await startTemporal();
    temporals.push(temporal);
    say('the Temporal dev server is back on the same file');

    await finishWaiting(stack, journey, { awaitingCode, awaitingDetails, awaitingDecision });
    say('all three registrations are PROVISIONED');
  }, 240_000);
});
