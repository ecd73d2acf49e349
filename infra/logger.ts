/**
 * Structured JSON log lines on stderr. Fields whose names say "secret" are redacted, so a
 * careless `log.info('x', { ssn })` still writes nothing sensitive.
 */
const SECRET_FIELD = /ssn|dateofbirth|dob|password|code|answer|token|secret|authorization|identity/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  // Read on every line, so a process (or a test) can change its level while running.
  if (ORDER[level] < (ORDER[process.env.LOG_LEVEL as Level] ?? ORDER.info)) return;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...(redact(fields) as object) })}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
