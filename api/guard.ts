/**
 * Resolves who is calling (an account session, the applicant of the registration in the path,
 * or nobody) and asks the access policy before the route runs.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AccountService } from '../accounts/account-service';
import { authorize, type Action, type Caller } from '../domain/access-policy';
import { registrationIdSchema } from '../domain/schemas';
import { sameHash, tokenHash, type SecretKeys } from '../security/secrets';
import { applicantTokenHashQuery, workflowIdFor } from '../workflows/messages';
import { storedRegistrationView, type StoredRegistrationView } from '../models/registration-view';
import { presentedToken } from './bearer';
import { HttpProblem, parse } from './problem';

export interface GuardDeps {
  temporal: Client;
  accounts: AccountService;
  keys: SecretKeys;
}

/** The registration's record an applicant's request read to check its token, kept for the route (one read, not two). */
const readForRequest = new WeakMap<Request, StoredRegistrationView>();

/** What the guard read of the registration in the path, if it read it. */
export function storedRegistrationOf(req: Request): StoredRegistrationView | undefined {
  return readForRequest.get(req);
}

/**
 * The stored hash of a registration's applicant token: one read by `_id` of its view record (its
 * view comes along for the route). A registration whose workflow has not yet recorded it (the
 * first instant after its start) is asked through a Temporal query.
 */
async function applicantTokenHashOf(req: Request, registrationId: string, temporal: Client): Promise<string | undefined> {
  const stored = await storedRegistrationView(registrationId);
  if (stored) {
    readForRequest.set(req, stored);
    return stored.applicantTokenHash;
  }
  return temporal.workflow
    .getHandle(workflowIdFor(registrationId))
    .query(applicantTokenHashQuery)
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
}

/** Whether a token is the applicant token of this registration (JSON routes and console alike); false for an unknown registration. */
export async function isApplicantToken(req: Request, registrationId: string, token: string, deps: GuardDeps): Promise<boolean> {
  const expected = await applicantTokenHashOf(req, registrationId, deps.temporal);
  return expected !== undefined && sameHash(expected, tokenHash(deps.keys, token));
}

/** The caller each guarded response was authorized for (kept beside the response, not in its untyped `locals`). */
const callers = new WeakMap<Response, Caller>();

/** Where a route finds the caller's token: the Authorization header, unless the route says otherwise. */
type TokenSource = (req: Request) => string | undefined;

async function resolveCaller(req: Request, action: Action, deps: GuardDeps, tokenOf: TokenSource): Promise<Caller> {
  const token = tokenOf(req);
  if (token === undefined) return { kind: 'ANONYMOUS' };
  // An applicant following their registration is the common case: their token is checked first.
  if (action === 'registration:follow' && req.params.id !== undefined) {
    const registrationId = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    // A token for a registration that does not exist opens nothing: 401, as for a wrong token.
    if (await isApplicantToken(req, registrationId, token, deps)) return { kind: 'APPLICANT', registrationId };
  }
  const session = await deps.accounts.sessionFor(token);
  if (session) return { kind: 'ACCOUNT', ...session };
  return { kind: 'ANONYMOUS' };
}

export function guard(action: Action, deps: GuardDeps, tokenOf: TokenSource = presentedToken): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const caller = await resolveCaller(req, action, deps, tokenOf);
    const verdict = authorize(caller, action, { registrationId: typeof req.params.id === 'string' ? req.params.id : undefined });
    if (!verdict.allowed) throw new HttpProblem(verdict.status, verdict.reason);
    rememberCaller(res, caller);
    next();
  };
}

/** Keeps the caller a response was authorized for (the guard does; a test app admits its callers with it). */
export function rememberCaller(res: Response, caller: Caller): void {
  callers.set(res, caller);
}

export function callerOf(res: Response): Caller {
  const caller = callers.get(res);
  if (caller === undefined) throw new Error('a guarded route was reached without its guard');
  return caller;
}

/** The account behind a route guarded by an account action. */
export function accountOf(res: Response): Extract<Caller, { kind: 'ACCOUNT' }> {
  const caller = callerOf(res);
  if (caller.kind !== 'ACCOUNT') throw new Error('route guarded by an account action reached without an account');
  return caller;
}
