/** Starts the HTTP API against the configured Temporal and MongoDB. */
import { createServer, type Server } from 'node:http';
import { createAccountService } from '../accounts/account-service';
import { loadConfig } from '../config';
import { log } from '../infra/logger';
import { boundPort, listenOn } from '../infra/ports';
import { connectTemporalClient } from '../infra/temporal-connection';
import { connectDatabase, disconnectDatabase } from '../models/connect';
import { startExpirySweeper } from '../models/expiry';
import { SettingModel } from '../models/settings';
import { buildApprovalQueueOnce } from '../approvals/approval-queue';
import { listDecidersOnce } from '../approvals/approvers';

// Renamed when items took slots under their keys: items from before are placed again, once.
const APPROVAL_QUEUE_BUILT = 'approvalQueueSlotted';
import { EncryptionCodec, parseCodecKeys } from '../security/payload-codec';
import { keysFromBase64 } from '../security/secrets';
import { createApp } from './app';
import { createMailer } from '../activities/mailer';
import { indexTrackingNumbersOnce } from './console/tracking-number-index';

/**
 * `listening`: a server already bound to the API's address (the local stack binds it before its
 * other servers start, so that no other process can take the port in between); without it the
 * API binds `config.api` itself, and a port already taken is an error, not a silent success.
 */
export async function startApi(config = loadConfig(), listening?: Server) {
  await connectDatabase(config.mongodbUri);
  const keys = keysFromBase64(config.hashKey, config.fieldKey);
  const accounts = createAccountService({ sessionTtlMs: config.sessionTtlMs, keys });
  await accounts.ensureConfiguredAccount({ ...config.helpDesk, role: 'HELP_DESK', name: 'EUS Help Desk' });
  await accounts.ensureConfiguredAccount({ ...config.operator, email: config.helpDesk.email, role: 'OPERATOR', name: 'Operator' });
  const temporal = await connectTemporalClient({ ...config.temporal, payloadKeys: config.payloadKeys });
  // Requests that started waiting before the approver queue existed join it, once per database.
  await buildApprovalQueueOnce(
    async () => (await SettingModel.exists({ _id: APPROVAL_QUEUE_BUILT })) !== null,
    async () => void (await SettingModel.updateOne({ _id: APPROVAL_QUEUE_BUILT }, { $set: { value: true } }, { upsert: true })),
  );
  // The Help Desk finds requests by tracking number with one read by `_id`: older numbers learn their request, once.
  await indexTrackingNumbersOnce();
  // Approvers are found under their routing keys: accounts from before the keys are listed, once.
  await listDecidersOnce();
  // Sessions and rate-limit counters are removed when they expire, each by `_id`.
  const sweeper = startExpirySweeper();
  const mailer = createMailer(config.smtp);
  const app = createApp({
    temporal,
    taskQueue: config.temporal.taskQueue,
    accounts,
    policy: config.policy,
    rateRules: config.rateRules,
    codec: new EncryptionCodec(parseCodecKeys(config.payloadKeys)),
    uiOrigins: config.temporalUiOrigins,
    keys,
    approvalDeadlines: config.approvalDeadlines,
    applications: config.applications,
    publicBaseUrl: config.publicBaseUrl,
    sessionTtlMs: config.sessionTtlMs,
    temporalUiUrl: config.temporalUiUrl,
    mailer,
  });
  const server = listening ?? createServer();
  server.on('request', app);
  const port = listening ? boundPort(listening) : await listenOn(server, config.api.port, config.api.host);
  log.info('api listening', { url: `http://${config.api.host}:${port}` });
  return {
    url: `http://${config.api.host}:${port}`,
    /** Stops taking connections, lets the requests under way finish, then lets go of Temporal. */
    async close() {
      sweeper.stop();
      mailer.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await temporal.connection.close();
    },
  };
}

const USAGE = `api: the HTTP API (OpenAPI at /openapi.json, docs at /docs, /healthz, /readyz, /metrics).
Configured by environment variables (README.md, "Real servers instead of the embedded ones"):
API_HOST, API_PORT, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, MONGODB_URI,
PAYLOAD_KEYS, HASH_KEY, FIELD_KEY, HELP_DESK_*, OPERATOR_*, TEMPORAL_UI_ORIGINS. SIGTERM stops it gracefully.
`;

if (require.main === module && process.argv.includes('--help')) process.stdout.write(USAGE);
else if (require.main === module) {
  startApi().then(
    (api) => {
      const stop = (signal: string) => {
        log.info('api stopping', { signal });
        api
          .close()
          .then(disconnectDatabase)
          .then(
            () => {
              log.info('api stopped', { signal });
              process.exit(0);
            },
            (err: unknown) => {
              log.error('api stop failed', { error: String(err) });
              process.exit(1);
            },
          );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      log.error('api failed', { error: String(err) });
      process.exit(1);
    },
  );
}
