/**
 * The real 30-minute email-code window (DEFAULT_POLICY), on Temporal's time-skipping test
 * server: the registration workflow with its real activities (FerretDB, SMTP catcher, SSA
 * simulator), where half an hour passes in a moment.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from '../../activities/mailer';
import { createRegistrationActivities } from '../../activities/registration-activities';
import { createSsaClient } from '../../activities/ssa-client';
import { loadConfig } from '../../config';
import type { RegistrationStatus } from '../../domain/status';
import { assertBinaries, temporalTestServerPath } from '../../infra/binaries';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { dataConverterFor } from '../../infra/temporal-connection';
import { DEFAULT_POLICY, EMAIL_CODE_TTL_MS } from '../../machines/registration';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { EmailCodeModel, RegistrationModel } from '../../models/registration';
import { keysFromBase64, randomToken, tokenHash } from '../../security/secrets';
import { startMailCatcher, type RunningMailCatcher } from '../../services/mail-catcher';
import { SSA_FIXTURES } from '../../services/ssa-fixtures';
import { startSsaSimulator, type RunningSsaSimulator } from '../../services/ssa-simulator';
import type { registrationWorkflow } from '../../workflows/registration';
import {
  cancelUpdate,
  REGISTRATION_WORKFLOW,
  registrationViewQuery,
  verifyEmailCodeUpdate,
  workflowIdFor,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from '../../workflows/messages';
import { listMessages } from '../support/mailbox';

const MINUTE = 60_000;

/** The test server must start within the SDK's 5 s limit; a loaded machine can miss it, so try up to 3 times. */
async function createTimeSkipping(dataConverter: ReturnType<typeof dataConverterFor>, attempts = 3): Promise<TestWorkflowEnvironment> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTestServerPath } },
        client: { dataConverter },
      });
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

let env: TestWorkflowEnvironment;
let ferret: RunningFerretDb;
let mail: RunningMailCatcher;
let ssa: RunningSsaSimulator;
let mailer: Mailer;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `email-code-timeout-${randomUUID()}`;

beforeAll(async () => {
  assertBinaries('temporalTestServer', 'ferretDb');
  const config = loadConfig({});
  const dataConverter = dataConverterFor(config.payloadKeys);
  const root = mkdtempSync(join(tmpdir(), 'iacs-wf-timeout-'));
  ferret = await startFerretDb({ dataDir: join(root, 'ferretdb'), logDir: root });
  await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
  mail = await startMailCatcher();
  ssa = await startSsaSimulator();
  env = await createTimeSkipping(dataConverter);
  mailer = createMailer({ host: '127.0.0.1', port: mail.smtpPort, from: config.smtp.from });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: join(__dirname, '../../workflows/index.ts'),
    activities: createRegistrationActivities({
      keys: keysFromBase64(config.hashKey, config.fieldKey),
      mailer,
      ssa: createSsaClient(`${ssa.url}/v1/identity-validations`),
    }),
    dataConverter,
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await running;
  }
  mailer?.close();
  await env?.teardown();
  await disconnectDatabase();
  await ssa?.stop();
  await mail?.stop();
  await ferret?.stop();
});

let fixture = 0;
async function startRegistration(
  email: string,
): Promise<{ handle: WorkflowHandle<typeof registrationWorkflow>; input: RegistrationWorkflowInput }> {
  const input: RegistrationWorkflowInput = {
    registrationId: randomUUID(),
    community: 'PROVIDER_SUPPLIER',
    role: 'END_USER',
    identity: { ...SSA_FIXTURES[fixture++ % SSA_FIXTURES.length]! },
    email,
    applicantTokenHash: tokenHash(keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey), randomToken()),
    policy: DEFAULT_POLICY,
  };
  const handle = await env.client.workflow.start<typeof registrationWorkflow>(REGISTRATION_WORKFLOW, {
    taskQueue,
    workflowId: workflowIdFor(input.registrationId),
    args: [input],
  });
  return { handle, input };
}

/** The code's deadline is set once its email has gone out, a moment after the status changes. */
const codeSent = (view: RegistrationView) => view.emailCodeExpiresAt !== undefined;

/** Polls the view query in real time (time skips only while a result is awaited or on env.sleep). */
async function waitForStatus(
  handle: WorkflowHandle,
  status: RegistrationStatus,
  ready: (view: RegistrationView) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<RegistrationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await handle.query(registrationViewQuery);
    if (view.status === status && ready(view)) return view;
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} is ${view.status}, not ${status}`);
    await sleep(100);
  }
}

async function emailedCode(email: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const codes = (await listMessages(mail.httpUrl, email))
      .filter((m) => m.subject === 'Email Address Verification')
      .map((m) => /code is (\d{6})/.exec(m.text)?.[1]);
    if (codes[0]) return codes[0];
    if (Date.now() > deadline) throw new Error(`no verification code for ${email}`);
    await sleep(100);
  }
}

const atOf = (view: RegistrationView, status: RegistrationStatus) => Date.parse(view.history.find((h) => h.status === status)!.at);

describe('the 30-minute email code window (DEFAULT_POLICY, time-skipping)', () => {
  it('a code never entered expires after 30 minutes of workflow time', async () => {
    expect(DEFAULT_POLICY.emailCodeTtlMs).toBe(30 * MINUTE);
    expect(EMAIL_CODE_TTL_MS).toBe(30 * MINUTE);
    const email = 'never-entered@timeout.example.test';
    const { handle, input } = await startRegistration(email);

    const waiting = await waitForStatus(handle, 'AWAITING_EMAIL_VERIFICATION', codeSent);
    expect(waiting.emailCodeExpiresAt).toEqual(expect.any(String));
    const shownWindow = Date.parse(waiting.emailCodeExpiresAt!) - atOf(waiting, 'AWAITING_EMAIL_VERIFICATION');
    expect(shownWindow).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(shownWindow).toBeLessThan(31 * MINUTE);
    const code = await emailedCode(email);
    expect(code).toMatch(/^\d{6}$/);
    // The email tells the applicant the real window.
    expect((await listMessages(mail.httpUrl, email))[0]!.text).toContain('within 30 minutes');

    const startedAt = Date.now();
    const result = await handle.result();
    // Half an hour of workflow time passed in (much) less than a minute of ours.
    expect(Date.now() - startedAt).toBeLessThan(MINUTE);

    expect(result.status).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(result.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'EMAIL_VERIFICATION_EXPIRED',
    ]);
    const window = atOf(result, 'EMAIL_VERIFICATION_EXPIRED') - atOf(result, 'AWAITING_EMAIL_VERIFICATION');
    expect(window).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(window).toBeLessThan(31 * MINUTE);

    // The activities really ran: the record shows the final status and the notice went out.
    const record = await RegistrationModel.findById(input.registrationId).lean();
    expect(record?.status).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(record?.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'EMAIL_VERIFICATION_EXPIRED',
    ]);
    expect(await EmailCodeModel.countDocuments({ registrationId: input.registrationId })).toBe(1);
    const subjects = (await listMessages(mail.httpUrl, email)).map((m) => m.subject);
    expect(subjects).toEqual(['Email Address Verification', 'IACS Registration – Email Verification Expired']);
  }, 120_000);

  it('after 29 minutes the code is still accepted, and the expiry timer no longer applies', async () => {
    const email = 'entered-late@timeout.example.test';
    const { handle } = await startRegistration(email);
    const waiting = await waitForStatus(handle, 'AWAITING_EMAIL_VERIFICATION', codeSent);
    const code = await emailedCode(email);

    const before = await env.currentTimeMs();
    await env.sleep('29 minutes');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(29 * MINUTE);

    const late = await handle.query(registrationViewQuery);
    expect(late.status).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(late.emailCodeExpiresAt).toBe(waiting.emailCodeExpiresAt);

    const verified = await handle.executeUpdate(verifyEmailCodeUpdate, { args: [code] });
    expect(verified).toMatchObject({ status: 'AWAITING_DETAILS', accepted: true });
    const view = await handle.query(registrationViewQuery);
    expect(view.status).toBe('AWAITING_DETAILS');
    const enteredAfter = atOf(view, 'AWAITING_DETAILS') - atOf(view, 'AWAITING_EMAIL_VERIFICATION');
    expect(enteredAfter).toBeGreaterThanOrEqual(29 * MINUTE);
    expect(enteredAfter).toBeLessThan(30 * MINUTE);

    // Past the original 30 minutes: the cancelled timer does not expire the registration.
    await env.sleep('5 minutes');
    expect((await handle.query(registrationViewQuery)).status).toBe('AWAITING_DETAILS');

    // End it cleanly, so the environment is idle for teardown.
    expect(await handle.executeUpdate(cancelUpdate)).toEqual({ status: 'CANCELLED' });
    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'CANCELLED',
    ]);
  }, 120_000);
});
