/**
 * `npm run bench`: the registration service's throughput and costs on the embedded stack,
 * against a bare-Temporal baseline of the same shape on the same server. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEFAULT_RATE_RULES } from '../domain/abuse-limits';
import { startFerretDb, type RunningFerretDb } from '../infra/ferretdb';
import { startLocalStack, type LocalStack } from '../local-stack';
import type { Role } from '../test/support/api-client';
import { ownServersEnv } from '../test/support/own-servers';
import { timeQueue } from './approval-queue';
import { runBaseline, type BaselineResult } from './baseline';
import { IdentityPool, out, POOL_SIZE, type BenchContext } from './context';
import { DbMonitor, dbPerUnit } from './db-monitor';
import { Http, Mailbox } from './http';
import { Applicant, Approver, FLOW_STEPS, NEW_PASSWORD, type Clients, type FlowStep } from './flow';
import { gitInfo, machineInfo, processesInfo, workerCache } from './machine';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { parkedMode } from './parked-mode';
import { cpuBetween, PeakMemory, perUnit, sampleCpu, sampleMemory } from './procs';
import { markdownSummary } from './report';
import { statusReadsPhase } from './status-reads';
import { countBy, mean, now, round, runPool, summarize, type Summary } from './stats';
import { createWaiting } from './waiting-requests';

const WORKFLOW_ID = (registrationId: string) => `registration-${registrationId}`;

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    out(USAGE);
    return 0;
  }
  const options: BenchOptions = parsed;
  // infra/logger.ts reads LOG_LEVEL from process.env at each line, not from the stack's env.
  process.env.LOG_LEVEL ??= 'warn';
  const needed = 2 + options.warmup + options.registrations + (options.queueWaiting || options.statusOpen);
  if (needed > POOL_SIZE)
    throw new Error(`setup + warm-up + registrations + waiting requests need ${needed} identities; the pool holds ${POOL_SIZE}`);

  const startedAt = new Date();
  const runId = `${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  const deadline = Date.now() + options.timeLimitSeconds * 1000;
  // However things go, the process ends: a last resort well after the time limit.
  setTimeout(
    () => {
      console.error('bench: hard time limit reached, exiting');
      process.exit(3);
    },
    (options.timeLimitSeconds + 600) * 1000,
  ).unref();

  const dataDir = mkdtempSync(join(tmpdir(), 'iacs-bench-'));
  let ferret: RunningFerretDb | undefined;
  let stack: LocalStack | undefined;
  let historyConnection: Connection | undefined;
  const peak = new PeakMemory();
  try {
    out(`bench ${runId}: starting the embedded stack in ${dataDir}`);
    // FerretDB is started here so that its connection string carries monitorCommands=true.
    ferret = await startFerretDb({ dataDir: join(dataDir, 'ferretdb'), logDir: join(dataDir, 'logs') });
    const rateLimits = Object.fromEntries(
      Object.keys(DEFAULT_RATE_RULES).map((name) => [name, { limit: 1_000_000_000, windowMs: 60_000 }]),
    );
    stack = await startLocalStack({
      dataDir,
      persistTemporal: true,
      env: ownServersEnv({
        LOG_LEVEL: 'warn',
        RATE_LIMITS: JSON.stringify(rateLimits),
        MONGODB_URI: `${ferret.uri.replace(/\/$/, '')}/iacs?monitorCommands=true`,
      }),
    });
    const { config } = stack;
    const db = new DbMonitor();
    db.attach();
    peak.start();
    historyConnection = await Connection.connect({ address: config.temporal.address });
    const temporalClient = new Client({ connection: historyConnection, namespace: config.temporal.namespace });
    const clients: Clients = {
      api: new Http(stack.apiUrl, options.requestTimeoutMs),
      mail: new Mailbox(new Http(stack.mailCatcherUrl!, options.requestTimeoutMs)),
      pollMs: options.pollMs,
      waitMs: options.waitMs,
    };
    const identities = new IdentityPool();
    const email = (label: string) => `bench-${runId}-${label}@bench.example.test`;
    const helpDesk = new Approver(clients, config.helpDesk.userId, config.helpDesk.password);
    await helpDesk.token();
    const ctx: BenchContext = { options, runId, clients, identities, email, deadline, db, helpDesk };

    // --- Setup: an organization (SO, approved by the Help Desk) and a user group (UGA, approved by the SO).
    out('setup: Security Official → organization, User Group Administrator → user group');
    const setupStart = now();
    const orgName = `Bench Clinic ${runId}`;
    const so = new Applicant(clients, 'SECURITY_OFFICIAL', identities.take().identity, email('so'));
    await so.park({ organization: { name: orgName, country: 'US', state: 'MD', providerType: 'PHYSICIAN_GROUP_PRACTICE' } });
    const soAccount = await so.approveAndLogIn(helpDesk);
    const soApprover = new Approver(clients, soAccount.userId, NEW_PASSWORD);
    const organizationId = (await findOrganization(clients, orgName)).id;
    const uga = new Applicant(clients, 'USER_GROUP_ADMINISTRATOR', identities.take().identity, email('uga'));
    await uga.park({ organizationId, userGroup: { name: 'Bench Billing Office', kind: 'PROVIDER' } });
    const ugaAccount = await uga.approveAndLogIn(soApprover);
    const ugaApprover = new Approver(clients, ugaAccount.userId, NEW_PASSWORD);
    const userGroupId = (await findOrganization(clients, orgName)).userGroups.find((g) => g.name === 'Bench Billing Office')?.id;
    if (!userGroupId) throw new Error('the user group was not created');
    const setupSeconds = (now() - setupStart) / 1000;

    const roles: readonly Role[] = ['INDIVIDUAL_PRACTITIONER', 'END_USER'];
    const detailsFor = (role: Role): Record<string, unknown> => (role === 'END_USER' ? { organizationId, userGroupId } : {});
    const approverFor = (role: Role) => (role === 'END_USER' ? ugaApprover : helpDesk);
    const completeOne = async (label: string, index: number): Promise<Applicant> => {
      const role = roles[index % roles.length]!;
      const applicant = new Applicant(clients, role, identities.take().identity, email(label));
      await applicant.park(detailsFor(role));
      await applicant.approveAndLogIn(approverFor(role));
      return applicant;
    };

    // --- Warm-up (not counted).
    const warmStart = now();
    if (options.warmup > 0) {
      out(`warm-up: ${options.warmup} registrations`);
      const warm = await runPool(
        Array.from({ length: options.warmup }, (_, i) => `warmup-${i}`),
        options.concurrency,
        completeOne,
        deadline,
      );
      if (warm.errors.length) throw new Error(`warm-up failed: ${warm.errors[0]!.error}`);
    }
    const warmSeconds = (now() - warmStart) / 1000;
    await clients.mail.clear();

    // --- The timed flow.
    out(`flow: ${options.registrations} registrations at concurrency ${options.concurrency}`);
    const dbBefore = db.snapshot();
    const cpuBefore = sampleCpu();
    const flowStart = now();
    const flow = await runPool(
      Array.from({ length: options.registrations }, (_, i) => `r${i}`),
      options.concurrency,
      completeOne,
      deadline,
    );
    const flowSeconds = (now() - flowStart) / 1000;
    const flowCpu = cpuBetween(cpuBefore, sampleCpu());
    const flowDb = DbMonitor.between(dbBefore, db.snapshot());
    const memoryAfterFlow = sampleMemory(); // no GC first: what the process holds while working
    const done = flow.results.filter((a): a is Applicant => a !== undefined);
    const registrationsPerSecond = done.length / flowSeconds;
    out(
      `flow: ${done.length} completed, ${flow.errors.length} failed in ${flowSeconds.toFixed(1)} s → ${registrationsPerSecond.toFixed(3)}/s`,
    );
    for (const e of flow.errors.slice(0, 5)) console.error(`  failed r${e.index}: ${e.error}`);

    // --- A second batch on the same data: a step whose cost grows with what is stored shows here.
    let secondBatch: { registrationsPerSecond: number; completed: number; growth: number; steps: Record<string, Summary> } | undefined;
    if (options.secondBatch) {
      out(`second batch: ${options.registrations} registrations at concurrency ${options.concurrency}`);
      const start = now();
      const again = await runPool(
        Array.from({ length: options.registrations }, (_, i) => `s${i}`),
        options.concurrency,
        completeOne,
        deadline,
      );
      const finished = again.results.filter((a): a is Applicant => a !== undefined);
      const rate = finished.length / ((now() - start) / 1000);
      secondBatch = {
        registrationsPerSecond: round(rate, 4),
        completed: finished.length,
        // The second batch's rate over the first's: 1 means no growth.
        growth: round(rate / registrationsPerSecond, 3),
        steps: Object.fromEntries(
          FLOW_STEPS.map((step) => [
            step,
            summarize(finished.map((a) => a.timings.steps[step]).filter((v): v is number => v !== undefined)),
          ]),
        ),
      };
      out(`second batch: ${finished.length} completed → ${rate.toFixed(3)}/s (growth ${secondBatch.growth})`);
    }

    out('histories: fetching each registration workflow history');
    const histories = (await runPool(done, 8, (a) => historyOf(temporalClient, WORKFLOW_ID(a.id)))).results;
    const historyByRole: Record<string, { events: number[]; bytes: number[] }> = {};
    histories.forEach((h, i) => {
      if (!h) return;
      const role = done[i]!.role;
      historyByRole[role] ??= { events: [], bytes: [] };
      historyByRole[role].events.push(h.events);
      historyByRole[role].bytes.push(h.bytes);
    });
    const historySizes = histories.filter((h): h is { events: number; bytes: number } => h !== undefined);

    // --- Baseline: bare Temporal, same shape, same server, same concurrency.
    out(`baseline: ${options.registrations} bare workflows at concurrency ${options.concurrency}`);
    const baseline: BaselineResult = await runBaseline({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      runId,
      workflows: options.registrations,
      concurrency: options.concurrency,
      warmup: Math.max(options.warmup, 2),
      deadline,
      historyBytesOf: historyOf,
    });
    out(`baseline: ${baseline.completed} workflows → ${baseline.workflowsPerSecond}/s`);

    const created = await createWaiting(ctx);

    // --- Approver queue: whatever waits now (the requests just created).
    out('approval queue: timing GET /approvals as the Help Desk');
    const queue = await timeQueue(helpDesk, options.queueReads, deadline);
    const statusReads = await statusReadsPhase(ctx, created?.applicants ?? [], done);
    const parked = options.parked > 0 ? await parkedMode(ctx) : undefined;

    const finishedAt = new Date();
    const cpuPerRegistration = perUnit(flowCpu, done.length);
    const stepValues = (step: FlowStep) => done.map((a) => a.timings.steps[step]).filter((v): v is number => v !== undefined);
    const result = {
      benchmark: 'iacs-registration',
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      git: gitInfo(),
      options,
      machine: machineInfo(),
      processes: processesInfo(config),
      worker: workerCache(config),
      setup: { seconds: round(setupSeconds), organizationId, userGroupId, soUserId: soAccount.userId, ugaUserId: ugaAccount.userId },
      warmup: { registrations: options.warmup, seconds: round(warmSeconds) },
      flow: {
        registrations: options.registrations,
        completed: done.length,
        failed: flow.errors.length,
        skipped: flow.skipped,
        errors: flow.errors.slice(0, 20).map((e) => `r${e.index}: ${e.error}`),
        concurrency: options.concurrency,
        roles: countBy(done.map((a) => a.role)),
        approvers: { INDIVIDUAL_PRACTITIONER: config.helpDesk.userId, END_USER: `${ugaAccount.userId} (UGA)` },
        pollMs: options.pollMs,
        wallSeconds: round(flowSeconds, 3),
        registrationsPerSecond: round(registrationsPerSecond, 4),
        steps: Object.fromEntries(FLOW_STEPS.map((step) => [step, summarize(stepValues(step))])),
        total: summarize(done.map((a) => a.timings.total)),
        ...(secondBatch && { secondBatch }),
        byRole: Object.fromEntries(
          roles.map((role) => [role, { total: summarize(done.filter((a) => a.role === role).map((a) => a.timings.total)) }]),
        ),
      },
      baseline,
      ratioToBaseline: round(registrationsPerSecond / baseline.workflowsPerSecond, 4),
      statusReads,
      approvalQueue: { approver: config.helpDesk.userId, created: created?.summary, ...queue },
      perRegistration: {
        registrations: done.length,
        dbCommands: dbPerUnit(flowDb, done.length).total,
        statusPolls: round(mean(done.map((a) => a.polls)), 1),
        dbCommandsBy: dbPerUnit(flowDb, done.length).by,
        dbMs: dbPerUnit(flowDb, done.length).totalMs,
        dbCommandsNote:
          'All MongoDB commands of the API and the worker during the timed flow (including status polling, rate-limit counters, approver logins), divided by completed registrations. statusPolls is how many GET /registrations/:id each registration made while waiting; statusReads.dbCommandsPerRead is what one such read costs.',
        historyEvents: round(mean(historySizes.map((h) => h.events)), 1),
        historyBytes: round(mean(historySizes.map((h) => h.bytes)), 0),
        history: {
          events: summarize(historySizes.map((h) => h.events)),
          bytes: summarize(historySizes.map((h) => h.bytes)),
          byRole: Object.fromEntries(
            Object.entries(historyByRole).map(([role, h]) => [role, { events: round(mean(h.events), 1), bytes: round(mean(h.bytes), 0) }]),
          ),
        },
        cpuSeconds: cpuPerRegistration,
      },
      cpuSeconds: { flow: flowCpu, baseline: baseline.cpuSeconds },
      cpuSecondsPerRegistration: cpuPerRegistration,
      baselineCpuSecondsPerWorkflow: baseline.cpuSecondsPerWorkflow,
      cpuRatioToBaseline: round((cpuPerRegistration.total ?? Number.NaN) / (baseline.cpuSecondsPerWorkflow.total ?? Number.NaN), 2),
      memory: {
        note: 'workerRssMb is the node process holding both the API and the worker (and the bench clients).',
        workerRssMb: memoryAfterFlow.node.rssMb,
        workerHeapUsedMb: memoryAfterFlow.node.heapUsedMb,
        afterFlow: memoryAfterFlow,
        peak: peak.value(),
      },
      parked: parked ?? null,
    };

    const json = `${JSON.stringify(result, null, 2)}\n`;
    const resultsDir = join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const stamped = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(stamped, json);
    if (options.out) {
      mkdirSync(dirname(resolve(options.out)), { recursive: true });
      writeFileSync(options.out, json);
    }
    const markdown = markdownSummary(result);
    writeFileSync(join(resultsDir, 'latest.md'), markdown);
    out();
    out(markdown);
    out(`written: ${options.out ?? '(no --out)'}, ${stamped}, ${join(resultsDir, 'latest.md')}`);
    return done.length > 0 ? 0 : 1;
  } finally {
    peak.stop();
    await historyConnection?.close().catch(() => undefined);
    await stack?.stop().catch((err: unknown) => console.error(`stopping the stack: ${String(err)}`));
    await ferret?.stop().catch((err: unknown) => console.error(`stopping FerretDB: ${String(err)}`));
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    else out(`data kept in ${dataDir}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function findOrganization(clients: Clients, name: string) {
  const answer = await clients.api.call<{ id: string; name: string; userGroups: { id: string; name: string }[] }[]>(
    'GET',
    `/organizations?name=${encodeURIComponent(name)}&country=US&state=MD`,
  );
  const found = answer.body.find((o) => o.name === name);
  if (answer.status !== 200 || !found) throw new Error(`organization ${name} not found (${answer.status})`);
  return found;
}

async function historyOf(client: Client, workflowId: string): Promise<{ events: number; bytes: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return { events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
