/** The Markdown summary of one bench run (bench/results/latest.md). */
import type { Summary } from './stats';

type Percentiles = Pick<Summary, 'p50' | 'p95' | 'p99'>;

/** The fields of a result that the summary shows. */
export interface ReportInput {
  runId: string;
  startedAt: string;
  git: { commit?: string; dirty?: boolean };
  options: { registrations: number; concurrency: number; parked: number; statusClients: number };
  machine: { cpus: number; cpuModel: string; node: string };
  flow: {
    completed: number;
    failed: number;
    wallSeconds: number;
    registrationsPerSecond: number;
    steps: Record<string, Summary>;
    total: Summary;
  };
  baseline: { completed: number; workflowsPerSecond: number; total: Summary; historyEvents?: number; historyBytes?: number };
  ratioToBaseline: number;
  statusReads: Percentiles & {
    clients: number;
    reads: number;
    target: string;
    readsPerSecond: number;
    dbCommandsPerRead: number;
    closedWorkflows?: Percentiles & { reads: number; readsPerSecond: number };
    floor?: Percentiles & { reads: number; readsPerSecond: number; bodyBytes: number };
    ratioToFloor?: number;
  };
  approvalQueue: { waiting: number; reads: number; p50: number; p95: number };
  perRegistration: {
    dbCommands: number;
    dbCommandsBy: Record<string, number>;
    statusPolls: number;
    historyEvents: number;
    historyBytes: number;
  };
  cpuSecondsPerRegistration: Record<string, number>;
  baselineCpuSecondsPerWorkflow: Record<string, number>;
  cpuRatioToBaseline: number;
  memory: { workerRssMb: number; workerHeapUsedMb: number; peak: { nodeRssMb: number; childrenRssMb: Record<string, number> } };
  worker: { maxCachedWorkflows: number; source: string };
  parked: null | {
    created: number;
    seconds: number;
    workerRssMbBefore: number;
    workerRssMbAfter: number;
    workerHeapUsedMbBefore: number;
    workerHeapUsedMbAfter: number;
    approvalQueue: { waiting: number; p50: number; p95: number };
    statusReads: Percentiles;
    approve: { sample: number; approved: number; decide: Percentiles; toProvisioned: Percentiles };
  };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The status-read rows: open workflows, completed ones, and the floor of the same run. */
function statusReadRows(r: ReportInput): string[] {
  const lines: string[] = [];
  lines.push(
    row([
      `status reads, ${r.statusReads.clients} clients (${r.statusReads.target})`,
      `p50 ${ms(r.statusReads.p50)} ms, p99 ${ms(r.statusReads.p99)} ms, ${r.statusReads.reads} reads, ${num(r.statusReads.readsPerSecond, 1)}/s`,
    ]),
  );
  const closed = r.statusReads.closedWorkflows;
  if (closed)
    lines.push(
      row([
        `status reads, ${r.statusReads.clients} clients (PROVISIONED, completed workflows)`,
        `p50 ${ms(closed.p50)} ms, p99 ${ms(closed.p99)} ms, ${closed.reads} reads, ${num(closed.readsPerSecond, 1)}/s`,
      ]),
    );
  const floor = r.statusReads.floor;
  if (floor)
    lines.push(
      row([
        `status reads floor, ${r.statusReads.clients} clients (bare node:http, a fixed ${floor.bodyBytes}-byte view)`,
        `p50 ${ms(floor.p50)} ms, p99 ${ms(floor.p99)} ms, ${floor.reads} reads, ${num(floor.readsPerSecond, 1)}/s; ours ${num(r.statusReads.ratioToFloor, 3)} of it`,
      ]),
    );
  return lines;
}

export function markdownSummary(r: ReportInput): string {
  const lines: string[] = [];
  lines.push(`# Bench ${r.runId} — ${r.startedAt}`);
  lines.push('');
  lines.push(
    `${r.options.registrations} registrations at concurrency ${r.options.concurrency}; ${r.machine.cpus} × ${r.machine.cpuModel}; node ${r.machine.node}; ` +
      `commit ${r.git.commit?.slice(0, 10) ?? '?'}${r.git.dirty ? ' (dirty)' : ''}.`,
  );
  lines.push('');
  lines.push(row(['figure', 'value']));
  lines.push(row(['---', '---']));
  lines.push(
    row([
      'registrations/s',
      `${num(r.flow.registrationsPerSecond, 4)} (${r.flow.completed} done, ${r.flow.failed} failed, ${r.flow.wallSeconds} s)`,
    ]),
  );
  lines.push(row(['baseline workflows/s', `${num(r.baseline.workflowsPerSecond)} (${r.baseline.completed} done)`]));
  lines.push(row(['ratioToBaseline', num(r.ratioToBaseline, 4)]));
  lines.push(row(['CPU s / registration (all processes)', num(r.cpuSecondsPerRegistration.total, 3)]));
  lines.push(row(['CPU s / baseline workflow (all processes)', num(r.baselineCpuSecondsPerWorkflow.total, 4)]));
  lines.push(row(['CPU ratio to baseline', num(r.cpuRatioToBaseline, 1)]));
  lines.push(
    row([
      'DB commands / registration',
      `${num(r.perRegistration.dbCommands, 1)} (of which ≈ ${num(r.perRegistration.statusPolls * r.statusReads.dbCommandsPerRead, 1)} for ${num(r.perRegistration.statusPolls, 1)} status polls)`,
    ]),
  );
  lines.push(
    row(['history events / registration (baseline)', `${num(r.perRegistration.historyEvents, 1)} (${num(r.baseline.historyEvents, 0)})`]),
  );
  lines.push(
    row(['history bytes / registration (baseline)', `${num(r.perRegistration.historyBytes, 0)} (${num(r.baseline.historyBytes, 0)})`]),
  );
  lines.push(...statusReadRows(r));
  lines.push(
    row([`GET /approvals, ${r.approvalQueue.waiting} waiting`, `p50 ${ms(r.approvalQueue.p50)} ms, p95 ${ms(r.approvalQueue.p95)} ms`]),
  );
  lines.push(row(['node RSS (API + worker) after flow / peak', `${r.memory.workerRssMb} MB / ${r.memory.peak.nodeRssMb} MB`]));
  lines.push(
    row([
      'child RSS peak',
      Object.entries(r.memory.peak.childrenRssMb)
        .map(([name, rss]) => `${name} ${rss} MB`)
        .join(', ') || '–',
    ]),
  );
  lines.push(row(['worker maxCachedWorkflows', `${r.worker.maxCachedWorkflows} (${r.worker.source.split(':')[0]})`]));
  lines.push('');
  lines.push('## Steps (ms)');
  lines.push('');
  lines.push(row(['step', 'p50', 'p95', 'p99']));
  lines.push(row(['---', '---:', '---:', '---:']));
  for (const [step, s] of Object.entries(r.flow.steps)) lines.push(row([step, ms(s.p50), ms(s.p95), ms(s.p99)]));
  lines.push(row(['**total**', ms(r.flow.total.p50), ms(r.flow.total.p95), ms(r.flow.total.p99)]));
  lines.push(row(['baseline total', ms(r.baseline.total.p50), ms(r.baseline.total.p95), ms(r.baseline.total.p99)]));
  lines.push('');
  lines.push('## DB commands per registration');
  lines.push('');
  lines.push(row(['collection.command', 'per registration']));
  lines.push(row(['---', '---:']));
  for (const [key, count] of Object.entries(r.perRegistration.dbCommandsBy)) lines.push(row([key, count]));
  if (r.parked) {
    const p = r.parked;
    lines.push('');
    lines.push(`## Parked: ${p.created} awaiting approval (${p.seconds} s to park)`);
    lines.push('');
    lines.push(row(['figure', 'value']));
    lines.push(row(['---', '---']));
    lines.push(row(['node RSS before → after', `${p.workerRssMbBefore} → ${p.workerRssMbAfter} MB`]));
    lines.push(row(['node heap used before → after', `${p.workerHeapUsedMbBefore} → ${p.workerHeapUsedMbAfter} MB`]));
    lines.push(
      row([`GET /approvals, ${p.approvalQueue.waiting} waiting`, `p50 ${ms(p.approvalQueue.p50)} ms, p95 ${ms(p.approvalQueue.p95)} ms`]),
    );
    lines.push(row(['status reads', `p50 ${ms(p.statusReads.p50)} ms, p99 ${ms(p.statusReads.p99)} ms`]));
    lines.push(
      row([
        `approve (${p.approve.approved}/${p.approve.sample})`,
        `decide p95 ${ms(p.approve.decide.p95)} ms, to PROVISIONED p95 ${ms(p.approve.toProvisioned.p95)} ms`,
      ]),
    );
  }
  lines.push('');
  return lines.join('\n');
}
