/**
 * vitest globalSetup: what every test file of one run shares, prepared once in the main process.
 * - The fast-check seed of the run (test/support/property.ts), printed here.
 * - The workflow bundle: workflows/index.ts bundled once to a file under .data, which every
 *   worker of the run loads (test/support/workflow-bundle.ts) instead of bundling again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { chooseSeed } from './property';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed of every fast-check property of the run. */
    fcSeed: number;
    /** The run's workflow bundle, a file under .data/workflow-bundles. */
    workflowBundlePath: string;
  }
}

const ROOT = join(__dirname, '../..');
const KEEP_OLD_BUNDLES_MS = 24 * 3_600_000;

async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: join(ROOT, 'workflows/index.ts'), logger: new DefaultLogger('WARN') });
  const dir = join(ROOT, '.data/workflow-bundles');
  mkdirSync(dir, { recursive: true });
  // Named by content, written then renamed: two runs at once in one checkout never read a half-written file.
  const path = join(dir, `${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`);
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, path);
  // Bundles of earlier runs: kept a day (a run still going in this checkout may use one), then removed.
  for (const name of readdirSync(dir)) {
    const other = join(dir, name);
    if (other !== path && Date.now() - statSync(other).mtimeMs > KEEP_OLD_BUNDLES_MS) rmSync(other, { force: true });
  }
  return path;
}

export default async function setup(project: TestProject): Promise<void> {
  const { seed, why } = chooseSeed();
  process.stdout.write(`fast-check seed ${seed} (${why}); FC_SEED=${seed} replays this run's properties\n`);
  project.provide('fcSeed', seed);
  const path = await buildWorkflowBundle();
  process.stdout.write(`workflow bundle built once for this run: ${path}\n`);
  project.provide('workflowBundlePath', path);
}
