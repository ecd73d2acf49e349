/**
 * After a full happy path, no secret the applicants typed or received is found in clear in
 * any Temporal history, any MongoDB collection (the answers kept for Idempotency-Key among
 * them), or any log line the service wrote.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { ApiClient, Journey, nextIdentity } from '../support/api-client';
import { waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';

const captured: string[] = [];
const originalWrites = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
let stack: LocalStack;

beforeAll(async () => {
  // Every log line the service can write is read below: the most verbose level.
  process.env.LOG_LEVEL = 'debug';
  process.env.TEMPORAL_LOG_LEVEL = 'DEBUG';
  // Every line the in-process worker, API and SDK write goes through these two streams.
  for (const stream of ['stdout', 'stderr'] as const) {
    process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (originalWrites[stream] as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }
  stack = await startTestStack({ LOG_LEVEL: 'debug', TEMPORAL_LOG_LEVEL: 'DEBUG' });
});
afterAll(async () => {
  await stack?.stop();
  process.stdout.write = originalWrites.stdout as typeof process.stdout.write;
  process.stderr.write = originalWrites.stderr as typeof process.stderr.write;
});

it('the SSN, date of birth, codes, passwords and answers appear nowhere in clear', async () => {
  const api = new ApiClient(stack.apiUrl);
  const journey = new Journey(api, stack.mailCatcherUrl!);
  const secrets: string[] = [];

  const identity = nextIdentity();
  secrets.push(identity.ssn, identity.ssn.replace(/-/g, ''), identity.dateOfBirth);
  // With an Idempotency-Key: its stored answer holds the applicant token, which must be sealed.
  const so = await journey.register('SECURITY_OFFICIAL', 'secret-so@example.test', identity, { 'idempotency-key': 'secret-so-1' });
  // A wrong code first, then the right one: both are secrets.
  await journey.waitForStatus(so, 'AWAITING_EMAIL_VERIFICATION');
  const code = await journey.emailedCode(so);
  const wrong = code === '999999' ? '888888' : '999999';
  expect((await api.call('POST', `/registrations/${so.id}/email-verification`, { token: so.token, body: { code: wrong } })).status).toBe(
    422,
  );
  expect((await api.call('POST', `/registrations/${so.id}/email-verification`, { token: so.token, body: { code } })).status).toBe(200);
  secrets.push(code, wrong);
  await journey.submitWith(so, { organization: { name: 'Secretive Clinic', country: 'US', state: 'MD', providerType: 'HOSPITAL' } });
  const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
  expect((await journey.decide(so.id, helpDesk.body.token, 'APPROVE')).status).toBe(200);
  await journey.waitForStatus(so, 'PROVISIONED');

  const { userId, password: temporaryPassword } = await journey.credentials(so.email);
  const chosenPassword = 'Quiet-Lantern-Meadow-73';
  const first = await journey.login(userId, temporaryPassword);
  expect(
    (
      await api.call('POST', '/auth/password', {
        token: first.body.token,
        body: { currentPassword: temporaryPassword, newPassword: chosenPassword },
      })
    ).status,
  ).toBe(204);
  const answers = ['Xylophone Harbor', 'Quokka Mandarin'];
  expect(
    (
      await api.call('PUT', '/me/authentication-questions', {
        token: first.body.token,
        body: {
          answers: [
            { questionId: 'Q3', answer: answers[0] },
            { questionId: 'Q7', answer: answers[1] },
          ],
        },
      })
    ).status,
  ).toBe(204);
  secrets.push(
    temporaryPassword,
    chosenPassword,
    ...answers,
    ...answers.map((a) => a.toLowerCase()),
    so.token,
    first.body.token,
    stack.config.helpDesk.password,
  );
  await waitForMessage(stack.mailCatcherUrl!, { to: so.email, subject: /Password Enclosed/ });

  // 1. Temporal: the raw history of every workflow, as the server stores it (no codec here).
  const temporal = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }) });
  const histories: string[] = [];
  for await (const execution of temporal.workflow.list()) {
    const history = await temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    histories.push(
      JSON.stringify(history, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value)),
    );
  }
  await temporal.connection.close();
  expect(histories.length).toBeGreaterThanOrEqual(1);

  // 2. MongoDB: every document of every collection.
  const db = mongoose.connection.db!;
  const dumps: string[] = [];
  for (const { name } of await db.listCollections().toArray())
    dumps.push(`${name}: ${JSON.stringify(await db.collection(name).find().toArray())}`);
  expect(dumps.some((d) => d.startsWith('registrations:') && d.includes(so.id))).toBe(true);
  expect(dumps.some((d) => d.startsWith('idempotency_keys:') && d.includes('"state":"done"'))).toBe(true);

  // 3. Logs: what the process wrote, and the embedded servers' log files.
  const serverLogs = readdirSync(stack.logDir).map((file) => readFileSync(join(stack.logDir, file), 'utf8'));
  const logs = [...captured, ...serverLogs].join('');
  expect(logs).toContain('registration status');

  for (const secret of secrets) {
    for (const [where, text] of [
      ['Temporal histories', histories.join('\n')],
      ['MongoDB', dumps.join('\n')],
      ['logs', logs],
    ] as const) {
      expect(text.includes(secret), `${where} contain a secret (${secret.length} characters)`).toBe(false);
    }
  }
}, 180_000);
