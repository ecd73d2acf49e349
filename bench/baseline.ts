/** Runs the baseline workflow N times at concurrency C on the stack's Temporal server, with its own worker and task queue. */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBaselineActivities } from './baseline-activities';
import {
  BASELINE_ACTIVITIES,
  BASELINE_TIMER_MS,
  BASELINE_WORKFLOW,
  decideUpdate,
  detailsUpdate,
  submitUpdate,
  verifyUpdate,
} from './baseline-messages';
import { cpuBetween, perUnit, sampleCpu } from './procs';
import { now, round, runPool, summarize, type Summary } from './stats';

export const BASELINE_STEPS = ['start', 'verify', 'details', 'submit', 'decide', 'result'] as const;
type BaselineStep = (typeof BASELINE_STEPS)[number];

export interface BaselineResult {
  workflows: number;
  completed: number;
  failed: number;
  errors: string[];
  concurrency: number;
  wallSeconds: number;
  workflowsPerSecond: number;
  shape: { activities: number; updates: number; timers: number; timerMs: number };
  taskQueue: string;
  steps: Record<string, Summary>;
  total: Summary;
  cpuSeconds: Record<string, number>;
  cpuSecondsPerWorkflow: Record<string, number>;
  historyEvents?: number;
  historyBytes?: number;
}

export async function runBaseline(opts: {
  address: string;
  namespace: string;
  runId: string;
  workflows: number;
  concurrency: number;
  warmup: number;
  deadline: number;
  historyBytesOf: (client: Client, workflowId: string) => Promise<{ events: number; bytes: number }>;
}): Promise<BaselineResult> {
  const taskQueue = `bench-baseline-${opts.runId}`;
  const workerConnection = await NativeConnection.connect({ address: opts.address });
  const connection = await Connection.connect({ address: opts.address });
  const client = new Client({ connection, namespace: opts.namespace });
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: opts.namespace,
      taskQueue,
      workflowsPath: join(__dirname, 'baseline-workflow.ts'),
      activities: createBaselineActivities(),
    });
    let steps: Record<BaselineStep, number[]> = emptySteps();
    const one = async (label: string): Promise<number> => {
      const timed: Partial<Record<BaselineStep, number>> = {};
      const time = async <T>(step: BaselineStep, work: () => Promise<T>): Promise<T> => {
        const t0 = now();
        const result = await work();
        timed[step] = now() - t0;
        return result;
      };
      const t0 = now();
      const handle = await time('start', () =>
        client.workflow.start(BASELINE_WORKFLOW, { taskQueue, workflowId: `${taskQueue}-${label}` }),
      );
      await time('verify', () => handle.executeUpdate(verifyUpdate));
      await time('details', () => handle.executeUpdate(detailsUpdate));
      await time('submit', () => handle.executeUpdate(submitUpdate));
      await time('decide', () => handle.executeUpdate(decideUpdate));
      const activities = await time('result', () => handle.result());
      if (activities !== BASELINE_ACTIVITIES) throw new Error(`baseline ran ${String(activities)} activities`);
      for (const step of BASELINE_STEPS) steps[step].push(timed[step]!);
      return now() - t0;
    };

    return await worker.runUntil(async () => {
      // Warm-up: bundle loaded, caches and connections warm; not counted.
      await runPool(
        Array.from({ length: opts.warmup }, (_, i) => `warmup-${i}`),
        opts.concurrency,
        one,
        opts.deadline,
      );
      steps = emptySteps();
      const cpuBefore = sampleCpu();
      const t0 = now();
      const { results, errors } = await runPool(
        Array.from({ length: opts.workflows }, (_, i) => `wf-${i}`),
        opts.concurrency,
        one,
        opts.deadline,
      );
      const wallSeconds = (now() - t0) / 1000;
      const cpuSeconds = cpuBetween(cpuBefore, sampleCpu());
      const totals = results.filter((r): r is number => r !== undefined);
      const firstDone = results.findIndex((r) => r !== undefined);
      const history = firstDone >= 0 ? await opts.historyBytesOf(client, `${taskQueue}-wf-${firstDone}`) : undefined;
      return {
        workflows: opts.workflows,
        completed: totals.length,
        failed: errors.length,
        errors: errors.slice(0, 10).map((e) => e.error),
        concurrency: opts.concurrency,
        wallSeconds: round(wallSeconds, 3),
        workflowsPerSecond: round(totals.length / wallSeconds, 3),
        shape: { activities: BASELINE_ACTIVITIES, updates: 4, timers: 1, timerMs: BASELINE_TIMER_MS },
        taskQueue,
        steps: Object.fromEntries(BASELINE_STEPS.map((s) => [s, summarize(steps[s])])),
        total: summarize(totals),
        cpuSeconds,
        cpuSecondsPerWorkflow: perUnit(cpuSeconds, totals.length),
        historyEvents: history?.events,
        historyBytes: history?.bytes,
      };
    });
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

function emptySteps(): Record<BaselineStep, number[]> {
  return { start: [], verify: [], details: [], submit: [], decide: [], result: [] };
}
