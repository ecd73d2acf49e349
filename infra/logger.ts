/**
 * Structured JSON log lines on stderr. Fields whose names say "secret" are redacted, so a
 * careless `log.info('x', { ssn })` still writes nothing sensitive. Lines written while an HTTP
 * request is handled carry its context (`requestId`, and `workflowId` once the route knows it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with fields every log line written inside it (however deep, however async) carries;
 * `fields` is the context itself, so what `addLogContext` adds is seen by whoever holds it.
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return context.run(fields, fn);
}

/** Adds fields to the current context (e.g. the workflow id a route has just worked out). */
export function addLogContext(fields: Record<string, unknown>): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}
const SECRET_FIELD = /ssn|dateofbirth|dob|password|code|answer|token|secret|authorization|identity/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const isLevel = (value: string | undefined): value is Level => value !== undefined && Object.hasOwn(ORDER, value);

function write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  // Read on every line, so a process (or a test) can change its level while running.
  const configured = process.env.LOG_LEVEL;
  if (ORDER[level] < (isLevel(configured) ? ORDER[configured] : ORDER.info)) return;
  const line = { time: new Date().toISOString(), level, msg, ...context.getStore(), ...fields };
  process.stderr.write(`${JSON.stringify(redact(line))}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
