/**
 * Who is applying, in the applicant's console: the registration whose applicant token the
 * HttpOnly cookie of /console/apply holds (checked as the JSON routes check it), and the CSRF
 * tokens of its forms — derived from that token, or, before a registration exists, from a
 * random form cookie.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { RateRules } from '../../domain/abuse-limits';
import { authorize } from '../../domain/access-policy';
import { registrationIdSchema } from '../../domain/schemas';
import { randomToken } from '../../security/secrets';
import { isApplicantToken, storedRegistrationOf } from '../guard';
import { HttpProblem } from '../problem';
import { rateLimit } from '../rate-limit';
import type { RegistrationDeps } from '../registration-routes';
import type { StoredRegistrationView } from '../../models/registration-view';
import { APPLY } from './applicant-forms';
import { seeOther } from './forms';
import { registrationDetail } from './requests';
import { APPLICANT_COOKIE, checkCsrf, cookieOf, csrfTokenFor, isSafeToken, setCookie, type ConsoleDeps } from './session';

export type ApplicantConsoleDeps = ConsoleDeps & RegistrationDeps & { rateRules: RateRules };

/** The random value the CSRF token of the forms before a registration exists is derived from. */
const FORM_COOKIE = 'iacs_apply_form';
const FORM_COOKIE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Long enough to follow a request through its approval (20 business days by default) on the same browser. */
export const APPLICANT_COOKIE_MAX_AGE_MS = 60 * 24 * 60 * 60 * 1000;

export interface Applicant {
  registrationId: string;
  token: string;
  csrf: string;
  /** What the token check read of the registration (its view), for the page. */
  stored?: StoredRegistrationView;
}

/** A step the registration has moved past (409), or an expired code (410): the status page says where it stands. */
export const movedOn = (err: unknown) => err instanceof HttpProblem && (err.status === 409 || err.status === 410);

export async function emailOf(registrationId: string): Promise<string> {
  return (await registrationDetail(registrationId))?.email ?? '';
}

export type ApplicantSession = ReturnType<typeof applicantSession>;

/** The applicant of each request (set by `withApplicant`), its cookies and form tokens, and the rate limits of its steps. */
export function applicantSession(deps: ApplicantConsoleDeps) {
  const applicants = new WeakMap<Request, Applicant>();
  const byApplicant = (req: Request) => applicants.get(req)?.registrationId;
  const limit = (name: Parameters<typeof rateLimit>[1], subjectOf: Parameters<typeof rateLimit>[2]) =>
    rateLimit(deps.rateRules, name, subjectOf);

  /** The registration whose applicant token the cookie holds, checked as the JSON routes check it. */
  async function applicantOf(req: Request): Promise<Applicant | undefined> {
    const raw = cookieOf(req, APPLICANT_COOKIE);
    const at = raw?.indexOf('.') ?? -1;
    if (raw === undefined || at < 0) return undefined;
    const registrationId = raw.slice(0, at);
    const token = raw.slice(at + 1);
    if (!registrationIdSchema.safeParse(registrationId).success || !isSafeToken(token)) return undefined;
    if (!(await isApplicantToken(req, registrationId, token, deps))) return undefined;
    if (!authorize({ kind: 'APPLICANT', registrationId }, 'registration:follow', { registrationId }).allowed) return undefined;
    return { registrationId, token, csrf: csrfTokenFor(deps.keys, token), stored: storedRegistrationOf(req) };
  }

  /** A step of a registration under way: its applicant, or the status page (which offers to open a request). */
  const withApplicant: RequestHandler = async (req, res, next) => {
    const applicant = await applicantOf(req);
    if (!applicant) return seeOther(res, `${APPLY}/status`);
    if (req.method === 'POST') checkCsrf(req, deps.keys, applicant.token);
    applicants.set(req, applicant);
    next();
  };
  function applicantIn(req: Request): Applicant {
    const applicant = applicants.get(req);
    if (!applicant) throw new Error('an applicant route ran without withApplicant');
    return applicant;
  }

  function keepApplicant(res: Response, registrationId: string, token: string): void {
    setCookie(res, deps, APPLICANT_COOKIE, `${registrationId}.${token}`, APPLICANT_COOKIE_MAX_AGE_MS, APPLY);
  }

  /** The CSRF token of a form shown before any registration is open: derived from a random cookie, set here when missing. */
  function formCsrf(req: Request, res: Response): string {
    let value = cookieOf(req, FORM_COOKIE);
    if (value === undefined || !isSafeToken(value)) {
      value = randomToken();
      setCookie(res, deps, FORM_COOKIE, value, FORM_COOKIE_MAX_AGE_MS, APPLY);
    }
    return csrfTokenFor(deps.keys, value);
  }
  function checkFormCsrf(req: Request): void {
    const value = cookieOf(req, FORM_COOKIE);
    if (value === undefined || !isSafeToken(value)) throw new HttpProblem(403, 'this form has expired: open the page again');
    checkCsrf(req, deps.keys, value);
  }

  return { applicantOf, withApplicant, applicantIn, keepApplicant, formCsrf, checkFormCsrf, byApplicant, limit };
}
