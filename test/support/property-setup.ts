/** Runs before every test file (vitest setupFiles): every property of the run uses the run's seed (test/support/property.ts). */
import fc from 'fast-check';
import { inject } from 'vitest';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: inject('fcSeed') });
