/**
 * Abuse limits: fixed-window counters kept in MongoDB (shared by every API instance), per
 * subject (registration, user ID, email) and per client address. Over the limit: 429 with
 * Retry-After, before any work is done.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { RateRuleName, RateRules } from '../domain/abuse-limits';
import { oneAtATimePerKey } from '../infra/one-at-a-time';
import { isDuplicateKey } from '../models/errors';
import { expireAt } from '../models/expiry';
import { RateCounterModel } from '../models/rate-limit';
import { HttpProblem } from './problem';

type SubjectOf = (req: Request) => string | undefined;

export const byAddress: SubjectOf = (req) => req.ip ?? req.socket.remoteAddress;
export const byPathId: SubjectOf = (req) => (typeof req.params.id === 'string' ? req.params.id : undefined);
export const byBodyField =
  (field: string): SubjectOf =>
  (req) => {
    const body: unknown = req.body;
    const value: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, field) : undefined;
    return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  };

const hitsOf = oneAtATimePerKey();

/**
 * Counts one more hit. Hits on one counter from this process go one at a time: FerretDB runs
 * `$inc` as read-modify-write without a lock, so hits at once would be lost and a burst of
 * parallel requests would slip under the limit (MongoDB's `$inc` is atomic across processes).
 */
function countHit(_id: string, expiresAt: Date): Promise<number> {
  return hitsOf(_id, () => increment(_id, expiresAt));
}

/**
 * Two first hits racing on the upsert collide (11000) and the loser counts again. The hit that
 * creates a counter schedules its removal (models/expiry.ts: no scan).
 */
async function increment(_id: string, expiresAt: Date, attempts = 5): Promise<number> {
  try {
    const counter = await RateCounterModel.findOneAndUpdate(
      { _id },
      { $inc: { count: 1 }, $setOnInsert: { expiresAt } },
      { upsert: true, returnDocument: 'after' },
    );
    if (counter.count === 1) await expireAt('rateCounter', _id, expiresAt);
    return counter.count;
  } catch (err) {
    if (!isDuplicateKey(err) || attempts <= 1) throw err;
    return increment(_id, expiresAt, attempts - 1);
  }
}

export function rateLimit(rules: RateRules, name: RateRuleName, subjectOf: SubjectOf): RequestHandler {
  const rule = rules[name];
  return async (req, res, next) => {
    const subject = subjectOf(req);
    if (subject === undefined) return next();
    const now = Date.now();
    const windowStart = now - (now % rule.windowMs);
    // Subjects may be emails or user IDs: only a digest of them is stored.
    const digest = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
    const count = await countHit(`${name}:${digest}:${windowStart}`, new Date(windowStart + rule.windowMs));
    if (count > rule.limit) {
      const retryAfter = Math.ceil((windowStart + rule.windowMs - now) / 1000);
      res.set('retry-after', String(retryAfter));
      throw new HttpProblem(429, `too many requests: try again in ${retryAfter} seconds`, [], {
        limit: rule.limit,
        retryAfterSeconds: retryAfter,
      });
    }
    next();
  };
}
