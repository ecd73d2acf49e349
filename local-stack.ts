/**
 * Everything the service needs on one machine: embedded Temporal (with its Web UI), FerretDB,
 * the mail catcher and the SSA simulator — each replaced by a real server when its address is
 * configured — then the worker and the API. Used by `make start` and by the end-to-end tests.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startApi } from './api/main';
import { loadConfig, type Config } from './config';
import { connectDatabase, disconnectDatabase } from './models/connect';
import { startMailCatcher, type RunningMailCatcher } from './simulators/mail-catcher';
import { startSsaSimulator, type RunningSsaSimulator } from './simulators/ssa-simulator';
import { createWorker } from './worker';
import { startFerretDb } from './infra/ferretdb';
import { log } from './infra/logger';
import { freePort, listenOn } from './infra/ports';
import { installTemporalRuntime } from './infra/temporal-runtime';
import { startTemporalDevServer } from './infra/temporal';
import { workerProcess, type WorkerProcess } from './infra/worker-process';
import { searchAttributeSpecs } from './domain/search-attributes';

export interface LocalStackOptions {
  /** Where embedded servers keep data and logs. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Fixed ports for a developer's stack; tests leave them free. */
  ports?: { temporal?: number; temporalUi?: number; mongo?: number; smtp?: number; mailHttp?: number; ssa?: number; api?: number };
  /** Keep Temporal's state in `dataDir` across restarts (the dev stack does; tests need not). */
  persistTemporal?: boolean;
  /** Run the worker as its own process (as in production), which a test may kill and start again. */
  workerProcess?: boolean;
}

export interface LocalStack {
  config: Config;
  /** Where the embedded servers write their logs. */
  logDir: string;
  apiUrl: string;
  temporalUiUrl?: string;
  mailCatcherUrl?: string;
  ssa?: RunningSsaSimulator;
  /** The embedded mail catcher, when the stack started one. */
  mailCatcher?: RunningMailCatcher;
  /** The worker's own process, when the stack runs it as one (`workerProcess`). */
  worker?: WorkerProcess;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const env = { ...(options.env ?? process.env) };
  // The worker runs in this process: the SDK's metrics are served on a port of their own, and the
  // API's /metrics adds them to its own.
  installTemporalRuntime({ metricsBindAddress: env.TEMPORAL_METRICS_BIND_ADDRESS ?? `127.0.0.1:${await freePort()}` });
  const ports = options.ports ?? {};
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const result: Partial<LocalStack> = {};

  // The API's socket is bound before anything starts: the Web UI is told where the codec is, and
  // a port picked free and bound only later could meanwhile be taken by another process.
  const apiSocket = createServer();
  env.API_PORT = String(await listenOn(apiSocket, ports.api ?? Number(env.API_PORT ?? 0), env.API_HOST ?? '127.0.0.1'));
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.API_PORT}`).replace(/\/+$/, '');
  try {
    if (!env.TEMPORAL_ADDRESS) {
      const temporal = await startTemporalDevServer({
        port: ports.temporal,
        uiPort: ports.temporalUi,
        logDir,
        dbFile: options.persistTemporal ? join(options.dataDir, 'temporal.sqlite') : undefined,
        searchAttributes: searchAttributeSpecs(),
        codecEndpoint: `${publicBaseUrl}/codec`,
      });
      stops.push(temporal.stop);
      env.TEMPORAL_ADDRESS = temporal.address;
      // Operators open the UI under the console's host name, so that the browser sends the codec
      // its cookie (a cookie belongs to a host name: localhost and 127.0.0.1 are two sites).
      const uiPort = new URL(temporal.uiUrl ?? 'http://127.0.0.1:0').port;
      const uiUrl = `http://${new URL(publicBaseUrl).hostname}:${uiPort}`;
      env.TEMPORAL_UI_URL ??= uiUrl;
      env.TEMPORAL_UI_ORIGINS ??= [uiUrl, `http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`].join(',');
      result.temporalUiUrl = env.TEMPORAL_UI_URL;
    }
    if (!env.MONGODB_URI) {
      const ferret = await startFerretDb({ port: ports.mongo, dataDir: join(options.dataDir, 'ferretdb'), logDir });
      stops.push(ferret.stop);
      env.MONGODB_URI = `${ferret.uri.replace(/\/$/, '')}/iacs`;
    }
    if (!env.SMTP_HOST) {
      const mail = await startMailCatcher({ smtpPort: ports.smtp, httpPort: ports.mailHttp });
      stops.push(mail.stop);
      env.SMTP_HOST = '127.0.0.1';
      env.SMTP_PORT = String(mail.smtpPort);
      result.mailCatcherUrl = mail.httpUrl;
      result.mailCatcher = mail;
    }
    if (!env.SSA_ENDPOINT) {
      const ssa = await startSsaSimulator({ port: ports.ssa });
      stops.push(ssa.stop);
      env.SSA_ENDPOINT = `${ssa.url}/v1/identity-validations`;
      result.ssa = ssa;
    }

    const config = loadConfig(env);
    await connectDatabase(config.mongodbUri);
    stops.push(disconnectDatabase);
    if (options.workerProcess) {
      const worker = workerProcess({ env: { ...env, TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${await freePort()}` }, logDir });
      await worker.start();
      stops.push(() => worker.stop());
      result.worker = worker;
    } else {
      const { worker, close } = await createWorker(config);
      const running = worker.run();
      stops.push(async () => {
        worker.shutdown();
        await running;
        await close();
      });
    }
    const api = await startApi(config, apiSocket);
    stops.push(api.close);
    log.info('local stack ready', { api: api.url, temporalUi: result.temporalUiUrl, mailCatcher: result.mailCatcherUrl });
    return { ...result, config, logDir, apiUrl: api.url, stop: () => stopAll(stops) };
  } catch (err) {
    await stopAll(stops);
    if (apiSocket.listening) apiSocket.close();
    throw err;
  }
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (err) {
      log.warn('stop failed', { error: String(err) });
    }
  }
  stops.length = 0;
}
