/**
 * The one fast-check configuration of the test run. Under `CI=true` every property runs from a
 * fixed seed, so a CI run is reproducible; otherwise each run picks a random seed. Either way
 * the seed is printed once at the start, and `FC_SEED=<n>` replays a run (CI or not).
 * The seed is chosen in vitest's globalSetup (test/support/global-setup.ts) and handed to every
 * test file, where test/support/property-setup.ts installs it with `fc.configureGlobal`.
 */

/** The seed of every CI run, unless FC_SEED says otherwise. */
export const CI_SEED = 20_261_203;

export interface SeedChoice {
  seed: number;
  why: string;
}

export function chooseSeed(env: NodeJS.ProcessEnv = process.env): SeedChoice {
  const given = env.FC_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(given)}`);
    return { seed, why: 'FC_SEED' };
  }
  if (env.CI === 'true') return { seed: CI_SEED, why: 'fixed under CI=true' };
  // A 32-bit seed, as fast-check draws its own.
  return { seed: Math.floor(Math.random() * 0x1_0000_0000) - 0x8000_0000, why: 'random; CI=true fixes it' };
}
