/** Tracking numbers stay unique when issued at once, on FerretDB (whose $inc is not atomic). */
import { describe, expect, it } from 'vitest';
import { useFerretDb } from '../support/database';
import { issueTrackingNumber } from '../../activities/tracking-numbers';
import { CounterModel } from '../../models/support';

useFerretDb('tracking');

describe('tracking numbers', () => {
  it('forty issued concurrently are forty different numbers of the IACS form', async () => {
    const issued = await Promise.all(Array.from({ length: 40 }, () => issueTrackingNumber(new Date(Date.UTC(2026, 11, 3)))));
    expect(new Set(issued).size).toBe(40);
    for (const n of issued) expect(n).toMatch(/^IACS-2026-\d{6}$/);
  });

  it('a counter left behind the numbers issued (an unlocked $inc lost) costs collisions, never a number issued twice', async () => {
    const day = new Date(Date.UTC(2026, 11, 4));
    const before = await Promise.all(Array.from({ length: 5 }, () => issueTrackingNumber(day)));
    const highest = Math.max(...before.map((n) => Number(n.slice(-6))));
    await CounterModel.updateOne({ _id: 'trackingNumber' }, { $set: { seq: highest - 20 } });
    const after = await Promise.all(Array.from({ length: 5 }, () => issueTrackingNumber(day)));
    expect(new Set([...before, ...after]).size).toBe(10);
    for (const n of after) expect(n).toMatch(/^IACS-2026-\d{6}$/);
  });
});
