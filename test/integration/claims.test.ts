/** The claim algorithm (models/claims.ts) on the embedded database: one winner among racers, slots kept, release by the holder only. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimKey, claimModel, releaseKey, type ClaimSlot } from '../../models/claims';
import { useFerretDb } from '../support/database';

const Claims = claimModel('TestClaim', 'test_claims');
useFerretDb('claims');

/** Holders alive unless named in `ended`. */
const aliveUnless = (ended: ReadonlySet<string>) => (slot: ClaimSlot) => Promise.resolve(!ended.has(slot.requestId));

describe('claimKey', () => {
  it('eight racing claimants: exactly one wins, and the key has one slot', async () => {
    const key = `race:${randomUUID()}`;
    const claimants = Array.from({ length: 8 }, () => randomUUID());
    const won = await Promise.all(claimants.map((id) => claimKey(Claims, key, id, aliveUnless(new Set()))));
    expect(won.filter(Boolean)).toHaveLength(1);
    const slots = await Claims.find({ requestId: { $in: claimants } }).lean();
    expect(slots.map((s) => s._id)).toEqual([key]);
    expect(slots[0]!.requestId).toBe(claimants[won.indexOf(true)]);
  });

  it('is idempotent for its holder, and refuses others while the holder lives', async () => {
    const key = `again:${randomUUID()}`;
    const holder = randomUUID();
    expect(await claimKey(Claims, key, holder, aliveUnless(new Set()))).toBe(true);
    expect(await claimKey(Claims, key, holder, aliveUnless(new Set()))).toBe(true);
    expect(await claimKey(Claims, key, randomUUID(), aliveUnless(new Set()))).toBe(false);
  });

  it('moves past ended holders to the next slot, racing there too, and never reuses a slot', async () => {
    const key = `ended:${randomUUID()}`;
    const first = randomUUID();
    expect(await claimKey(Claims, key, first, aliveUnless(new Set()))).toBe(true);
    const racers = [randomUUID(), randomUUID(), randomUUID()];
    const ended = new Set([first]);
    const won = await Promise.all(racers.map((id) => claimKey(Claims, key, id, aliveUnless(ended))));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = racers[won.indexOf(true)]!;
    expect(await Claims.findById(`${key}#1`).lean()).toMatchObject({ requestId: winner });
    expect(await Claims.findById(key).lean()).toMatchObject({ requestId: first });
  });

  it('releaseKey marks only the slot its holder holds; a released slot frees the key without asking about its holder', async () => {
    const key = `release:${randomUUID()}`;
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await claimKey(Claims, key, a, aliveUnless(new Set()))).toBe(true);
    await releaseKey(Claims, key, b); // holds nothing: no-op
    expect((await Claims.findById(key).lean())?.releasedAt).toBeUndefined();
    await releaseKey(Claims, key, a);
    expect((await Claims.findById(key).lean())?.releasedAt).toBeInstanceOf(Date);
    // The holder would still count as alive: the mark alone frees the key.
    expect(await claimKey(Claims, key, b, aliveUnless(new Set()))).toBe(true);
    expect(await Claims.findById(`${key}#1`).lean()).toMatchObject({ requestId: b });
    // A released holder does not get its key back by claiming again.
    expect(await claimKey(Claims, key, a, aliveUnless(new Set()))).toBe(false);
    await releaseKey(Claims, key, b);
    expect(await claimKey(Claims, key, c, aliveUnless(new Set()))).toBe(true);
    expect(await Claims.findById(`${key}#2`).lean()).toMatchObject({ requestId: c });
  });
});
