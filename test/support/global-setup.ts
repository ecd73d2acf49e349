/**
 * vitest globalSetup: what every test file of one run shares, prepared once in the main process.
 * - The fast-check seed of the run (test/support/property.ts), printed here.
 */
import type { TestProject } from 'vitest/node';
import { chooseSeed } from './property';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed of every fast-check property of the run. */
    fcSeed: number;
  }
}

export default function setup(project: TestProject): void {
  const { seed, why } = chooseSeed();
  process.stdout.write(`fast-check seed ${seed} (${why}); FC_SEED=${seed} replays this run's properties\n`);
  project.provide('fcSeed', seed);
}
