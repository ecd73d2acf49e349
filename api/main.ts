/** Starts the HTTP API against the configured Temporal and MongoDB. */
import { createAccountService } from '../accounts/account-service';
import { loadConfig } from '../config';
import { log } from '../infra/logger';
import { connectTemporalClient } from '../infra/temporal-connection';
import { connectDatabase } from '../models/connect';
import { EncryptionCodec, parseCodecKeys } from '../security/payload-codec';
import { keysFromBase64 } from '../security/secrets';
import { createApp } from './app';

export async function startApi(config = loadConfig()) {
  await connectDatabase(config.mongodbUri);
  const keys = keysFromBase64(config.hashKey, config.fieldKey);
  const accounts = createAccountService({ sessionTtlMs: config.sessionTtlMs, keys });
  await accounts.ensureConfiguredAccount({ ...config.helpDesk, role: 'HELP_DESK', name: 'EUS Help Desk' });
  await accounts.ensureConfiguredAccount({ ...config.operator, email: config.helpDesk.email, role: 'OPERATOR', name: 'Operator' });
  const temporal = await connectTemporalClient({ ...config.temporal, payloadKeys: config.payloadKeys });
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
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(config.api.port, config.api.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  log.info('api listening', { url: `http://${config.api.host}:${port}` });
  return {
    url: `http://${config.api.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.connection.close();
    },
  };
}

if (require.main === module) {
  startApi().catch((err: unknown) => {
    log.error('api failed', { error: String(err) });
    process.exit(1);
  });
}
