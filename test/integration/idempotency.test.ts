/**
 * The Idempotency-Key middleware (api/idempotency.ts) and its documents (models/idempotency.ts)
 * on FerretDB, in front of a small express app whose handlers count their runs: what is kept,
 * what is given back for a retry, the takeover of a stale key, the expiry 24 hours on.
 */
import type { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyBodyHash, idempotencyRecordId, idempotent, IDEMPOTENCY_KEY_LIFETIME_MS } from '../../api/idempotency';
import { rememberCaller } from '../../api/guard';
import { HttpProblem, problemHandler } from '../../api/problem';
import { sweepExpired } from '../../models/expiry';
import { IdempotencyKeyModel, takeOverStaleKey } from '../../models/idempotency';
import { keysFromBase64 } from '../../security/secrets';
import { useFerretDb } from '../support/database';

useFerretDb('idempotency');

const answerBodySchema = z.record(z.string(), z.unknown());
const keys = keysFromBase64(Buffer.alloc(32, 7).toString('base64'), Buffer.alloc(32, 9).toString('base64'));
const runs = new Map<string, number>();
/** Opens the gate of the `/slow` request under way. */
let openGate: () => void = () => undefined;
let baseUrl: string;
let server: Server;

const ran = (route: string) => {
  const n = (runs.get(route) ?? 0) + 1;
  runs.set(route, n);
  return n;
};

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    const userId = req.get('x-caller');
    rememberCaller(
      res,
      userId ? { kind: 'ACCOUNT', userId, roles: [], mustChangePassword: false, mustAnswerQuestions: false } : { kind: 'ANONYMOUS' },
    );
    next();
  });
  app.use(idempotent(keys));
  app.post('/start', (_req, res) => {
    const n = ran('/start');
    res
      .status(202)
      .location(`/things/${n}`)
      .json({ id: `thing-${n}`, secret: `token-of-thing-${n}` });
  });
  app.post('/refuse', () => {
    ran('/refuse');
    throw new HttpProblem(409, 'not now, not ever');
  });
  app.post('/flaky', (_req, res) => {
    if (ran('/flaky') === 1) throw new HttpProblem(503, 'the database is unavailable right now');
    res.status(202).json({ id: 'made on the second run' });
  });
  app.post('/slow', async (_req, res) => {
    ran('/slow');
    await new Promise<void>((resolve) => (openGate = resolve));
    res.status(202).json({ id: 'slow' });
  });
  app.use(problemHandler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function post(path: string, key: string | undefined, body: unknown, caller?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key !== undefined && { 'idempotency-key': key }),
      ...(caller && { 'x-caller': caller }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    location: response.headers.get('location'),
    contentType: response.headers.get('content-type') ?? '',
    body: answerBodySchema.parse(await response.json()),
  };
}

describe('the Idempotency-Key middleware', () => {
  it('a repeat gets the first answer (status, body, Location) and the handler runs once; another body is 422', async () => {
    const first = await post('/start', 'key-1', { b: 1, a: [1, 2] });
    expect(first).toMatchObject({ status: 202, replayed: null, location: '/things/1', body: { id: 'thing-1' } });
    // The same body with its keys in another order is the same body.
    const again = await post('/start', 'key-1', { a: [1, 2], b: 1 });
    expect(again).toEqual({ ...first, replayed: 'true' });
    expect(runs.get('/start')).toBe(1);

    const other = await post('/start', 'key-1', { a: [2, 1], b: 1 });
    expect(other.status).toBe(422);
    expect(other.contentType).toMatch(/^application\/problem\+json/);
    expect(other.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    expect(runs.get('/start')).toBe(1);
  });

  it('the same key from another caller, or on another route, is another key; no key, no replay', async () => {
    expect((await post('/start', 'key-2', {})).body.id).toBe('thing-2');
    expect((await post('/start', 'key-2', {}, 'SOMEONE1')).body.id).toBe('thing-3');
    expect((await post('/start', 'key-2', {}, 'SOMEONE2')).body.id).toBe('thing-4');
    expect((await post('/start', 'key-2', {}, 'SOMEONE1')).body.id).toBe('thing-3');
    expect((await post('/refuse', 'key-2', {})).status).toBe(409);
    expect((await post('/start', undefined, {})).body.id).toBe('thing-5');
    expect((await post('/start', undefined, {})).body.id).toBe('thing-6');
  });

  it('keeps a final refusal (replayed as problem+json) but gives the key back after a 5xx', async () => {
    const refused = await post('/refuse', 'key-3', {});
    const again = await post('/refuse', 'key-3', {});
    expect(again).toEqual({ ...refused, replayed: 'true' });
    expect(again.contentType).toMatch(/^application\/problem\+json/);
    expect(runs.get('/refuse')).toBe(2); // once here, once in the test before (key-2)

    expect((await post('/flaky', 'key-4', {})).status).toBe(503);
    expect(await IdempotencyKeyModel.countDocuments({ state: 'pending' })).toBe(0);
    const retried = await post('/flaky', 'key-4', {});
    expect(retried).toMatchObject({ status: 202, replayed: null, body: { id: 'made on the second run' } });
    expect((await post('/flaky', 'key-4', {})).replayed).toBe('true');
    expect(runs.get('/flaky')).toBe(2);
  });

  it('a repeat while the first runs is 409 naming the header; once the first answered, the repeat gets its answer', async () => {
    const first = post('/slow', 'key-5', {});
    try {
      for (let i = 0; i < 100 && runs.get('/slow') !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runs.get('/slow')).toBe(1);
      const during = await post('/slow', 'key-5', {});
      expect(during.status).toBe(409);
      expect(during.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    } finally {
      openGate();
    }
    expect((await first).status).toBe(202);
    expect(await post('/slow', 'key-5', {})).toMatchObject({ status: 202, replayed: 'true', body: { id: 'slow' } });
    expect(runs.get('/slow')).toBe(1);
  });

  it('a malformed key is 400 naming the header, and nothing runs', async () => {
    const before = runs.get('/start');
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'clé']) {
      const answer = await post('/start', key, {});
      expect(answer.status, JSON.stringify(key)).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    }
    expect(runs.get('/start')).toBe(before);
    expect((await post('/start', 'x'.repeat(255), {})).status).toBe(202);
  });

  it('stores the answer sealed: a secret of the body is not in the collection', async () => {
    const answer = await post('/start', 'key-6', {});
    const secret = String(answer.body.secret);
    expect(secret).toMatch(/^token-of-thing-/);
    const stored = JSON.stringify(await IdempotencyKeyModel.find().lean());
    expect(stored).toContain('"state":"done"');
    expect(stored).not.toContain(secret);
  });
});

describe('a pending key whose request stopped', () => {
  const stalePending = async (key: string, ageMs: number) => {
    const id = idempotencyRecordId(keys, { kind: 'ANONYMOUS' }, 'POST /start', key);
    const createdAt = new Date(Date.now() - ageMs);
    await IdempotencyKeyModel.create({
      _id: id,
      state: 'pending',
      bodyHash: idempotencyBodyHash(keys, {}),
      attempt: 'the-api-that-crashed',
      createdAt,
      expiresAt: new Date(createdAt.getTime() + IDEMPOTENCY_KEY_LIFETIME_MS),
    });
    return id;
  };

  it('is 409 for 60 seconds, then the next repeat takes it over and runs', async () => {
    await stalePending('key-young', 59_000);
    expect((await post('/start', 'key-young', {})).status).toBe(409);
    const id = await stalePending('key-stale', 61_000);
    const before = runs.get('/start')!;
    const taken = await post('/start', 'key-stale', {});
    expect(taken).toMatchObject({ status: 202, replayed: null, body: { id: `thing-${before + 1}` } });
    const record = await IdempotencyKeyModel.findById(id).lean();
    expect(record).toMatchObject({ state: 'done', answer: { status: 202 } });
    expect(record!.attempt).not.toBe('the-api-that-crashed');
    expect(await post('/start', 'key-stale', {})).toMatchObject({ replayed: 'true', body: taken.body });
  });

  it('of two takers at once, exactly one gets it', async () => {
    const id = await stalePending('key-raced', 120_000);
    const stale = (await IdempotencyKeyModel.findById(id).lean())!;
    const takers = await Promise.all([takeOverStaleKey(stale, new Date()), takeOverStaleKey(stale, new Date())]);
    expect(takers.filter((t) => t !== undefined)).toHaveLength(1);
    const winner = takers.find((t) => t !== undefined)!;
    expect((await IdempotencyKeyModel.findById(id).lean())!.attempt).toBe(winner.attempt);
  });
});

describe('expiry', () => {
  it('a key is in the expiry bucket of its minute 24 hours on, and the sweep then removes it', async () => {
    const before = Date.now();
    await post('/start', 'key-expiring', {});
    const id = idempotencyRecordId(keys, { kind: 'ANONYMOUS' }, 'POST /start', 'key-expiring');
    const record = (await IdempotencyKeyModel.findById(id).lean())!;
    expect(record.expiresAt.getTime()).toBeGreaterThanOrEqual(before + IDEMPOTENCY_KEY_LIFETIME_MS);
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(IDEMPOTENCY_KEY_LIFETIME_MS);
    const expiresAt = record.expiresAt.getTime();
    // The sweep starts its cursor at the minute before; nothing of this key goes yet.
    await sweepExpired(expiresAt - 60_000);
    expect(await IdempotencyKeyModel.exists({ _id: id })).not.toBeNull();
    await sweepExpired(expiresAt + 60_000);
    expect(await IdempotencyKeyModel.exists({ _id: id })).toBeNull();
  });
});
