/** The run's fast-check seed (test/support/property.ts): fixed under CI=true, FC_SEED overrides, random otherwise. */
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { chooseSeed, CI_SEED } from '../support/property';

describe('the fast-check seed', () => {
  it('is fixed under CI=true, so a CI run is reproducible', () => {
    expect(chooseSeed({ CI: 'true' })).toEqual({ seed: CI_SEED, why: 'fixed under CI=true' });
  });

  it('is FC_SEED when given, CI or not', () => {
    expect(chooseSeed({ CI: 'true', FC_SEED: '42' }).seed).toBe(42);
    expect(chooseSeed({ FC_SEED: '-7' }).seed).toBe(-7);
    expect(() => chooseSeed({ FC_SEED: 'soon' })).toThrow(/FC_SEED must be an integer/);
  });

  it('is random otherwise', () => {
    const seeds = new Set(Array.from({ length: 20 }, () => chooseSeed({}).seed));
    expect(seeds.size).toBeGreaterThan(1);
    for (const seed of seeds) expect(Number.isSafeInteger(seed)).toBe(true);
  });

  it("is the seed of every property in this file, the run's one", () => {
    expect(fc.readConfigureGlobal().seed).toBe(inject('fcSeed'));
    const firsts = [0, 1].map(() => fc.sample(fc.integer(), { numRuns: 1 })[0]);
    expect(firsts[0]).toBe(firsts[1]); // the same seed draws the same values
  });
});
