/**
 * Local stand-in for SSA identity validation.
 *
 *   POST /v1/identity-validations  { firstName, lastName, dateOfBirth: 'YYYY-MM-DD', ssn: 'NNN-NN-NNNN' }
 *        → 200 { result: 'MATCH' | 'NO_MATCH' }, 400 problem+json when malformed,
 *          503 problem+json while made unavailable
 *   PUT  /control/availability     { available: boolean } → 200 { available }
 *   GET  /control/requests/count   → 200 { count } (validation requests received, any outcome)
 *   POST /control/reset            → 204 (available again, count back to 0)
 *
 * Identities are in simulators/ssa-fixtures.ts. Never logs SSNs or dates of birth.
 * Run alone: `tsx simulators/ssa-simulator.ts` (SSA_SIMULATOR_PORT=7070, SSA_SIMULATOR_HOST=127.0.0.1).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer } from 'node:http';
import { z } from 'zod';
import { listenOn } from '../infra/ports';
import { SSA_VALID_IDENTITIES, type SsaIdentity } from './ssa-fixtures';

const identityValidationRequest = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  dateOfBirth: z.iso.date(),
  ssn: z.string().regex(/^\d{3}-\d{2}-\d{4}$/, 'must look like NNN-NN-NNNN'),
});
type IdentityValidationRequest = z.infer<typeof identityValidationRequest>;
type IdentityValidationResult = 'MATCH' | 'NO_MATCH';

const availabilityRequest = z.object({ available: z.boolean() });

const indexes = new WeakMap<readonly SsaIdentity[], ReadonlyMap<string, SsaIdentity>>();
/** The fixtures by SSN (the first of each), built once per fixture list. */
function bySsn(fixtures: readonly SsaIdentity[]): ReadonlyMap<string, SsaIdentity> {
  let index = indexes.get(fixtures);
  if (!index) {
    const map = new Map<string, SsaIdentity>();
    for (const f of fixtures) if (!map.has(f.ssn)) map.set(f.ssn, f);
    indexes.set(fixtures, (index = map));
  }
  return index;
}

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** MATCH when all four fields equal a fixture's (names case-insensitively, trimmed). */
function matchIdentity(
  request: IdentityValidationRequest,
  fixtures: readonly SsaIdentity[] = SSA_VALID_IDENTITIES,
): IdentityValidationResult {
  const fixture = bySsn(fixtures).get(request.ssn);
  const matches =
    fixture !== undefined &&
    fixture.dateOfBirth === request.dateOfBirth &&
    sameName(fixture.firstName, request.firstName) &&
    sameName(fixture.lastName, request.lastName);
  return matches ? 'MATCH' : 'NO_MATCH';
}

interface StartSsaSimulatorOptions {
  /** Defaults to a free port. */
  port?: number;
  host?: string;
}

export interface RunningSsaSimulator {
  url: string;
  port: number;
  setAvailable(available: boolean): void;
  requestCount(): number;
  stop(): Promise<void>;
}

function problem(res: Response, status: number, title: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...extra });
}

export async function startSsaSimulator(options: StartSsaSimulatorOptions = {}): Promise<RunningSsaSimulator> {
  const host = options.host ?? '127.0.0.1';
  let available = true;
  let count = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  app.post('/v1/identity-validations', (req, res) => {
    count += 1;
    if (!available) {
      res.set('Retry-After', '1');
      problem(res, 503, 'SSA identity validation is unavailable', { detail: 'Simulated outage; retry later.' });
      return;
    }
    const parsed = identityValidationRequest.safeParse(req.body);
    if (!parsed.success) {
      // Field paths and rule messages only: never echo the submitted values.
      const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
      problem(res, 400, 'Invalid identity validation request', { errors });
      return;
    }
    res.json({ result: matchIdentity(parsed.data) });
  });

  app.put('/control/availability', (req, res) => {
    const parsed = availabilityRequest.safeParse(req.body);
    if (!parsed.success) {
      problem(res, 400, 'Body must be { "available": boolean }');
      return;
    }
    available = parsed.data.available;
    res.json({ available });
  });
  app.get('/control/requests/count', (_req, res) => {
    res.json({ count });
  });
  app.post('/control/reset', (_req, res) => {
    available = true;
    count = 0;
    res.status(204).end();
  });

  app.use((_req: Request, res: Response) => problem(res, 404, 'Not found'));
  // Body-parser errors would quote the request body, which may hold an SSN: answer generically, log nothing.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) {
      if (req.path === '/v1/identity-validations') count += 1;
      problem(res, status, status === 413 ? 'Request body too large' : 'Malformed request body');
    } else {
      problem(res, 500, 'Internal error');
    }
  });

  const server = createServer(app);
  const port = await listenOn(server, options.port ?? 0, host);

  return {
    url: `http://${host}:${port}`,
    port,
    setAvailable(value) {
      available = value;
    },
    requestCount: () => count,
    stop() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  const simulator = await startSsaSimulator({
    port: Number(process.env.SSA_SIMULATOR_PORT ?? 7070),
    host: process.env.SSA_SIMULATOR_HOST ?? '127.0.0.1',
  });
  console.warn(`[ssa-simulator] listening at ${simulator.url}/v1/identity-validations`);
  const shutdown = (): void => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  main().catch((err: unknown) => {
    console.error('[ssa-simulator] failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
