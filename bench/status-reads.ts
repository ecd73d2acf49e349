/** Concurrent applicants reading their own status (`GET /registrations/:id`), and what each read costs. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  const floor = await floorReads(ctx, targets);
  return { ...statusReads, closedWorkflows, floor, ratioToFloor: round(statusReads.readsPerSecond / floor.readsPerSecond, 3) };
}

/**
 * The same readers against a bare node:http server on the API's event loop, answering every
 * read with one fixed answer of the API's (a real view): what this machine reads at best, so
 * that our figures read as a ratio to a floor measured in the same run.
 */
async function floorReads(ctx: BenchContext, targets: readonly Applicant[]) {
  const sample = targets[0]!;
  const body = JSON.stringify((await ctx.clients.api.call('GET', `/registrations/${sample.id}`, { token: sample.token })).body);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port }: AddressInfo = addressOf(server.address());
  out(`status reads floor: ${ctx.options.statusClients} clients for ${ctx.options.statusSeconds} s against a bare node:http server`);
  try {
    const result = await readLoad(ctx, `http://127.0.0.1:${port}`, targets);
    const wall = result.wallMs / 1000;
    return {
      bodyBytes: Buffer.byteLength(body),
      reads: result.latencies.length,
      readsPerSecond: round(result.latencies.length / wall, 1),
      ...summarize(result.latencies),
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function addressOf(address: AddressInfo | string | null): AddressInfo {
  if (address === null || typeof address === 'string') throw new Error('the floor server is not listening on TCP');
  return address;
}

/** The readers, in their worker thread (bench/status-load.mjs), against `baseUrl`. */
function readLoad({ options }: BenchContext, baseUrl: string, targets: readonly Applicant[]) {
  const { statusClients: clients, statusSeconds: seconds, statusReads: maxReads, requestTimeoutMs } = options;
  return new Promise<{ latencies: number[]; statuses: Record<string, number>; wallMs: number }>((resolve, reject) => {
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
}

/**
 * `--status-clients` concurrent readers of GET /registrations/:id, for at most `--status-seconds`
 * and `--status-reads` reads in all, from a worker thread (bench/status-load.mjs) so that the
 * readers' own HTTP work does not share the API's event loop.
 */
export async function timeStatusReads(ctx: BenchContext, targets: readonly Applicant[]) {
  const { options, db, clients: http } = ctx;
  const dbBefore = db.snapshot();
  const result = await readLoad(ctx, http.api.baseUrl, targets);
  const { latencies, statuses } = result;
  const wall = result.wallMs / 1000;
  const dbCounts = DbMonitor.between(dbBefore, db.snapshot());
  return {
    clients: options.statusClients,
    registrations: targets.length,
    reads: latencies.length,
    seconds: round(wall, 2),
    readsPerSecond: round(latencies.length / wall, 1),
    httpStatuses: statuses,
    dbCommandsPerRead: dbPerUnit(dbCounts, latencies.length).total,
    ...summarize(latencies),
  };
}
