/**
 * `npm run bench`: the registration service's throughput and costs on the embedded stack,
 * against a bare-Temporal baseline of the same shape on the same server. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../local-stack';
import { timeQueue } from './approval-queue';
import { runBaseline } from './baseline';
import { IdentityPool, out, POOL_SIZE, type BenchContext } from './context';
import { DbMonitor } from './db-monitor';
import { Approver, type Clients } from './flow';
import { fetchHistories, historyOf } from './histories';
import { Http, Mailbox } from './http';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { setUpOrganization } from './organization-setup';
import { parkedMode } from './parked-mode';
import { PeakMemory } from './procs';
import { assembleResult, writeResult } from './result';
import { BenchServers } from './servers';
import { statusReadsPhase } from './status-reads';
import { registrationCompleter, secondBatch, timedFlow, warmUp } from './timed-flow';
import { createWaiting } from './waiting-requests';

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    out(USAGE);
    return 0;
  }
  const options: BenchOptions = parsed;
  // infra/logger.ts reads LOG_LEVEL from process.env at each line, not from the stack's env.
  process.env.LOG_LEVEL ??= 'warn';
  const needed = 2 + options.warmup + options.registrations + (options.queueWaiting || options.statusOpen) + options.parked;
  if (needed > POOL_SIZE)
    throw new Error(`setup + warm-up + registrations + waiting + parked requests need ${needed} identities; the pool holds ${POOL_SIZE}`);

  const startedAt = new Date();
  const runId = `${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  const deadline = Date.now() + options.timeLimitSeconds * 1000;
  exitAtTheLatest(options.timeLimitSeconds + 600);

  const dataDir = mkdtempSync(join(tmpdir(), 'iacs-bench-'));
  const servers = new BenchServers();
  const peak = new PeakMemory();
  try {
    out(`bench ${runId}: starting the embedded stack in ${dataDir}`);
    const stack = await servers.start(dataDir);
    const { config } = stack;
    const db = new DbMonitor();
    db.attach();
    peak.start();
    const temporalClient = await servers.temporalClient(config);
    const ctx = contextFor(options, runId, deadline, stack, db);
    const { clients } = ctx;
    await ctx.helpDesk.token();

    const organization = await setUpOrganization(ctx);
    const completeOne = registrationCompleter(ctx, organization);
    const warmSeconds = await warmUp(ctx, completeOne);
    await clients.mail.clear();
    const flow = await timedFlow(ctx, completeOne);
    const second = options.secondBatch ? await secondBatch(ctx, completeOne, flow.registrationsPerSecond) : undefined;
    const histories = await fetchHistories(temporalClient, flow.done);

    // Bare Temporal, same shape, same server, same concurrency.
    out(`baseline: ${options.registrations} bare workflows at concurrency ${options.concurrency}`);
    const baseline = await runBaseline({
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
    // The approver's queue holds whatever waits now (the requests just created).
    out('approval queue: timing GET /approvals as the Help Desk');
    const queue = await timeQueue(ctx.helpDesk, options.queueReads, deadline);
    const statusReads = await statusReadsPhase(ctx, created?.applicants ?? [], flow.done);
    const parked = options.parked > 0 ? await parkedMode(ctx) : undefined;

    const measured = { config, startedAt, organization, warmSeconds, flow, secondBatch: second, histories, baseline };
    const result = assembleResult(ctx, { ...measured, created, queue, statusReads, parked, peak });
    writeResult(result, options.out, startedAt);
    return flow.done.length > 0 ? 0 : 1;
  } finally {
    peak.stop();
    await servers.stop();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    else out(`data kept in ${dataDir}`);
  }
}

/** However things go, the process ends: a last resort well after the time limit. */
function exitAtTheLatest(seconds: number): void {
  setTimeout(() => {
    console.error('bench: hard time limit reached, exiting');
    process.exit(3);
  }, seconds * 1000).unref();
}

/** The HTTP clients of the API and the mail catcher, a fresh identity pool and the Help Desk's session. */
function contextFor(options: BenchOptions, runId: string, deadline: number, stack: LocalStack, db: DbMonitor): BenchContext {
  const clients: Clients = {
    api: new Http(stack.apiUrl, options.requestTimeoutMs),
    mail: new Mailbox(new Http(stack.mailCatcherUrl!, options.requestTimeoutMs)),
    pollMs: options.pollMs,
    waitMs: options.waitMs,
  };
  const { helpDesk } = stack.config;
  return {
    options,
    runId,
    clients,
    identities: new IdentityPool(),
    email: (label) => `bench-${runId}-${label}@bench.example.test`,
    deadline,
    db,
    helpDesk: new Approver(clients, helpDesk.userId, helpDesk.password),
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
