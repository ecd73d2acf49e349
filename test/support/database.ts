/** A FerretDB of its own for one integration test file, with mongoose connected to it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { connectDatabase, disconnectDatabase } from '../../models/connect';

/** `monitorCommands`: the driver emits command events (for tests that count the commands a call sends). */
export function useFerretDb(name: string, options: { monitorCommands?: boolean } = {}): void {
  let ferret: RunningFerretDb | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), `iacs-${name}-`));
    ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
    await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs${options.monitorCommands ? '?monitorCommands=true' : ''}`);
  }, 60_000);
  afterAll(async () => {
    await disconnectDatabase();
    await ferret?.stop();
  });
}
