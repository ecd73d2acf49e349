import type { Request } from 'express';
import { HttpProblem } from './problem';

/** The bearer token of the request, if it has an Authorization header; a malformed one is a 401. */
export function presentedToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  if (!match) throw new HttpProblem(401, 'the Authorization header must be "Bearer <token>"');
  return match[1];
}

export function bearerToken(req: Request): string {
  const token = presentedToken(req);
  if (token === undefined) throw new HttpProblem(401, 'an Authorization: Bearer token is required');
  return token;
}
