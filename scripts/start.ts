/**
 * `make start`: the whole service on this machine. Embedded Temporal (Web UI included),
 * FerretDB, the mail catcher and the SSA simulator start unless TEMPORAL_ADDRESS, MONGODB_URI,
 * SMTP_HOST or SSA_ENDPOINT name real servers; then the worker and the API. State is kept in
 * `.data/`, so a restart loses nothing.
 */
import { join } from 'node:path';
import { startLocalStack } from '../local-stack';
import { log } from '../infra/logger';

async function main(): Promise<void> {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const stack = await startLocalStack({
    dataDir: process.env.DATA_DIR ?? join(__dirname, '..', '.data'),
    persistTemporal: true,
    ports: {
      temporal: port('TEMPORAL_PORT', 7233),
      temporalUi: port('TEMPORAL_UI_PORT', 8233),
      mongo: port('FERRETDB_PORT', 27017),
      smtp: port('MAIL_CATCHER_SMTP_PORT', 1025),
      mailHttp: port('MAIL_CATCHER_HTTP_PORT', 1080),
      ssa: port('SSA_SIMULATOR_PORT', 7070),
      api: port('API_PORT', 3000),
    },
  });
  const lines = [
    `API:            ${stack.apiUrl}  (docs ${stack.apiUrl}/docs, OpenAPI ${stack.apiUrl}/openapi.json)`,
    `Operations:     ${stack.apiUrl}/healthz  ${stack.apiUrl}/readyz  ${stack.apiUrl}/metrics`,
    stack.temporalUiUrl &&
      `Temporal UI:    ${stack.temporalUiUrl}  (decoded for operators signed in at ${stack.config.publicBaseUrl}/console/operator)`,
    `Console:        ${stack.config.publicBaseUrl}/console`,
    stack.mailCatcherUrl && `Mail catcher:   ${stack.mailCatcherUrl}/ (inbox), ${stack.mailCatcherUrl}/messages (JSON)`,
    stack.ssa && `SSA simulator:  ${stack.ssa.url}`,
    `Help Desk:      ${stack.config.helpDesk.userId} (password from HELP_DESK_PASSWORD)`,
  ];
  process.stdout.write(`\nIACS registration service is up.\n${lines.filter(Boolean).join('\n')}\nCtrl-C stops it.\n`);
  const stop = async () => {
    log.info('stopping');
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  log.error('start failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
