/** The command line of `npm run bench`. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Timed complete registrations. */
  registrations: number;
  /** Registrations (and baseline workflows) in flight at once. */
  concurrency: number;
  /** JSON result file (a copy goes to bench/results/<timestamp>.json). */
  out: string | undefined;
  /** Registrations brought to AWAITING_APPROVAL in parked mode; 0 = off. */
  parked: number;
  parkedConcurrency: number;
  /** Parked registrations approved afterwards, for the approve p95. */
  approveSample: number;
  /** Concurrent GET /registrations/:id clients. */
  statusClients: number;
  statusSeconds: number;
  /** Upper bound on status reads in one measurement. */
  statusReads: number;
  /** Waiting requests to create before timing GET /approvals (0: whatever is waiting). */
  queueWaiting: number;
  /** Waiting requests created for the status reads when --queue-waiting is 0. */
  statusOpen: number;
  /** Run the timed flow a second time on the same data and report the growth. */
  secondBatch: boolean;
  /** GET /approvals reads per measurement. */
  queueReads: number;
  /** Untimed registrations (and baseline workflows) before timing. */
  warmup: number;
  /** Polling interval for statuses and emails, ms. */
  pollMs: number;
  /** Longest wait for one status or email, ms. */
  waitMs: number;
  /** Longest time one HTTP request may take, ms. */
  requestTimeoutMs: number;
  /** The whole run stops starting work after this many seconds. */
  timeLimitSeconds: number;
  /** Keep the temp data dir (Temporal SQLite, FerretDB files, logs). */
  keepData: boolean;
}

export const USAGE = `npm run bench -- --registrations N --concurrency C --out FILE [options]

  --registrations N      timed complete registrations (default 20)
  --concurrency C        registrations / baseline workflows in flight (default 4)
  --out FILE             JSON result (also copied to bench/results/<timestamp>.json)
  --parked P             parked mode: P registrations left AWAITING_APPROVAL (default 0 = off)
  --parked-concurrency   concurrency while parking (default 50)
  --approve-sample K     parked registrations approved for the approve p95 (default 50)
  --status-clients K     concurrent GET /registrations/:id clients (default 100)
  --status-seconds S     how long the status readers run (default 5)
  --status-reads R       at most R status reads per measurement (default 20000)
  --queue-waiting W      create W waiting requests before timing GET /approvals (default 0)
  --second-batch         run the timed flow again on the same data; report its rate and the growth
  --status-open K        when W is 0: K waiting requests for the status reads (default 10; 0 = none)
  --queue-reads R        GET /approvals reads per measurement (default 20)
  --warmup K             untimed registrations and baseline workflows first (default 2)
  --poll-ms MS           status / mail polling interval (default 100)
  --wait-ms MS           longest wait for one status or email (default 120000)
  --request-timeout-ms   longest time one HTTP request may take (default 60000)
  --time-limit S         stop starting work after S seconds (default 3600)
  --keep-data            keep the temp data dir
`;

function int(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${value}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      registrations: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      parked: { type: 'string' },
      'parked-concurrency': { type: 'string' },
      'approve-sample': { type: 'string' },
      'status-clients': { type: 'string' },
      'status-seconds': { type: 'string' },
      'status-reads': { type: 'string' },
      'queue-waiting': { type: 'string' },
      'second-batch': { type: 'boolean' },
      'queue-reads': { type: 'string' },
      'status-open': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      warmup: { type: 'string' },
      'poll-ms': { type: 'string' },
      'wait-ms': { type: 'string' },
      'time-limit': { type: 'string' },
      'keep-data': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    registrations: int('registrations', values.registrations, 20, 1),
    concurrency: int('concurrency', values.concurrency, 4, 1),
    out: values.out,
    parked: int('parked', values.parked, 0),
    parkedConcurrency: int('parked-concurrency', values['parked-concurrency'], 50, 1),
    approveSample: int('approve-sample', values['approve-sample'], 50),
    statusClients: int('status-clients', values['status-clients'], 100, 1),
    statusSeconds: int('status-seconds', values['status-seconds'], 5, 1),
    statusReads: int('status-reads', values['status-reads'], 20_000, 1),
    queueWaiting: int('queue-waiting', values['queue-waiting'], 0),
    secondBatch: values['second-batch'] ?? false,
    statusOpen: int('status-open', values['status-open'], 10),
    queueReads: int('queue-reads', values['queue-reads'], 20, 1),
    warmup: int('warmup', values.warmup, 2),
    pollMs: int('poll-ms', values['poll-ms'], 100, 10),
    waitMs: int('wait-ms', values['wait-ms'], 120_000, 1_000),
    requestTimeoutMs: int('request-timeout-ms', values['request-timeout-ms'], 60_000, 1_000),
    timeLimitSeconds: int('time-limit', values['time-limit'], 3600, 10),
    keepData: values['keep-data'] ?? false,
  };
}
