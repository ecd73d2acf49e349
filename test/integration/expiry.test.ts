/** Sessions and rate-limit counters expire through minute buckets read by `_id`, on FerretDB. */
import { describe, expect, it } from 'vitest';
import { useFerretDb } from '../support/database';
import { SessionModel } from '../../models/account';
import { expireAt, sweepExpired } from '../../models/expiry';
import { RateCounterModel } from '../../models/rate-limit';

useFerretDb('expiry');

describe('expiry buckets', () => {
  it('removes what expired since the last sweep, keeps what has not, and moves its cursor on', async () => {
    const t0 = Date.UTC(2026, 11, 3, 12, 0, 0);
    await sweepExpired(t0); // the first sweep starts the cursor at the current minute
    const soon = new Date(t0 + 90_000);
    const later = new Date(t0 + 30 * 60_000);
    await SessionModel.create({ _id: 'session-soon', userId: 'EXPR0001', expiresAt: soon });
    await SessionModel.create({ _id: 'session-later', userId: 'EXPR0001', expiresAt: later });
    await RateCounterModel.create({ _id: 'rule:subject:0', count: 3, expiresAt: soon });
    await expireAt('session', 'session-soon', soon);
    await expireAt('session', 'session-later', later);
    await expireAt('rateCounter', 'rule:subject:0', soon);

    expect(await sweepExpired(t0 + 60_000)).toBe(0);
    expect(await sweepExpired(t0 + 3 * 60_000)).toBe(2);
    expect(await SessionModel.exists({ _id: 'session-soon' })).toBeNull();
    expect(await RateCounterModel.exists({ _id: 'rule:subject:0' })).toBeNull();
    expect(await SessionModel.exists({ _id: 'session-later' })).not.toBeNull();
    // Sweeping the same minutes again finds nothing more; the later one goes in its minute.
    expect(await sweepExpired(t0 + 3 * 60_000)).toBe(0);
    expect(await sweepExpired(t0 + 31 * 60_000)).toBe(1);
    expect(await SessionModel.exists({ _id: 'session-later' })).toBeNull();
  });

  it('twenty first entries of one minute at once all land in its bucket', async () => {
    const t0 = Date.UTC(2026, 11, 3, 13, 0, 0);
    await sweepExpired(t0);
    const at = new Date(t0 + 30_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => SessionModel.create({ _id: `racing-${i}`, userId: 'EXPR0002', expiresAt: at })));
    await Promise.all(Array.from({ length: 20 }, (_, i) => expireAt('session', `racing-${i}`, at)));
    expect(await sweepExpired(t0 + 2 * 60_000)).toBe(20);
    expect(await SessionModel.countDocuments({ userId: 'EXPR0002' })).toBe(0);
  });
});
