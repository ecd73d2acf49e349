/** The shape of the API's route documentation (api/route-table.ts), and the helpers its tables share. */
import type { z } from 'zod';
import { applicationRoleRequestIdSchema } from '../domain/application-roles';
import { registrationIdSchema } from '../domain/schemas';

type Method = 'get' | 'post' | 'put' | 'delete';

/** Who may call a route: nobody in particular, the applicant's token, or an account session (some roles only). */
export type Audience = 'anyone' | 'applicant or account' | 'account' | 'account (first login)' | 'operator' | 'help desk or operator';

export interface Answer {
  description: string;
  /** JSON body; none for 204. */
  schema?: z.ZodType;
  /** Not JSON: the media type (a page, Prometheus text). */
  mediaType?: string;
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: Method;
  /** The express path, `:name` for a path parameter. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  audience: Audience;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answers that are not refusals. */
  answers: Record<number, Answer>;
  /** Refusals (problem+json) beyond those every route may give (400, 413, 415, 500). */
  refusals: number[];
  /** Takes an `Idempotency-Key` header (api/idempotency.ts): a repeat gets the first answer. */
  idempotent?: true;
}

export const registrationId = { id: registrationIdSchema };
export const requestId = { id: applicationRoleRequestIdSchema };
export const json = (description: string, schema: z.ZodType): Answer => ({ description, schema });
export const noContent: Answer = { description: 'done; no body' };
/** What any route that follows one request may answer: no token, not yours, no such request. */
export const FOLLOW_REFUSALS = [401, 403, 404];
