/** Reading HTML forms and answering with pages: the console's small plumbing. */
import type { Request, Response } from 'express';
import { AccountError } from '../../accounts/account-service';
import type { FieldError } from '../../domain/schemas';
import { HttpProblem } from '../problem';
import type { Html } from './html';

/** Named string values (a parsed form body or query string), one each; the last wins. */
function fieldsOf(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof values !== 'object' || values === null) return out;
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && typeof value.at(-1) === 'string') out[name] = String(value.at(-1));
  }
  return out;
}

/** The fields of an `application/x-www-form-urlencoded` body. */
export const formOf = (req: Request): Record<string, string> => fieldsOf(req.body);

/** The fields of a GET form (the query string). */
export const queryOf = (req: Request): Record<string, string> => fieldsOf(req.query);

/** A refusal of the API with field errors is shown on the form; any other goes to the error page. */
export function fieldProblem(err: unknown): { detail: string; errors: FieldError[] } {
  if (err instanceof AccountError) {
    if (err.kind === 'UNAUTHORIZED') return { detail: err.message, errors: [] };
    return { detail: err.message, errors: err.errors };
  }
  if (err instanceof HttpProblem && err.status !== 401 && err.status !== 403 && err.status !== 429 && err.status < 500)
    return { detail: err.detail, errors: err.errors };
  if (err instanceof HttpProblem && err.status === 401) return { detail: err.detail, errors: [] };
  throw err;
}

/** The content security policy of a console page: its own stylesheet, its own script where a page has one, forms to itself. */
function consoleCsp(withScript = false): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    withScript ? "script-src 'self'" : '',
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]
    .filter(Boolean)
    .join('; ');
}

export function sendPage(res: Response, body: Html, opts: { status?: number; script?: boolean } = {}): void {
  res
    .status(opts.status ?? 200)
    .set('content-security-policy', consoleCsp(opts.script))
    // With no-referrer (the API's default) a browser sends `Origin: null` with a form: same-origin keeps the origin to check.
    .set('referrer-policy', 'same-origin')
    .type('html')
    .send(body.text);
}

/** After a POST: 303 to the page that shows its result. */
export function seeOther(res: Response, location: string): void {
  res.redirect(303, location);
}
