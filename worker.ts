/** The Temporal worker: registration and application-role workflows and their activities, on one task queue. */
import { extname, join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { createMailer } from './activities/mailer';
import { createSsaClient } from './activities/ssa-client';
import { loadConfig, type Config } from './config';
import { dataConverterFor, temporalTlsConfig } from './infra/temporal-connection';
import { log } from './infra/logger';
import { installTemporalRuntime } from './infra/temporal-runtime';
import { listDecidersOnce } from './approvals/approvers';
import { connectDatabase, disconnectDatabase } from './models/connect';
import { keysFromBase64 } from './security/secrets';

export async function createWorker(config: Config): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: config.temporal.address, tls: temporalTlsConfig(config.temporal.tls) });
  const mailer = createMailer(config.smtp);
  // The approvers' notices find approvers under their keys: accounts from before the keys are listed, once per database.
  await listDecidersOnce();
  // The approvers' notices link to their queue in the console.
  const approvalsUrl = `${config.publicBaseUrl}/console/queue`;
  const activities = createActivities({
    keys: keysFromBase64(config.hashKey, config.fieldKey),
    mailer,
    ssa: createSsaClient(config.ssaEndpoint),
    approvalsUrl,
  });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // A bundle built beforehand (the tests build one per run), or workflows/index.ts under tsx,
    // dist/workflows/index.js in the image (built with tsc), bundled now.
    ...(config.worker.workflowBundlePath
      ? { workflowBundle: { codePath: config.worker.workflowBundlePath } }
      : { workflowsPath: join(__dirname, 'workflows', `index${extname(__filename)}`) }),
    activities,
    dataConverter: dataConverterFor(config.payloadKeys),
    // Set on purpose: a waiting request needs no memory, and its history replays in milliseconds
    // when its next event comes; without it the SDK sizes the cache from the heap limit (thousands).
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
  });
  return {
    worker,
    async close() {
      mailer.close();
      await connection.close();
    },
  };
}

async function main(): Promise<void> {
  installTemporalRuntime();
  const config = loadConfig();
  await connectDatabase(config.mongodbUri);
  const { worker, close } = await createWorker(config);
  log.info('worker started', { taskQueue: config.temporal.taskQueue, temporal: config.temporal.address });
  // On SIGTERM (or SIGINT) the SDK's runtime shuts the worker down: it stops polling, lets the
  // tasks under way finish (up to shutdownGraceTime), then run() returns.
  process.once('SIGTERM', () => log.info('worker stopping', { signal: 'SIGTERM' }));
  await worker.run();
  await close();
  await disconnectDatabase();
  log.info('worker stopped');
}

const USAGE = `worker: runs the registration and application-role workflows and their activities.
Configured by environment variables (README.md, "Real servers instead of the embedded ones"):
TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, MONGODB_URI, SMTP_HOST, SMTP_PORT,
SSA_ENDPOINT, PAYLOAD_KEYS, HASH_KEY, FIELD_KEY, WORKER_MAX_CACHED_WORKFLOWS, WORKFLOW_BUNDLE_PATH,
TEMPORAL_METRICS_BIND_ADDRESS (host:port for the SDK's Prometheus metrics). SIGTERM drains and stops it.
`;

if (require.main === module && process.argv.includes('--help')) process.stdout.write(USAGE);
else if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error('worker failed', { error: String(err) });
      process.exit(1);
    },
  );
}
