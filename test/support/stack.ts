/** Starts the whole service on real local servers for one test file, in a fresh temp dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local-stack';
import { ownServersEnv } from './own-servers';
import { testWorkflowBundle } from './workflow-bundle';

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
