import { Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertBinaries, temporalCliPath } from './binaries';
import { freePort, retryOnPortTaken } from './ports';
import { spawnLogged } from './processes';

interface StartTemporalDevServerOptions {
  /** gRPC frontend port; defaults to a free port. */
  port?: number;
  /** Web UI port; defaults to a free port (ignored when headless). */
  uiPort?: number;
  /** SQLite file for persistence across restarts; in-memory when omitted. */
  dbFile?: string;
  /** Remote codec endpoint for the Web UI, e.g. `http://localhost:3000/codec`. */
  codecEndpoint?: string;
  /** Disable the Web UI. */
  headless?: boolean;
  /** Directory for `temporal-<port>.log`. */
  logDir: string;
  /** `Name` (registered as Keyword) or `Name=Type` (Text, Keyword, Int, Double, Bool, Datetime, KeywordList). */
  searchAttributes?: string[];
  /** How long to wait for the server to answer gRPC; default 60 s. */
  startTimeoutMs?: number;
}

export interface RunningTemporalDevServer {
  /** `127.0.0.1:PORT` */
  address: string;
  port: number;
  /** `http://127.0.0.1:UI_PORT` unless headless. */
  uiUrl?: string;
  logFile: string;
  stop(): Promise<void>;
}

export const TEMPORAL_NAMESPACE = 'default';

function searchAttributeArgs(attributes: readonly string[]): string[] {
  return attributes.flatMap((attribute) => ['--search-attribute', attribute.includes('=') ? attribute : `${attribute}=Keyword`]);
}

/**
 * Starts `temporal server start-dev` and resolves once its gRPC frontend answers. Ports left to
 * it are picked free; when another process takes one between the pick and the bind (two test
 * runs on one machine), it starts again on others, up to three times.
 */
export async function startTemporalDevServer(options: StartTemporalDevServerOptions): Promise<RunningTemporalDevServer> {
  const pinned = options.port !== undefined && (options.headless === true || options.uiPort !== undefined);
  return retryOnPortTaken(() => startOnce(options), pinned);
}

async function startOnce(options: StartTemporalDevServerOptions): Promise<RunningTemporalDevServer> {
  assertBinaries('temporalCli');
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    TEMPORAL_NAMESPACE,
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort), '--ui-disable-news-fetch']),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...searchAttributeArgs(options.searchAttributes ?? []),
  ];
  const proc = spawnLogged({ name: `temporal-${port}`, command: temporalCliPath, args, logDir: options.logDir });
  const address = `127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    await proc.waitForPort(port, { timeoutMs });
  } catch (err) {
    await proc.stop();
    throw err; // already carries the log tail
  }
  try {
    await waitUntilServing(address, timeoutMs, () => proc.exitStatus());
  } catch (err) {
    await proc.stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\nLog ${proc.logFile}:\n${proc.logTail()}`, { cause: err });
  }
  return {
    address,
    port,
    ...(uiPort === undefined ? {} : { uiUrl: `http://127.0.0.1:${uiPort}` }),
    logFile: proc.logFile,
    stop: () => proc.stop(),
  };
}

/** Retries getSystemInfo and describeNamespace until both succeed. */
async function waitUntilServing(address: string, timeoutMs: number, exitStatus: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const status = exitStatus();
    if (status !== undefined) throw new Error(`Temporal dev server exited (${status}) while starting`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace: TEMPORAL_NAMESPACE });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close();
    }
    await sleep(250);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${reason}`);
}
