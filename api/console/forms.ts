/** Reading HTML forms and answering with pages: the console's small plumbing. */
import type { Request, Response } from 'express';
import type { Html } from './html';

/** The fields of an `application/x-www-form-urlencoded` body (one value each; the last wins). */
export function formOf(req: Request): Record<string, string> {
  const body: unknown = req.body;
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && typeof value.at(-1) === 'string') out[name] = String(value.at(-1));
  }
  return out;
}

/** The content security policy of a console page: its own stylesheet, its own script where a page has one, forms to itself. */
export function consoleCsp(withScript = false): string {
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
