import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Versions installed by scripts/setup.sh; keep both in step. */
const TEMPORAL_CLI_VERSION = '1.9.1';
const FERRETDB_VERSION = 'v1.24.2';
/**
 * scripts/setup.sh builds FerretDB with lookups by _id that use its index and a leak tracker
 * that keeps no pprof count of live objects (the `-idindex-notrack` build); keep both in step.
 */
const FERRETDB_BUILD = `${FERRETDB_VERSION}-idindex-notrack`;

/** Where scripts/setup.sh caches the binaries (outside the repo). */
const cacheDir: string = process.env.IACS_CACHE || join(homedir(), '.cache', 'iacs-registration');

/** Temporal CLI (`temporal server start-dev`, with the Web UI). */
export const temporalCliPath: string =
  process.env.TEMPORAL_CLI_PATH || join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`, 'bin', 'temporal');

/** Temporal's time-skipping test server, for `TestWorkflowEnvironment.createTimeSkipping`. */
export const temporalTestServerPath: string =
  process.env.TEMPORAL_TEST_SERVER_PATH || join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`, 'bin', 'temporal-test-server');

/** Embedded FerretDB (MongoDB wire protocol on SQLite), built from scripts/ferretdb. */
export const ferretDbPath: string = process.env.FERRETDB_PATH || join(cacheDir, `ferretdb-${FERRETDB_BUILD}`, 'ferretdb');

/** Docker Compose v2, only to check docker-compose.yml (`config`); there is no Docker engine here. */
const COMPOSE_VERSION = 'v2.29.7';
export const composePath: string = process.env.COMPOSE_PATH || join(cacheDir, `docker-compose-${COMPOSE_VERSION}`, 'docker-compose');

export const binaries = {
  temporalCli: { path: temporalCliPath, env: 'TEMPORAL_CLI_PATH' },
  temporalTestServer: { path: temporalTestServerPath, env: 'TEMPORAL_TEST_SERVER_PATH' },
  ferretDb: { path: ferretDbPath, env: 'FERRETDB_PATH' },
  compose: { path: composePath, env: 'COMPOSE_PATH' },
} as const;

type BinaryName = keyof typeof binaries;

/**
 * Throws if any of the named binaries (all by default) is missing or not
 * executable, saying how to install them.
 */
export function assertBinaries(...names: BinaryName[]): void {
  const wanted = names.length > 0 ? names.map((name) => binaries[name]) : Object.values(binaries);
  const missing = wanted.filter(({ path }) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const list = missing.map(({ path, env }) => `  ${path} (override with ${env})`).join('\n');
    throw new Error(`Missing local binaries:\n${list}\nRun \`bash scripts/setup.sh\` to install them (cache: ${cacheDir}).`);
  }
}
