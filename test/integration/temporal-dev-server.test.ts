import { Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type RunningTemporalDevServer } from '../../infra/temporal';

describe('Temporal dev server (temporal CLI)', () => {
  const root = mkdtempSync(join(tmpdir(), 'iacs-temporal-'));
  let server: RunningTemporalDevServer;

  beforeAll(async () => {
    server = await startTemporalDevServer({
      logDir: root,
      dbFile: join(root, 'temporal.db'),
      searchAttributes: ['RegistrationStatus'],
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers getSystemInfo on its gRPC address', async () => {
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    const connection = await Connection.connect({ address: server.address });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+/);
      const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(attributes.customAttributes).toHaveProperty('RegistrationStatus');
    } finally {
      await connection.close();
    }
  });

  it('serves the Web UI', async () => {
    expect(server.uiUrl).toBeDefined();
    const response = await fetch(server.uiUrl as string);
    expect(response.status).toBe(200);
  });
});
