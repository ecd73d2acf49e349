/**
 * Histories recorded by earlier versions of the workflow code (scripts/record-histories.ts)
 * replay against the code of this checkout: a workflow in flight when a new worker is deployed
 * goes on where it was. A change to a workflow's commands without `patched()` fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal as proto } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { dataConverterFor } from '../../infra/temporal-connection';
import { testWorkflowBundle } from '../support/workflow-bundle';

const FIXTURES = join(__dirname, '../fixtures/histories');
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.binpb'));
const dataConverter = dataConverterFor(loadConfig({}).payloadKeys);
// The run's one bundle of the workflow code (test/support/global-setup.ts).
const workflowBundle = testWorkflowBundle();

describe('recorded histories replay against the current workflow code', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('%s', async (name) => {
    const history = proto.api.history.v1.History.decode(readFileSync(join(FIXTURES, name)));
    await Worker.runReplayHistory({ workflowBundle, dataConverter }, history, name);
  });

  it('a workflow changed without patched() fails to replay them', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: join(__dirname, '../fixtures/changed-workflow/index.ts') });
    const name = fixtures.find((f) => f.includes('provisioned'))!;
    const history = proto.api.history.v1.History.decode(readFileSync(join(FIXTURES, name)));
    await expect(Worker.runReplayHistory({ workflowBundle: changed, dataConverter }, history, name)).rejects.toThrow(
      DeterminismViolationError,
    );
  });
});
