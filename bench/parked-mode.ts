/**
 * Parked mode (`--parked P`): P requests left waiting for approval, what they cost the process
 * (memory after a forced GC, CPU, MongoDB commands), the queue and status reads over them, and the
 * approval of a sample.
 */
import { timeQueue } from './approval-queue';
import { out, type BenchContext } from './context';
import { DbMonitor, dbPerUnit } from './db-monitor';
import { PARK_STEPS, type Applicant } from './flow';
import { collectGarbage, cpuBetween, perUnit, sampleCpu, sampleMemory } from './procs';
import { timeStatusReads } from './status-reads';
import { now, round, runPool, summarize } from './stats';
import { parkMany } from './waiting-requests';

export async function parkedMode(ctx: BenchContext) {
  const { clients, options, helpDesk, deadline, db } = ctx;
  await clients.mail.clear();
  out(`parked: bringing ${options.parked} registrations to AWAITING_APPROVAL at concurrency ${options.parkedConcurrency}`);
  const gcBeforeSamples = collectGarbage();
  const before = sampleMemory();
  const cpuBefore = sampleCpu();
  const dbBefore = db.snapshot();
  const parked = await parkMany(ctx, options.parked, 'p');
  const cpu = cpuBetween(cpuBefore, sampleCpu());
  const dbCounts = DbMonitor.between(dbBefore, db.snapshot());
  collectGarbage();
  const after = sampleMemory();
  const { created } = parked.summary;
  out(`parked: ${created} waiting after ${parked.summary.seconds} s`);
  const queue = await timeQueue(helpDesk, options.queueReads, deadline);
  const statusReads = await timeStatusReads(ctx, parked.applicants);
  const approve = await approveSample(ctx, parked.applicants.slice(0, options.approveSample));
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
    rssKbPerParked: created ? round(((after.node.rssMb - before.node.rssMb) * 1024) / created, 1) : null,
    heapKbPerParked: created ? round(((after.node.heapUsedMb - before.node.heapUsedMb) * 1024) / created, 1) : null,
    cpuSeconds: cpu,
    cpuSecondsPerParked: perUnit(cpu, created),
    dbCommandsPerParked: dbPerUnit(dbCounts, created).total,
    approvalQueue: queue,
    statusReads,
    approve,
  };
}

/** The Help Desk approves each of the sample; how long the decision and the way to PROVISIONED take. */
async function approveSample({ options, helpDesk, deadline }: BenchContext, sample: readonly Applicant[]) {
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
    sample: sample.length,
    approved: sample.length - approved.errors.length - approved.skipped,
    errors: approved.errors.slice(0, 10).map((e) => e.error),
    decide: summarize(decideTimes),
    toProvisioned: summarize(provisionedTimes),
    p95: summarize(decideTimes).p95,
  };
}
