import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    // Two test files at a time on two cores: most of a file's time is spent waiting on its own servers.
    maxWorkers: 2,
    // Once per run: the fast-check seed (printed, installed in every test file) and the workflow bundle every worker loads.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/property-setup.ts'],
    // Quiet servers in tests; a test that reads the logs turns them up itself.
    env: { LOG_LEVEL: 'warn', TEMPORAL_LOG_LEVEL: 'WARN' },
  },
});
