/** Concurrent applicants reading their own status (`GET /registrations/:id`), and what each read costs. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { out, type BenchContext } from './context';
import { DbMonitor, dbPerUnit } from './db-monitor';
import type { Applicant } from './flow';
import { round, summarize } from './stats';

export type StatusReadTiming = Awaited<ReturnType<typeof timeStatusReads>>;

/**
 * The result's `statusReads`: first over the open (waiting) registrations when there are any, else
 * over the completed ones; then, when both exist, over the completed ones as `closedWorkflows`
 * (a query on a closed workflow makes the worker replay it).
 */
export async function statusReadsPhase(ctx: BenchContext, open: readonly Applicant[], completed: readonly Applicant[]) {
  const { statusClients, statusSeconds } = ctx.options;
  const targets = open.length > 0 ? open : completed;
  out(`status reads: ${statusClients} clients for ${statusSeconds} s over ${targets.length} registrations`);
  const statusReads = {
    target: open.length > 0 ? 'AWAITING_APPROVAL (open workflows)' : 'PROVISIONED (completed workflows)',
    ...(await timeStatusReads(ctx, targets)),
  };
  let closedWorkflows: StatusReadTiming | undefined;
  if (open.length > 0 && completed.length > 0) {
    out(`status reads: ${statusClients} clients for ${statusSeconds} s over the ${completed.length} completed registrations`);
    closedWorkflows = await timeStatusReads(ctx, completed);
  }
  return { ...statusReads, closedWorkflows };
}

/**
 * `--status-clients` concurrent readers of GET /registrations/:id, for at most `--status-seconds`
 * and `--status-reads` reads in all, from a worker thread (bench/status-load.mjs) so that the
 * readers' own HTTP work does not share the API's event loop.
 */
export async function timeStatusReads({ options, db, clients: http }: BenchContext, targets: readonly Applicant[]) {
  const { statusClients: clients, statusSeconds: seconds, statusReads: maxReads, requestTimeoutMs } = options;
  const dbBefore = db.snapshot();
  const result = await new Promise<{ latencies: number[]; statuses: Record<string, number>; wallMs: number }>((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'status-load.mjs'), {
      workerData: {
        baseUrl: http.api.baseUrl,
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
