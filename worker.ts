/** The Temporal worker: registration and application-role workflows and their activities, on one task queue. */
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApplicationRoleActivities } from './activities/application-role-activities';
import { createMailer } from './activities/mailer';
import { createRegistrationActivities } from './activities/registration-activities';
import { createSsaClient } from './activities/ssa-client';
import { loadConfig, type Config } from './config';
import { dataConverterFor } from './infra/temporal-connection';
import { log } from './infra/logger';
import { installTemporalRuntime } from './infra/temporal-runtime';
import { connectDatabase, disconnectDatabase } from './models/connect';
import { keysFromBase64 } from './security/secrets';

export async function createWorker(config: Config): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const mailer = createMailer(config.smtp);
  const activities = {
    ...createRegistrationActivities({
      keys: keysFromBase64(config.hashKey, config.fieldKey),
      mailer,
      ssa: createSsaClient(config.ssaEndpoint),
    }),
    ...createApplicationRoleActivities({ mailer }),
  };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: join(__dirname, 'workflows', 'index.ts'),
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

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error('worker failed', { error: String(err) });
      process.exit(1);
    },
  );
}
