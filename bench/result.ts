/**
 * The result of a run: the JSON document (its fields are described in bench/README.md), written
 * to `--out` and bench/results/<timestamp>.json, and its Markdown summary (bench/results/latest.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LocalStack } from '../local-stack';
import type { QueueTiming } from './approval-queue';
import type { BaselineResult } from './baseline';
import { out, type BenchContext } from './context';
import { dbPerUnit } from './db-monitor';
import { historySection, type FlowHistories } from './histories';
import { gitInfo, machineInfo, processesInfo, workerCache } from './machine';
import type { BenchOrganization } from './organization-setup';
import type { parkedMode } from './parked-mode';
import { perUnit, type PeakMemory } from './procs';
import { markdownSummary } from './report';
import type { statusReadsPhase } from './status-reads';
import { mean, round } from './stats';
import { flowSection, type SecondBatch, type TimedFlow } from './timed-flow';
import type { CreatedWaiting } from './waiting-requests';

/** Everything a run measured, phase by phase. */
export interface RunMeasurements {
  config: LocalStack['config'];
  startedAt: Date;
  organization: BenchOrganization;
  warmSeconds: number;
  flow: TimedFlow;
  secondBatch: SecondBatch | undefined;
  histories: FlowHistories;
  baseline: BaselineResult;
  created: CreatedWaiting | undefined;
  queue: QueueTiming;
  statusReads: Awaited<ReturnType<typeof statusReadsPhase>>;
  parked: Awaited<ReturnType<typeof parkedMode>> | undefined;
  peak: PeakMemory;
}

export type BenchResult = ReturnType<typeof assembleResult>;

export function assembleResult(ctx: BenchContext, m: RunMeasurements) {
  const { options, runId } = ctx;
  const { config, flow, baseline } = m;
  const finishedAt = new Date();
  const cpuPerRegistration = perUnit(flow.cpu, flow.done.length);
  return {
    benchmark: 'iacs-registration',
    runId,
    startedAt: m.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    git: gitInfo(),
    options,
    machine: machineInfo(),
    processes: processesInfo(config),
    worker: workerCache(config),
    setup: m.organization.setup,
    warmup: { registrations: options.warmup, seconds: round(m.warmSeconds) },
    flow: flowSection(ctx, flow, m.organization, m.secondBatch),
    baseline,
    ratioToBaseline: round(flow.registrationsPerSecond / baseline.workflowsPerSecond, 4),
    statusReads: m.statusReads,
    approvalQueue: { approver: config.helpDesk.userId, created: m.created?.summary, ...m.queue },
    perRegistration: perRegistrationSection(flow, m.histories, cpuPerRegistration),
    cpuSeconds: { flow: flow.cpu, baseline: baseline.cpuSeconds },
    cpuSecondsPerRegistration: cpuPerRegistration,
    baselineCpuSecondsPerWorkflow: baseline.cpuSecondsPerWorkflow,
    cpuRatioToBaseline: round((cpuPerRegistration.total ?? Number.NaN) / (baseline.cpuSecondsPerWorkflow.total ?? Number.NaN), 2),
    memory: {
      note: 'workerRssMb is the node process holding both the API and the worker (and the bench clients).',
      workerRssMb: flow.memoryAfterFlow.node.rssMb,
      workerHeapUsedMb: flow.memoryAfterFlow.node.heapUsedMb,
      afterFlow: flow.memoryAfterFlow,
      peak: m.peak.value(),
    },
    parked: m.parked ?? null,
  };
}

/** What one completed registration of the timed flow cost: MongoDB commands, status polls, history, CPU. */
function perRegistrationSection(flow: TimedFlow, histories: FlowHistories, cpuPerRegistration: Record<string, number>) {
  const { done } = flow;
  return {
    registrations: done.length,
    dbCommands: dbPerUnit(flow.db, done.length).total,
    statusPolls: round(mean(done.map((a) => a.polls)), 1),
    dbCommandsBy: dbPerUnit(flow.db, done.length).by,
    dbMs: dbPerUnit(flow.db, done.length).totalMs,
    dbCommandsNote:
      'All MongoDB commands of the API and the worker during the timed flow (including status polling, rate-limit counters, approver logins), divided by completed registrations. statusPolls is how many GET /registrations/:id each registration made while waiting; statusReads.dbCommandsPerRead is what one such read costs.',
    ...historySection(histories),
    cpuSeconds: cpuPerRegistration,
  };
}

/** Writes the JSON (stamped copy and `--out`) and the Markdown summary, and prints the summary. */
export function writeResult(result: BenchResult, outFile: string | undefined, startedAt: Date): void {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const resultsDir = join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stamped = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  if (outFile) {
    mkdirSync(dirname(resolve(outFile)), { recursive: true });
    writeFileSync(outFile, json);
  }
  const markdown = markdownSummary(result);
  writeFileSync(join(resultsDir, 'latest.md'), markdown);
  out();
  out(markdown);
  out(`written: ${outFile ?? '(no --out)'}, ${stamped}, ${join(resultsDir, 'latest.md')}`);
}
