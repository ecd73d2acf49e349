import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { assertBinaries, temporalTestServerPath } from '../../infra/binaries';

/** The test server must start within the SDK's 5 s limit; a loaded machine can miss it, so try up to 3 times. */
async function createTimeSkipping(attempts = 3): Promise<TestWorkflowEnvironment> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTestServerPath } },
      });
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

describe('Temporal time-skipping test server (our binary)', () => {
  it('starts, reports time skipping, and tears down', async () => {
    assertBinaries('temporalTestServer');
    const env = await createTimeSkipping();
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const info = await env.connection.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeDefined();
      const before = await env.currentTimeMs();
      await env.sleep('1 day');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(86_400_000);
    } finally {
      await env.teardown();
    }
  });
});
