/**
 * Prometheus metrics of one API process (`GET /metrics`): HTTP latency by route and status,
 * registrations and application-role requests by status and role, the approver queue's depth,
 * and, when the worker runs in the same process, the Temporal SDK's own worker metrics.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { log } from '../infra/logger';
import { temporalMetricsUrl } from '../infra/temporal-runtime';
import { ApplicationRoleRequestModel } from '../models/application-role';
import { ApprovalQueueItemModel } from '../models/approval-queue';
import { RegistrationModel } from '../models/registration';

/**
 * The read-model counts are worked out at most this often, whatever the scrape rate: one
 * grouped count per collection (a scan on FerretDB; on MongoDB an index on `{ status, role }`
 * serves it), not one per scrape.
 */
const COUNTS_MAX_AGE_MS = 30_000;

interface Count {
  status: string;
  role: string;
  count: number;
}

async function countsByStatusAndRole(model: typeof RegistrationModel | typeof ApplicationRoleRequestModel): Promise<Count[]> {
  const rows: { _id: { status?: unknown; role?: unknown }; count: number }[] = await model.aggregate([
    { $group: { _id: { status: '$status', role: '$role' }, count: { $sum: 1 } } },
  ]);
  return rows.map((r) => ({ status: String(r._id.status), role: String(r._id.role), count: r.count }));
}

function cached<T>(maxAgeMs: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > maxAgeMs) {
      const value = load();
      last = { at: Date.now(), value };
      // A failed count is tried again at the next scrape.
      value.catch(() => (last = undefined));
    }
    return last.value;
  };
}

export interface ApiMetrics {
  registry: Registry;
  /** Times every request, labelled with its route pattern (not its path: ids would explode the series). */
  timing: RequestHandler;
  /** The text a Prometheus scrape gets. */
  scrape(): Promise<string>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const counts = cached(COUNTS_MAX_AGE_MS, async () => ({
    registrations: await countsByStatusAndRole(RegistrationModel),
    applicationRoles: await countsByStatusAndRole(ApplicationRoleRequestModel),
    queueDepth: await ApprovalQueueItemModel.estimatedDocumentCount(),
  }));
  const fill = (gauge: Gauge<'status' | 'role'>, rows: Count[]) => {
    gauge.reset();
    for (const row of rows) gauge.set({ status: row.status, role: row.role }, row.count);
  };
  const failed = (what: string) => (err: unknown) => log.warn('metrics not counted', { what, error: String(err) });
  new Gauge({
    name: 'iacs_registrations',
    help: `Registrations by status and role (read model, at most ${COUNTS_MAX_AGE_MS / 1000} s old)`,
    labelNames: ['status', 'role'],
    registers: [registry],
    async collect() {
      await counts().then((c) => fill(this, c.registrations), failed('registrations'));
    },
  });
  new Gauge({
    name: 'iacs_application_role_requests',
    help: `Application-role requests by status and role (read model, at most ${COUNTS_MAX_AGE_MS / 1000} s old)`,
    labelNames: ['status', 'role'],
    registers: [registry],
    async collect() {
      await counts().then((c) => fill(this, c.applicationRoles), failed('application roles'));
    },
  });
  new Gauge({
    name: 'iacs_approval_queue_depth',
    help: 'Requests waiting for an approver (the approval_queue read model)',
    registers: [registry],
    async collect() {
      await counts().then((c) => this.set(c.queueDepth), failed('approval queue'));
    },
  });

  const timing: RequestHandler = (req, res, next) => {
    const end = http.startTimer();
    res.once('finish', () => {
      const route = req.route === undefined ? 'unmatched' : String(req.route.path);
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  async function scrape(): Promise<string> {
    const ours = await registry.metrics();
    const sdk = temporalMetricsUrl();
    if (!sdk) return ours;
    try {
      const response = await fetch(sdk, { signal: AbortSignal.timeout(2_000) });
      return `${ours}\n# The Temporal SDK's worker metrics (this process runs the worker)\n${await response.text()}`;
    } catch (err) {
      log.warn('temporal sdk metrics unavailable', { error: String(err) });
      return ours;
    }
  }

  return { registry, timing, scrape };
}
