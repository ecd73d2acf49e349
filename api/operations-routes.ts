/**
 * What operators and orchestrators ask the process: `/healthz` (the process answers),
 * `/readyz` (MongoDB and Temporal answer; 503 problem+json otherwise) and `/metrics` (Prometheus).
 */
import { Router } from 'express';
import mongoose from 'mongoose';
import type { Client } from '@temporalio/client';
import type { ApiMetrics } from './metrics';
import { HttpProblem } from './problem';

const CHECK_TIMEOUT_MS = 2_000;

async function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function up(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await within(CHECK_TIMEOUT_MS, check);
    return 'up';
  } catch {
    return 'down';
  }
}

export function operationsRoutes(deps: { temporal: Client; metrics: ApiMetrics }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Kept for probes written before /healthz.
  router.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  router.get('/readyz', async (_req, res) => {
    const [mongodb, temporal] = await Promise.all([
      up(async () => {
        const db = mongoose.connection.db;
        if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) throw new Error('not connected');
        await db.admin().ping();
      }),
      up(() =>
        deps.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          deps.temporal.connection.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const checks = { mongodb, temporal };
    if (mongodb === 'down' || temporal === 'down') {
      const down = Object.entries(checks)
        .filter(([, state]) => state === 'down')
        .map(([name]) => name);
      throw new HttpProblem(503, `not ready: ${down.join(' and ')} not reachable`, [], { checks });
    }
    res.json({ ok: true, checks });
  });

  router.get('/metrics', async (_req, res) => {
    const text = await deps.metrics.scrape();
    res.type(deps.metrics.registry.contentType).send(text);
  });

  return router;
}
