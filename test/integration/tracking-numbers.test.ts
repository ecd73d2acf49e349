/** Tracking numbers stay unique when issued at once, on FerretDB (whose $inc is not atomic). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTrackingNumber } from '../../activities/tracking-numbers';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { connectDatabase, disconnectDatabase } from '../../models/connect';

let ferret: RunningFerretDb;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iacs-tracking-'));
  ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
  await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
});
afterAll(async () => {
  await disconnectDatabase();
  await ferret?.stop();
});

describe('tracking numbers', () => {
  it('forty issued concurrently are forty different numbers of the IACS form', async () => {
    const issued = await Promise.all(Array.from({ length: 40 }, () => issueTrackingNumber(new Date(Date.UTC(2026, 11, 3)))));
    expect(new Set(issued).size).toBe(40);
    for (const n of issued) expect(n).toMatch(/^IACS-2026-\d{6}$/);
  });
});
