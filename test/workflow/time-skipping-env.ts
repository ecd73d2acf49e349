/**
 * Shared set-up for workflow tests on Temporal's time-skipping test server: the registration and
 * application-role workflows with their real activities against a real FerretDB, SMTP mail
 * catcher and SSA simulator, run by a real worker with the production data converter. Time
 * passes only while a test awaits a result or calls `env.sleep`; otherwise the server's clock
 * runs in real time.
 *
 * The server's clock starts at real "now", and awaiting `handle.result()` may also jump it far
 * ahead (observed: about ten years, once the workflow has closed, the test server skips to some
 * distant timer of its own). So tests must derive every instant from the workflow's own history
 * or from `env.currentTimeMs()`, never from absolute dates or the wall clock.
 */
import { sealIdentity } from '../../security/sealed-identity';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal as proto } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createMailer, type Mailer } from '../../activities/mailer';
import { createSsaClient } from '../../activities/ssa-client';
import { loadConfig } from '../../config';
import type { RegistrationStatus } from '../../domain/status';
import { assertBinaries, temporalTestServerPath } from '../../infra/binaries';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { dataConverterFor } from '../../infra/temporal-connection';
import { DEFAULT_POLICY } from '../../domain/registration-policy';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { keysFromBase64, randomToken, tokenHash, type SecretKeys } from '../../security/secrets';
import { startMailCatcher, type RunningMailCatcher } from '../../simulators/mail-catcher';
import type { SsaIdentity } from '../../simulators/ssa-fixtures';
import { startSsaSimulator, type RunningSsaSimulator } from '../../simulators/ssa-simulator';
import type { registrationWorkflow } from '../../workflows/registration';
import {
  REGISTRATION_WORKFLOW,
  registrationViewQuery,
  workflowIdFor,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from '../../workflows/messages';
import { listMessages } from '../support/mailbox';
import { testWorkflowBundle } from '../support/workflow-bundle';

export type RegistrationHandle = WorkflowHandle<typeof registrationWorkflow>;

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  mail: RunningMailCatcher;
  taskQueue: string;
  keys: SecretKeys;
  /** Stops everything that started, in reverse order; safe after a partial start. */
  stop(): Promise<void>;
}

const INDEXED_VALUE_TYPE = {
  TEXT: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

/** The test server must start within the SDK's 5 s limit; a loaded machine can miss it, so try up to 3 times. */
async function createTimeSkipping(dataConverter: ReturnType<typeof dataConverterFor>, attempts = 3): Promise<TestWorkflowEnvironment> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTestServerPath } },
        client: { dataConverter },
      });
      // The workflows keep our custom search attributes up to date: the test server must know them.
      await env.connection.operatorService.addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
      });
      return env;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** FerretDB, mail catcher, SSA simulator, time-skipping test server and a worker with the real activities of both workflows. */
export async function startTimeSkippingStack(name: string): Promise<TimeSkippingStack> {
  assertBinaries('temporalTestServer', 'ferretDb');
  const config = loadConfig({});
  const keys = keysFromBase64(config.hashKey, config.fieldKey);
  const dataConverter = dataConverterFor(config.payloadKeys);
  const taskQueue = `${name}-${randomUUID()}`;
  let ferret: RunningFerretDb | undefined;
  let connected = false;
  let mail: RunningMailCatcher | undefined;
  let ssa: RunningSsaSimulator | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let mailer: Mailer | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const stop = async () => {
    if (worker && running) {
      worker.shutdown();
      await running;
    }
    mailer?.close();
    await env?.teardown();
    if (connected) await disconnectDatabase();
    await ssa?.stop();
    await mail?.stop();
    await ferret?.stop();
  };

  try {
    const root = mkdtempSync(join(tmpdir(), `iacs-wf-${name}-`));
    ferret = await startFerretDb({ dataDir: join(root, 'ferretdb'), logDir: root });
    await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
    connected = true;
    mail = await startMailCatcher();
    ssa = await startSsaSimulator();
    env = await createTimeSkipping(dataConverter);
    mailer = createMailer({ host: '127.0.0.1', port: mail.smtpPort, from: config.smtp.from });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: testWorkflowBundle(),
      // Both workflows' activities, as worker.ts registers them on its one task queue.
      activities: createActivities({ keys, mailer, ssa: createSsaClient(`${ssa.url}/v1/identity-validations`) }),
      dataConverter,
    });
    running = worker.run();
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, mail, taskQueue, keys, stop };
}

/** Starts a new person's END_USER registration (PROVIDER_SUPPLIER, DEFAULT_POLICY unless overridden). */
const started: string[] = [];

/** Notes a workflow a test started, for recordHistoriesIfAsked. */
export function noteStarted(workflowId: string): void {
  started.push(workflowId);
}

/**
 * With RECORD_HISTORIES=<label> (e.g. `registration-v3`), saves the history of every workflow the
 * test started as a replay fixture, `test/fixtures/histories/<label>-<test>-<n>.binpb`: the
 * deadline paths (reminder, escalation, expiry, policy change, re-route) that only the
 * time-skipping server reaches in moments. Call it from `afterEach`; without the variable it
 * does nothing. test/workflow/replay-fixtures.test.ts then replays them against later code.
 */
export async function recordHistoriesIfAsked(stack: TimeSkippingStack, testName: string | undefined): Promise<void> {
  const ids = started.splice(0);
  const label = process.env.RECORD_HISTORIES;
  if (!label) return;
  const out = join(__dirname, '../fixtures/histories');
  mkdirSync(out, { recursive: true });
  const slug = (testName ?? 'test')
    .split(' > ')
    .at(-1)!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  for (const [i, workflowId] of ids.entries()) {
    const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(join(out, `${label}-${slug}-${i + 1}.binpb`), proto.api.history.v1.History.encode(history).finish());
  }
}

export async function startRegistration(
  stack: TimeSkippingStack,
  opts: { email: string; identity: SsaIdentity } & Partial<Omit<RegistrationWorkflowInput, 'email' | 'identity'>>,
): Promise<{ handle: RegistrationHandle; input: RegistrationWorkflowInput }> {
  const { email, identity, ...rest } = opts;
  const input: RegistrationWorkflowInput = {
    registrationId: randomUUID(),
    community: 'PROVIDER_SUPPLIER',
    role: 'END_USER',
    sealedIdentity: sealIdentity(stack.keys, identity),
    email,
    applicantTokenHash: tokenHash(stack.keys, randomToken()),
    policy: DEFAULT_POLICY,
    ...rest,
  };
  const handle = await stack.env.client.workflow.start<typeof registrationWorkflow>(REGISTRATION_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: workflowIdFor(input.registrationId),
    args: [input],
  });
  noteStarted(handle.workflowId);
  return { handle, input };
}

/** The code's deadline is set once its email has gone out, a moment after the status changes. */
export const codeSent = (view: RegistrationView) => view.emailCodeExpiresAt !== undefined;

/** Polls the view query in real time (time skips only while a result is awaited or on env.sleep). */
export async function waitForStatus(
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

/** The newest verification code emailed to `email`. */
export async function emailedCode(mailUrl: string, email: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const codes = (await listMessages(mailUrl, email))
      .filter((m) => m.subject === 'Email Address Verification')
      .map((m) => /code is (\d{6})/.exec(m.text)?.[1]);
    const code = codes.at(-1);
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no verification code for ${email}`);
    await sleep(100);
  }
}

/** When the view's history first shows `status` (workflow time, ms). */
export const atOf = (view: RegistrationView, status: RegistrationStatus) => Date.parse(view.history.find((h) => h.status === status)!.at);

/** Skips the test server's clock forward to `instantMs` (no-op if it is already there). */
export async function sleepUntil(env: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs > now) await env.sleep(instantMs - now);
}

/**
 * Waits (real time) until the workflow has nothing in flight and is parked on a timer: no
 * workflow task or activity outstanding, at least one timer started and not yet fired or
 * cancelled. Returns how many timers have fired so far, so a test can show that skipping time
 * fired none.
 */
export async function idleOnTimer(handle: WorkflowHandle, timeoutMs = 20_000): Promise<{ timersFired: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const count = (has: (e: (typeof events)[number]) => unknown) => events.filter((e) => has(e)).length;
    const timersFired = count((e) => e.timerFiredEventAttributes);
    const pendingTimers = count((e) => e.timerStartedEventAttributes) - timersFired - count((e) => e.timerCanceledEventAttributes);
    const pendingActivities =
      count((e) => e.activityTaskScheduledEventAttributes) -
      count(
        (e) =>
          e.activityTaskCompletedEventAttributes ??
          e.activityTaskFailedEventAttributes ??
          e.activityTaskTimedOutEventAttributes ??
          e.activityTaskCanceledEventAttributes,
      );
    const pendingWorkflowTasks =
      count((e) => e.workflowTaskScheduledEventAttributes) -
      count((e) => e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes);
    if (pendingTimers > 0 && pendingActivities === 0 && pendingWorkflowTasks === 0) return { timersFired };
    if (Date.now() > deadline)
      throw new Error(
        `workflow ${handle.workflowId} is not parked on a timer (timers ${pendingTimers}, activities ${pendingActivities}, tasks ${pendingWorkflowTasks})`,
      );
    await sleep(100);
  }
}
