/** Starts the whole service on real local servers for one test file, in a fresh temp dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local-stack';
import { testWorkflowBundle } from './workflow-bundle';

/** The environment for a stack of our own servers: addresses the developer's shell may have set are dropped. */
export function ownServersEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_HOST', 'SMTP_PORT', 'SSA_ENDPOINT', 'API_PORT', 'EMAIL_CODE_TTL_MS'])
    delete base[name];
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** `ownServersEnv` for a test file: its workers load the run's one workflow bundle (test/support/workflow-bundle.ts). */
export function testStackEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return ownServersEnv({ WORKFLOW_BUNDLE_PATH: testWorkflowBundle().codePath, ...env });
}

export async function startTestStack(
  env: Record<string, string> = {},
  options: Partial<Pick<LocalStackOptions, 'workerProcess' | 'persistTemporal'>> = {},
): Promise<LocalStack> {
  return startLocalStack({ dataDir: mkdtempSync(join(tmpdir(), 'iacs-test-')), ...options, env: testStackEnv(env) });
}
