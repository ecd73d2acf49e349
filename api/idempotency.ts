/**
 * `Idempotency-Key` on the writes a client may need to repeat after a lost answer (start a
 * registration, ask for a role or an application role, decide): a repeat with the same key and
 * body gets the first answer again (same status, body, id; `Idempotent-Replayed: true`) and
 * starts nothing; the same key with another body is 422; a repeat while the first still runs is
 * 409. Keys are scoped to the caller and the route, and kept 24 hours (models/idempotency.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { canonicalJson } from '../audit/audit-hash';
import type { Caller } from '../domain/access-policy';
import { log } from '../infra/logger';
import { expireAt } from '../models/expiry';
import {
  claimIdempotencyKey,
  releaseIdempotencyKey,
  storeIdempotentAnswer,
  takeOverStaleKey,
  type StoredAnswer,
} from '../models/idempotency';
import { decryptField, encryptField, keyedHash, sameHash, type SecretKeys } from '../security/secrets';
import { callerOf } from './guard';
import { HttpProblem } from './problem';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a key and its answer are kept, at least. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** A key pending longer than this belongs to a request whose API stopped: the next repeat takes it over. */
export const STALE_PENDING_MS = 60_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Printable ASCII, 1–255 characters (a UUID fits, as does any opaque token a client makes). */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_IDEMPOTENCY_KEY_LENGTH, `is at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`)
  .regex(/^[\x20-\x7E]+$/, 'must be printable ASCII characters');

/** Refusals that say nothing about the key's request: a repeat runs again instead of seeing them. */
const NOT_KEPT: ReadonlySet<number> = new Set([400, 401, 408, 425, 429]);
const kept = (status: number) => status >= 200 && status < 500 && !NOT_KEPT.has(status);

const headerError = (message: string) => [{ path: IDEMPOTENCY_KEY_HEADER, message }];

function keyOf(req: Request): string | undefined {
  const offered = req.get(IDEMPOTENCY_KEY_HEADER);
  if (offered === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(offered);
  if (!parsed.success)
    throw new HttpProblem(
      400,
      `the ${IDEMPOTENCY_KEY_HEADER} header is not valid`,
      headerError(parsed.error.issues[0]?.message ?? 'is not valid'),
    );
  return parsed.data;
}

const callerKey = (caller: Caller) =>
  caller.kind === 'ACCOUNT' ? `account:${caller.userId}` : caller.kind === 'APPLICANT' ? `applicant:${caller.registrationId}` : 'anyone';

/** `_id` of a key: the same key from another caller or on another route is another key. */
export function idempotencyRecordId(keys: SecretKeys, caller: Caller, route: string, key: string): string {
  return keyedHash(keys, 'idempotency-key', [callerKey(caller), route, key].join('\u0000'));
}

/** The body as compared: keyed, since a body may hold an SSN and a date of birth. */
export function idempotencyBodyHash(keys: SecretKeys, body: unknown): string {
  return keyedHash(keys, 'idempotency-body', canonicalJson(body ?? null));
}

const routeOf = (req: Request) => `${req.method} ${req.baseUrl}${req.path}`;

const inProgress = () =>
  new HttpProblem(409, `a request with this ${IDEMPOTENCY_KEY_HEADER} is in progress`, headerError('is in use by a request still running'));
const otherBody = () =>
  new HttpProblem(
    422,
    `this ${IDEMPOTENCY_KEY_HEADER} was used with another body`,
    headerError('was already used on this route with a different body'),
  );

/** Runs the request under its key (`attempt`), or gives the stored answer; throws 409/422 otherwise. */
async function admit(id: string, bodyHash: string): Promise<{ attempt: string } | { answer: StoredAnswer }> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_KEY_LIFETIME_MS);
  const claim = await claimIdempotencyKey({ id, bodyHash, now, expiresAt });
  if ('attempt' in claim) {
    await expireAt('idempotencyKey', id, expiresAt);
    return claim;
  }
  const record = claim.existing;
  if (!sameHash(record.bodyHash, bodyHash)) throw otherBody();
  if (record.state === 'done' && record.answer) return { answer: record.answer };
  if (now.getTime() - record.createdAt.getTime() < STALE_PENDING_MS) throw inProgress();
  const takeover = await takeOverStaleKey(record, now);
  if (!takeover) throw inProgress();
  log.warn('idempotency key taken over from a request that stopped', { pendingSince: record.createdAt.toISOString() });
  await expireAt('idempotencyKey', takeover.markerId, record.expiresAt);
  return { attempt: takeover.attempt };
}

function replay(res: Response, keys: SecretKeys, answer: StoredAnswer): void {
  res.status(answer.status).set(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (answer.location) res.location(answer.location);
  if (answer.contentType) res.set('content-type', answer.contentType);
  res.json(JSON.parse(decryptField(keys, answer.sealedBody)));
}

/**
 * Keeps the answer before it is sent (so a repeat right after it sees it): a final one is stored
 * sealed; a failure on our side (5xx) or a transient refusal gives the key back for a retry.
 */
function keepAnswerOf(res: Response, keys: SecretKeys, id: string, attempt: string): void {
  const send = res.json.bind(res);
  res.json = (body?: unknown) => {
    const status = res.statusCode;
    const settled = kept(status)
      ? storeIdempotentAnswer(id, attempt, {
          status,
          contentType: res.get('content-type'),
          location: res.get('location'),
          sealedBody: encryptField(keys, JSON.stringify(body ?? null)),
        }).then((stored) => {
          // Another request took the key over after 60 s: its answer is the one kept.
          if (!stored) log.warn('idempotency key taken over while its first request ran; its answer is not kept', { status });
        })
      : releaseIdempotencyKey(id, attempt);
    // The answer goes out even when it could not be kept: the work it reports is done.
    const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
    void settled
      .catch((err: unknown) => log.warn('idempotency key not settled', { status, error: message(err) }))
      .then(() => send(body))
      // Out of express's hands now: a failure to send is logged here, not left unhandled.
      .catch((err: unknown) => {
        log.error('answer not sent', { status, error: message(err) });
        if (!res.headersSent) res.destroy();
      });
    return res;
  };
}

/** The middleware, after the route's guard (the key is the caller's) and before its handler. */
export function idempotent(keys: SecretKeys): RequestHandler {
  return async function idempotencyKey(req, res, next) {
    const key = keyOf(req);
    if (key === undefined) return next();
    const id = idempotencyRecordId(keys, callerOf(res), routeOf(req), key);
    const admitted = await admit(id, idempotencyBodyHash(keys, req.body));
    if ('answer' in admitted) return replay(res, keys, admitted.answer);
    keepAnswerOf(res, keys, id, admitted.attempt);
    next();
  };
}
