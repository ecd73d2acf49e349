/**
 * The remote codec the Temporal Web UI calls to show decoded payloads to an operator
 * (`POST /codec/decode`, `/codec/encode`, Temporal's codec-server protocol). Only accounts
 * with the OPERATOR role get an answer; everyone else gets 401/403. The session comes as a bearer
 * token (tools) or as the cookie the console's operator page gives (the Web UI, which sends it
 * with "Include cross-origin credentials").
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { EncryptionCodec } from '../security/payload-codec';
import { cookieOf, CODEC_COOKIE, isSafeToken } from './console/session';
import { presentedToken } from './bearer';
import { guard, type GuardDeps } from './guard';
import { HttpProblem, parse } from './problem';

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
  .max(4_000_000);
export const payloadsSchema = z.strictObject({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
});
/** The Web UI asks `?preserveStorageRefs=true` (payloads kept in external storage stay references): this codec keeps none, so either answer is the same. */
export const codecQuerySchema = z.strictObject({ preserveStorageRefs: z.enum(['true', 'false']).optional() });
type JsonPayload = z.infer<typeof payloadsSchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** The Web UI runs on another origin: it may call the codec with the operator's token or cookie. */
function cors(allowedOrigins: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && allowedOrigins.includes(origin)) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'authorization, content-type, x-namespace',
        'access-control-allow-methods': 'POST, OPTIONS',
        vary: 'origin',
      });
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

export function codecRoutes(deps: GuardDeps & { codec: EncryptionCodec; uiOrigins: string[] }): Router {
  const router = Router();
  router.use('/codec', cors(deps.uiOrigins));
  const operator = guard('payload:decode', deps, (req) => {
    const cookie = cookieOf(req, CODEC_COOKIE);
    return presentedToken(req) ?? (cookie !== undefined && isSafeToken(cookie) ? cookie : undefined);
  });
  router.post('/codec/decode', operator, async (req, res) => {
    parse(codecQuerySchema, req.query, 'query', 'query');
    const { payloads } = parse(payloadsSchema, req.body, 'payloads');
    // Decoded one by one, so that a payload that is not ours (unknown key, forged, cut short) is named.
    const decoded = await Promise.all(
      payloads.map(async (payload, i) => {
        try {
          const [plain] = await deps.codec.decode([fromJson(payload)]);
          return toJson(plain!);
        } catch {
          throw new HttpProblem(422, 'a payload cannot be decoded with the keys this service holds', [
            { path: `payloads.${i}`, message: 'cannot be decoded' },
          ]);
        }
      }),
    );
    res.json({ payloads: decoded });
  });
  router.post('/codec/encode', operator, async (req, res) => {
    parse(codecQuerySchema, req.query, 'query', 'query');
    const { payloads } = parse(payloadsSchema, req.body, 'payloads');
    res.json({ payloads: (await deps.codec.encode(payloads.map(fromJson))).map(toJson) });
  });
  return router;
}
