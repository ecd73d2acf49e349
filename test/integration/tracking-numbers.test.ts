/** Tracking numbers stay unique when issued at once, on FerretDB (whose $inc is not atomic). */
import { describe, expect, it } from 'vitest';
import { useFerretDb } from '../support/database';
import { issueTrackingNumber } from '../../activities/tracking-numbers';

useFerretDb('tracking');

describe('tracking numbers', () => {
  it('forty issued concurrently are forty different numbers of the IACS form', async () => {
    const issued = await Promise.all(Array.from({ length: 40 }, () => issueTrackingNumber(new Date(Date.UTC(2026, 11, 3)))));
    expect(new Set(issued).size).toBe(40);
    for (const n of issued) expect(n).toMatch(/^IACS-2026-\d{6}$/);
  });
});
