/**
 * The workflow bundle of this test run: built once by vitest's globalSetup
 * (test/support/global-setup.ts) and read by every worker of every test file, instead of each
 * `Worker.create` bundling workflows/ again (a few seconds of CPU each).
 */
import { inject } from 'vitest';

/** For `Worker.create({ workflowBundle })` and `Worker.runReplayHistory({ workflowBundle })`. */
export function testWorkflowBundle(): { codePath: string } {
  return { codePath: inject('workflowBundlePath') };
}
