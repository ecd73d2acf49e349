import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertBinaries, ferretDbPath } from './binaries';
import { freePort, retryOnPortTaken } from './ports';
import { spawnLogged } from './processes';

interface StartFerretDbOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Directory holding the SQLite files; reuse it to keep data across restarts. */
  dataDir: string;
  /** Directory for `ferretdb-<port>.log`. */
  logDir: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  startTimeoutMs?: number;
}

export interface RunningFerretDb {
  /** `mongodb://127.0.0.1:PORT/` */
  uri: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded FerretDB binary (MongoDB wire protocol on SQLite); on a port picked free
 * and taken before the bind, it starts again on another.
 */
export async function startFerretDb(options: StartFerretDbOptions): Promise<RunningFerretDb> {
  return retryOnPortTaken(() => startOnce(options), options.port !== undefined);
}

async function startOnce(options: StartFerretDbOptions): Promise<RunningFerretDb> {
  assertBinaries('ferretDb');
  const port = options.port ?? (await freePort());
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const proc = spawnLogged({
    name: `ferretdb-${port}`,
    command: ferretDbPath,
    args: ['-listen', `127.0.0.1:${port}`, '-sqlite-dir', dataDir, '-log-level', options.logLevel ?? 'warn'],
    logDir: options.logDir,
  });
  try {
    await proc.waitForPort(port, { timeoutMs: options.startTimeoutMs ?? 30_000 });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    logFile: proc.logFile,
    stop: () => proc.stop(),
  };
}
