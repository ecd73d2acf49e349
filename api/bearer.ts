import type { Request } from 'express';
import { HttpProblem } from './problem';

export function bearerToken(req: Request): string {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(req.get('authorization') ?? '');
  if (!match) throw new HttpProblem(401, 'an Authorization: Bearer token is required');
  return match[1]!;
}
