/** Starts the whole service on real local servers for one test file, in a fresh temp dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../infra/local-stack';

/** Our own servers only: addresses the developer's shell may have set are ignored. */
export async function startTestStack(env: Record<string, string> = {}): Promise<LocalStack> {
  const base = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_HOST', 'SMTP_PORT', 'SSA_ENDPOINT', 'API_PORT', 'EMAIL_CODE_TTL_MS']) delete base[name];
  return startLocalStack({ dataDir: mkdtempSync(join(tmpdir(), 'iacs-test-')), env: { ...base, LOG_LEVEL: 'warn', ...env } });
}
