/**
 * The console's sessions: the account session of `POST /auth/login` (accounts/account-service.ts)
 * kept in an HttpOnly SameSite=Strict cookie instead of a bearer header, and the applicant token
 * of one registration the same way. POST forms carry a CSRF token derived from the session token
 * (a keyed hash: nothing more to store) and must come from the console's own origin.
 */
import type { Request, Response } from 'express';
import type { AccountService } from '../../accounts/account-service';
import { authorize, type Action, type Caller } from '../../domain/access-policy';
import { keyedHash, sameHash, type SecretKeys } from '../../security/secrets';
import { HttpProblem } from '../problem';
import { seeOther } from './forms';
import type { Signed } from './layout';

export const ACCOUNT_COOKIE = 'iacs_console';
export const APPLICANT_COOKIE = 'iacs_applicant';
/** The operator's session again, sent only to the payload codec (`/codec`), which the Temporal Web UI calls with credentials. */
export const CODEC_COOKIE = 'iacs_codec';
/** The operator's page (api/console/operator-routes.ts), where that cookie is given. */
export const OPERATOR_PAGE = '/console/operator';
const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export interface ConsoleDeps {
  accounts: AccountService;
  keys: SecretKeys;
  /** The console's public address (config PUBLIC_BASE_URL): its origin is accepted on POST forms. */
  publicBaseUrl: string;
  sessionTtlMs: number;
}

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

const cookieOptions = (deps: ConsoleDeps, path: string) =>
  ({ httpOnly: true, sameSite: 'strict', secure: deps.publicBaseUrl.startsWith('https:'), path }) as const;

export function setCookie(res: Response, deps: ConsoleDeps, name: string, value: string, maxAgeMs: number, path = '/console'): void {
  res.cookie(name, value, { ...cookieOptions(deps, path), maxAge: maxAgeMs });
}

export function clearCookie(res: Response, deps: ConsoleDeps, name: string, path = '/console'): void {
  res.clearCookie(name, cookieOptions(deps, path));
}

export const csrfTokenFor = (keys: SecretKeys, sessionToken: string) => keyedHash(keys, 'console-csrf', sessionToken);

/** A POST form must name the token of the session it was served in. */
export function checkCsrf(req: Request, keys: SecretKeys, sessionToken: string): void {
  const body: unknown = req.body;
  const presented = typeof body === 'object' && body !== null && '_csrf' in body ? body._csrf : undefined;
  if (typeof presented !== 'string' || !sameHash(presented, csrfTokenFor(keys, sessionToken)))
    throw new HttpProblem(403, 'this form has expired or did not come from the console: open the page again');
}

/** A POST from another site is refused: its Origin (browsers send one with every POST) must be the console's. */
export function checkOrigin(req: Request, deps: ConsoleDeps): void {
  const origin = req.get('origin');
  if (origin === undefined) return;
  const own = [new URL(deps.publicBaseUrl).origin, `${req.protocol}://${req.get('host') ?? ''}`];
  if (!own.includes(origin)) throw new HttpProblem(403, 'this form was not sent from the console');
}

export interface SignedIn {
  token: string;
  caller: Extract<Caller, { kind: 'ACCOUNT' }>;
  csrf: string;
}

/** The account session behind the console cookie, if any. */
export async function signedInOf(req: Request, deps: ConsoleDeps): Promise<SignedIn | undefined> {
  const token = cookieOf(req, ACCOUNT_COOKIE);
  if (token === undefined || !TOKEN.test(token)) return undefined;
  const session = await deps.accounts.sessionFor(token);
  if (!session) return undefined;
  return { token, caller: { kind: 'ACCOUNT', ...session }, csrf: csrfTokenFor(deps.keys, token) };
}

/** Where a signed-in account starts: an operator on the operator page, anyone else on the approval queue. */
export function landingFor(caller: Caller): string {
  return authorize(caller, 'payload:decode').allowed ? OPERATOR_PAGE : '/console/queue';
}

/** Where an account goes when the policy refuses an action: sign in, or the first-login steps. */
type Admission = { admitted: SignedIn } | { redirect: string };

/** Asks the access policy (domain/access-policy.ts) for an action, as `api/guard.ts` does for the JSON routes. */
export async function admit(req: Request, deps: ConsoleDeps, action: Action): Promise<Admission> {
  const signed = await signedInOf(req, deps);
  const verdict = authorize(signed?.caller ?? { kind: 'ANONYMOUS' }, action);
  if (verdict.allowed && signed) {
    if (req.method === 'POST') checkCsrf(req, deps.keys, signed.token);
    return { admitted: signed };
  }
  // A page asked for (a link to a request, say) is where the account lands once signed in.
  const next = req.method === 'GET' ? safeNext(req.originalUrl) : undefined;
  if (!signed || (!verdict.allowed && verdict.status === 401)) return { redirect: withNext('/console/sign-in', next) };
  if (signed.caller.mustChangePassword || signed.caller.mustAnswerQuestions) return { redirect: withNext('/console/first-login', next) };
  throw new HttpProblem(403, verdict.allowed ? 'not allowed' : verdict.reason);
}

const SOMEWHERE_ELSE = 'http://console.invalid';
/** Pages that are no place to land after signing in. */
const NOT_A_LANDING = ['/console/sign-in', '/console/sign-out', '/console/first-login'];

/**
 * A `next` page that is safe to send a browser to after sign-in: a path of this console on this
 * origin (no scheme, no host, no `//` or backslash tricks), or nothing.
 */
export function safeNext(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 500 || !raw.startsWith('/console/')) return undefined;
  if (raw.includes('\\') || [...raw].some((c) => c.charCodeAt(0) < 0x20)) return undefined;
  let url: URL;
  try {
    url = new URL(raw, SOMEWHERE_ELSE);
  } catch {
    return undefined;
  }
  if (url.origin !== SOMEWHERE_ELSE || !url.pathname.startsWith('/console/') || NOT_A_LANDING.some((p) => url.pathname.startsWith(p)))
    return undefined;
  return url.pathname + url.search;
}

/** `path?next=…` when there is a next page to carry. */
export const withNext = (path: string, next: string | undefined) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

export function isSafeToken(token: string): boolean {
  return TOKEN.test(token);
}

/** What the page layout shows of a signed-in account: its user ID, the CSRF token of its forms, the Help Desk's links. */
export const signedOf = (s: SignedIn): Signed => ({
  userId: s.caller.userId,
  csrf: s.csrf,
  helpDesk: authorize(s.caller, 'request:look-up').allowed,
});

/** The signed-in account allowed `action`, or undefined once the answer redirected (to sign in, or to first login). */
export async function admitted(req: Request, res: Response, deps: ConsoleDeps, action: Action): Promise<SignedIn | undefined> {
  const admission = await admit(req, deps, action);
  if ('redirect' in admission) {
    seeOther(res, admission.redirect);
    return undefined;
  }
  return admission.admitted;
}
