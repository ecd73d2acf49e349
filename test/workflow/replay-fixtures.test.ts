/**
 * Histories recorded by earlier versions of the workflow code (scripts/record-histories.ts)
 * replay against the code of this checkout: a workflow in flight when a new worker is deployed
 * goes on where it was. A change to a workflow's commands without `patched()` fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { dataConverterFor } from '../../infra/temporal-connection';

const FIXTURES = join(__dirname, '../fixtures/histories');
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.binpb'));
const replayOptions = {
  workflowsPath: join(__dirname, '../../workflows/index.ts'),
  dataConverter: dataConverterFor(loadConfig({}).payloadKeys),
};

describe('recorded histories replay against the current workflow code', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('%s', async (name) => {
    const history = proto.api.history.v1.History.decode(readFileSync(join(FIXTURES, name)));
    await Worker.runReplayHistory(replayOptions, history, name);
  });
});
