/**
 * `npm run bench`: the registration service's throughput and costs on the embedded stack,
 * against a bare-Temporal baseline of the same shape on the same server. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEFAULT_RATE_RULES } from '../domain/abuse-limits';
import { startFerretDb, type RunningFerretDb } from '../infra/ferretdb';
import { startLocalStack, type LocalStack } from '../local-stack';
import { generatedIdentity, type SsaIdentity } from '../simulators/ssa-fixtures';
import type { Role } from '../test/support/api-client';
import { ownServersEnv } from '../test/support/own-servers';
import { runBaseline, type BaselineResult } from './baseline';
import { DbMonitor, dbPerUnit } from './db-monitor';
import { Http, Mailbox } from './http';
import { Applicant, Approver, FLOW_STEPS, NEW_PASSWORD, PARK_STEPS, type Clients, type FlowStep, type FlowTimings } from './flow';
import { gitInfo, machineInfo, processesInfo, workerCache } from './machine';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { collectGarbage, cpuBetween, PeakMemory, perUnit, sampleCpu, sampleMemory } from './procs';
import { markdownSummary } from './report';
import { countBy, mean, now, round, runPool, summarize, type Summary } from './stats';

const WORKFLOW_ID = (registrationId: string) => `registration-${registrationId}`;
const POOL_SIZE = 1000;
const out = (line = '') => process.stdout.write(`${line}\n`);

/** Each generated identity once per run; parked mode may cycle through its own share when the pool runs out. */
class IdentityPool {
  private next = 0;
  take(): { n: number; identity: SsaIdentity } {
    if (this.next >= POOL_SIZE) throw new Error(`the generated identity pool (${POOL_SIZE}) is used up`);
    const n = this.next++;
    return { n, identity: generatedIdentity(n) };
  }
  get left(): number {
    return POOL_SIZE - this.next;
  }
}

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

    // --- Waiting requests: --queue-waiting W of them, else --status-open K (for the status reads; 0 = none).
    const toPark = options.queueWaiting > 0 ? options.queueWaiting : options.statusOpen;
    let created: CreatedWaiting | undefined;
    if (toPark > 0) {
      out(`waiting requests: bringing ${toPark} Individual Practitioner requests to AWAITING_APPROVAL`);
      created = await parkMany(clients, identities, toPark, options.parkedConcurrency, email, 'q', deadline, 0);
    }

    // --- Approver queue: whatever waits now (the requests just created).
    out('approval queue: timing GET /approvals as the Help Desk');
    const queue = await timeQueue(helpDesk, options.queueReads, deadline);

    // --- Status reads: the open (waiting) registrations, then the completed ones of the flow.
    const openTargets = created?.applicants ?? [];
    const statusTargets = openTargets.length > 0 ? openTargets : done;
    out(`status reads: ${options.statusClients} clients for ${options.statusSeconds} s over ${statusTargets.length} registrations`);
    const statusReads = {
      target: openTargets.length > 0 ? 'AWAITING_APPROVAL (open workflows)' : 'PROVISIONED (completed workflows)',
      ...(await timeStatusReads(statusTargets, options, db, clients.api.baseUrl)),
    };
    let closedStatusReads: Awaited<ReturnType<typeof timeStatusReads>> | undefined;
    if (openTargets.length > 0 && done.length > 0) {
      out(`status reads: ${options.statusClients} clients for ${options.statusSeconds} s over the ${done.length} completed registrations`);
      closedStatusReads = await timeStatusReads(done, options, db, clients.api.baseUrl);
    }

    // --- Parked mode.
    let parked: Awaited<ReturnType<typeof parkedMode>> | undefined;
    if (options.parked > 0) parked = await parkedMode(clients, identities, options, email, helpDesk, deadline, db);

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
      statusReads: { ...statusReads, closedWorkflows: closedStatusReads },
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

interface CreatedWaiting {
  applicants: Applicant[];
  summary: { requested: number; created: number; failed: number; seconds: number; identitiesReused: number; errors: string[] };
}

/** Brings `count` Individual Practitioner requests to AWAITING_APPROVAL. */
async function parkMany(
  clients: Clients,
  identities: IdentityPool,
  count: number,
  concurrency: number,
  email: (label: string) => string,
  prefix: string,
  deadline: number,
  /** 0: every request a person of its own (or fail); k > 0: past the pool's end, all but the first k requests share people. */
  exclusiveWhenShort: number,
): Promise<CreatedWaiting & { timings: FlowTimings[]; approvable: Applicant[] }> {
  const unique = Math.min(count, identities.left);
  if (unique < count && exclusiveWhenShort === 0)
    throw new Error(`only ${identities.left} identities are left for ${count} waiting requests`);
  if (unique < 2) throw new Error(`only ${identities.left} identities are left for parked registrations`);
  const own = Array.from({ length: unique }, () => identities.take().identity);
  // Requests [0, exclusive) have a person each: only those may be approved (one person, one account). The
  // others cycle through the remaining people of the pool; they stay waiting and are never approved.
  const exclusive = unique === count ? count : Math.min(exclusiveWhenShort, unique - 1);
  const personOf = (i: number) => (i < exclusive ? own[i]! : own[exclusive + ((i - exclusive) % (unique - exclusive))]!);
  const t0 = now();
  const parked = await runPool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const applicant = new Applicant(clients, 'INDIVIDUAL_PRACTITIONER', personOf(i), email(`${prefix}${i}`));
      await applicant.park({});
      return applicant;
    },
    deadline,
  );
  const approvable = parked.results.slice(0, exclusive).filter((a): a is Applicant => a !== undefined);
  const applicants = parked.results.filter((a): a is Applicant => a !== undefined);
  for (const e of parked.errors.slice(0, 3)) console.error(`  parking ${prefix}${e.index} failed: ${e.error}`);
  return {
    applicants,
    timings: applicants.map((a) => a.timings),
    approvable,
    summary: {
      requested: count,
      created: applicants.length,
      failed: parked.errors.length,
      seconds: round((now() - t0) / 1000),
      identitiesReused: count - unique,
      errors: parked.errors.slice(0, 10).map((e) => e.error),
    },
  };
}

/** Times GET /approvals, one read at a time. */
async function timeQueue(
  approver: Approver,
  reads: number,
  deadline: number,
): Promise<{ waiting: number; pageSize: number; reads: number } & Omit<Summary, 'count'>> {
  const latencies: number[] = [];
  let pageSize = 0;
  await approver.call('GET', '/approvals'); // session and caches warm
  const stopAt = Math.min(deadline, Date.now() + 120_000);
  for (let i = 0; i < reads && Date.now() < stopAt; i++) {
    const t0 = now();
    const answer = await approver.call<unknown[]>('GET', '/approvals');
    latencies.push(now() - t0);
    if (answer.status !== 200) throw new Error(`GET /approvals answered ${answer.status}`);
    pageSize = answer.body.length;
  }
  // The first page holds at most 50: the number waiting is counted by following the pages once.
  const waiting = await countWaiting(approver, stopAt);
  const { count: _count, ...summary } = summarize(latencies);
  return { waiting, pageSize, reads: latencies.length, ...summary };
}

/** Follows `Link: rel="next"` from the first page to the last (bounded), counting the items. */
async function countWaiting(approver: Approver, stopAt: number): Promise<number> {
  let path: string | undefined = '/approvals';
  let count = 0;
  for (let pages = 0; path && pages < 1000 && Date.now() < stopAt; pages++) {
    const answer = await approver.page(path);
    count += answer.items;
    path = answer.next;
  }
  return count;
}

/**
 * `clients` concurrent readers of GET /registrations/:id, for at most `seconds` and `maxReads`
 * reads in all, from a worker thread (bench/status-load.mjs) so that the readers' own HTTP work
 * does not share the API's event loop.
 */
async function timeStatusReads(
  targets: readonly Applicant[],
  { statusClients: clients, statusSeconds: seconds, statusReads: maxReads, requestTimeoutMs }: BenchOptions,
  db: DbMonitor,
  baseUrl: string,
) {
  const dbBefore = db.snapshot();
  const result = await new Promise<{ latencies: number[]; statuses: Record<string, number>; wallMs: number }>((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'status-load.mjs'), {
      workerData: {
        baseUrl,
        targets: targets.map((t) => ({ id: t.id, token: t.token })),
        clients,
        seconds,
        maxReads,
        timeoutMs: requestTimeoutMs,
      },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { latencies, statuses } = result;
  const wall = result.wallMs / 1000;
  const dbCounts = DbMonitor.between(dbBefore, db.snapshot());
  return {
    clients,
    registrations: targets.length,
    reads: latencies.length,
    seconds: round(wall, 2),
    readsPerSecond: round(latencies.length / wall, 1),
    httpStatuses: statuses,
    dbCommandsPerRead: dbPerUnit(dbCounts, latencies.length).total,
    ...summarize(latencies),
  };
}

async function parkedMode(
  clients: Clients,
  identities: IdentityPool,
  options: BenchOptions,
  email: (label: string) => string,
  helpDesk: Approver,
  deadline: number,
  db: DbMonitor,
) {
  await clients.mail.clear();
  out(`parked: bringing ${options.parked} registrations to AWAITING_APPROVAL at concurrency ${options.parkedConcurrency}`);
  const gcBeforeSamples = collectGarbage();
  const before = sampleMemory();
  const cpuBefore = sampleCpu();
  const dbBefore = db.snapshot();
  const parked = await parkMany(
    clients,
    identities,
    options.parked,
    options.parkedConcurrency,
    email,
    'p',
    deadline,
    Math.max(1, options.approveSample),
  );
  const cpu = cpuBetween(cpuBefore, sampleCpu());
  const dbCounts = DbMonitor.between(dbBefore, db.snapshot());
  collectGarbage();
  const after = sampleMemory();
  out(`parked: ${parked.summary.created} waiting after ${parked.summary.seconds} s`);
  const queue = await timeQueue(helpDesk, options.queueReads, deadline);
  const statusReads = await timeStatusReads(parked.applicants, options, db, clients.api.baseUrl);

  // Approve a sample of those whose identity no other parked request shares.
  const sample = parked.approvable.slice(0, options.approveSample);
  out(`parked: approving ${sample.length} of them`);
  const decideTimes: number[] = [];
  const provisionedTimes: number[] = [];
  const approved = await runPool(
    sample,
    options.concurrency,
    async (applicant) => {
      const t0 = now();
      const answer = await helpDesk.call('POST', `/registrations/${applicant.id}/decision`, { decision: 'APPROVE' });
      decideTimes.push(now() - t0);
      if (answer.status !== 200) throw new Error(`decision answered ${answer.status}`);
      await applicant.waitForStatus('PROVISIONED');
      provisionedTimes.push(now() - t0);
    },
    deadline,
  );
  return {
    ...parked.summary,
    concurrency: options.parkedConcurrency,
    steps: Object.fromEntries(
      PARK_STEPS.map((step) => [step, summarize(parked.timings.map((t) => t.steps[step]).filter((v): v is number => v !== undefined))]),
    ),
    total: summarize(parked.timings.map((t) => t.total)),
    gcBeforeSamples,
    memoryBefore: before,
    memoryAfter: after,
    workerRssMbBefore: before.node.rssMb,
    workerRssMbAfter: after.node.rssMb,
    workerHeapUsedMbBefore: before.node.heapUsedMb,
    workerHeapUsedMbAfter: after.node.heapUsedMb,
    rssKbPerParked: parked.summary.created ? round(((after.node.rssMb - before.node.rssMb) * 1024) / parked.summary.created, 1) : null,
    heapKbPerParked: parked.summary.created
      ? round(((after.node.heapUsedMb - before.node.heapUsedMb) * 1024) / parked.summary.created, 1)
      : null,
    cpuSeconds: cpu,
    cpuSecondsPerParked: perUnit(cpu, parked.summary.created),
    dbCommandsPerParked: dbPerUnit(dbCounts, parked.summary.created).total,
    approvalQueue: queue,
    statusReads,
    approve: {
      sample: sample.length,
      approved: sample.length - approved.errors.length - approved.skipped,
      errors: approved.errors.slice(0, 10).map((e) => e.error),
      decide: summarize(decideTimes),
      toProvisioned: summarize(provisionedTimes),
      p95: summarize(decideTimes).p95,
    },
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
