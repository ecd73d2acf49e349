/**
 * Ports. A port picked for a server is not picked again by any process for a while, so that a
 * server stopped and started again on its port finds it free.
 *
 * The API's port. Express 5 hands a listen error to the listen callback instead of throwing it,
 * so a port taken by another process once looked like a started API whose URL led to that other
 * process (CI: every request of test/e2e/operations.test.ts answered by a stranger). Now the
 * local stack binds the API's socket before it starts anything, and a taken port is an error.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundPort, freePort, listenOn } from '../../infra/ports';
import { startLocalStack } from '../../local-stack';
import { testStackEnv } from '../support/stack';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function occupiedPort(): Promise<number> {
  const stranger = createServer((_req, res) => res.end('not the API'));
  servers.push(stranger);
  return listenOn(stranger, 0, '127.0.0.1');
}

describe('the API port', () => {
  it('listenOn rejects a port that another server holds, and resolves with the port it bound', async () => {
    const taken = await occupiedPort();
    await expect(listenOn(createServer(), taken, '127.0.0.1')).rejects.toThrow(/address already in use/);
    const own = createServer();
    servers.push(own);
    const port = await listenOn(own, 0, '127.0.0.1');
    expect(boundPort(own)).toBe(port);
    expect(port).not.toBe(taken);
  });

  it('a local stack whose API port is taken fails at once and starts no server', async () => {
    const taken = await occupiedPort();
    const dataDir = mkdtempSync(join(tmpdir(), 'iacs-api-port-'));
    const started = Date.now();
    await expect(startLocalStack({ dataDir, env: testStackEnv(), ports: { api: taken } })).rejects.toThrow(/address already in use/);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The Temporal dev server, FerretDB and the others write their logs here once started.
    expect(readdirSync(join(dataDir, 'logs'))).toEqual([]);
  });
});

describe('freePort', () => {
  it('does not hand out again a port picked a moment ago, even when it is free', async () => {
    const first = await freePort();
    // Nothing listens on `first` now; make every random pick land on it.
    const random = vi.spyOn(Math, 'random').mockReturnValue((first - 20_000 + 0.5) / (32_767 - 20_000 + 1));
    try {
      const second = await freePort();
      expect(random).toHaveBeenCalled();
      expect(second).not.toBe(first);
    } finally {
      random.mockRestore();
    }
  });

  it('hands out distinct ports to many pickers at once', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(40);
  });
});
