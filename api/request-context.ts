/**
 * Every request gets an id (the caller's `X-Request-Id` when it is a sane one, else a new one),
 * echoed in the answer; every log line written while it is handled carries it, and the workflow
 * id once a route knows it (`addLogContext`). One line per request says how it went.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { log, withLogContext } from '../infra/logger';

const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const requestContext: RequestHandler = (req, res, next) => {
  const offered = req.get('x-request-id');
  const requestId = offered !== undefined && SANE_ID.test(offered) ? offered : randomUUID();
  res.set('x-request-id', requestId);
  const started = process.hrtime.bigint();
  const context: Record<string, unknown> = { requestId };
  withLogContext(context, () => {
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route === undefined ? undefined : String(req.route.path);
      const fields = { ...context, method: req.method, route, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 };
      // 503 is a dependency being away (readiness), not a failure of ours.
      if (res.statusCode >= 500 && res.statusCode !== 503) log.error('request', fields);
      else log.info('request', fields);
    });
    next();
  });
};
