/**
 * The applicant's side of the console, the guides' self-registration steps (`003_*`, `004_*`):
 * community and Privacy Act terms, role, the role's terms with identity and email, the emailed
 * code (its window shown), professional details with the organization search, review (submit,
 * edit, cancel), the acknowledgement with the tracking number, and the request's status later.
 *
 * Every step calls the use cases of the JSON routes (api/registrations.ts, api/organization-routes.ts)
 * and shows their problems next to the fields. The applicant token lives only in an HttpOnly,
 * SameSite=Strict cookie scoped to /console/apply; forms before it exists carry a CSRF token
 * derived from a random form cookie, forms after it one derived from the applicant token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { RateRules } from '../../domain/abuse-limits';
import { authorize } from '../../domain/access-policy';
import { registrationIdSchema } from '../../domain/schemas';
import { randomToken } from '../../security/secrets';
import type { RegistrationView } from '../../workflows/messages';
import { isApplicantToken, storedRegistrationOf } from '../guard';
import { approvedOrganization, searchOrganizations, type FoundOrganization } from '../organization-routes';
import { HttpProblem, parse } from '../problem';
import { byAddress, byBodyField, rateLimit } from '../rate-limit';
import {
  cancelRegistration,
  provideDetails,
  registerNewPerson,
  registrationDetailsOf,
  registrationViewOf,
  resendEmailCode,
  submitRegistration,
  verifyEmailCode,
  type RegistrationDeps,
} from '../registrations';
import {
  acknowledgementPage,
  codePage,
  communityPage,
  detailsPage,
  followPage,
  identityCheckPage,
  identityPage,
  reviewPage,
  rolePage,
  statusPage,
} from './applicant-pages';
import {
  APPLY,
  choicesOf,
  communityStepSchema,
  detailsBodyOf,
  detailsShapeOf,
  formValuesOf,
  IDENTITY_FIELDS,
  MEMBERSHIP,
  onDetailsFields,
  registrationBodyOf,
  roleStepSchema,
  searchInputOf,
  stepFor,
} from './applicant-forms';
import { fieldProblem, formOf, queryOf, seeOther, sendPage } from './forms';
import { errorsByField } from './layout';
import { registrationDetail, requestByTrackingNumber } from './requests';
import { APPLICANT_COOKIE, checkCsrf, cookieOf, clearCookie, csrfTokenFor, isSafeToken, setCookie, type ConsoleDeps } from './session';

export type ApplicantConsoleDeps = ConsoleDeps & RegistrationDeps & { rateRules: RateRules };

/** The random value the CSRF token of the forms before a registration exists is derived from. */
const FORM_COOKIE = 'iacs_apply_form';
const FORM_COOKIE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Long enough to follow a request through its approval (20 business days by default) on the same browser. */
export const APPLICANT_COOKIE_MAX_AGE_MS = 60 * 24 * 60 * 60 * 1000;
/** How long the code page waits for the identity check before it shows a page that reloads itself. */
const IDENTITY_WAIT_MS = 2_000;

interface Applicant {
  registrationId: string;
  token: string;
  csrf: string;
  /** What the token check read of the registration (its view), for the page. */
  stored?: { view?: unknown };
}

/** A step the registration has moved past (409), or an expired code (410): the status page says where it stands. */
const movedOn = (err: unknown) => err instanceof HttpProblem && (err.status === 409 || err.status === 410);

export function applicantConsoleRoutes(deps: ApplicantConsoleDeps): Router {
  const router = Router();
  const applicants = new WeakMap<Request, Applicant>();
  const byApplicant = (req: Request) => applicants.get(req)?.registrationId;
  const limit = (name: Parameters<typeof rateLimit>[1], subjectOf: Parameters<typeof rateLimit>[2]) =>
    rateLimit(deps.rateRules, name, subjectOf);

  // ---- who is applying ------------------------------------------------------------------------------
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

  // ---- 1. community and the Privacy Act ------------------------------------------------------------

  router.get(APPLY, async (req, res) => {
    const continuing = (await applicantOf(req)) !== undefined;
    sendPage(res, communityPage({ continuing }));
  });

  /** The choices so far, or the page that shows what is missing. */
  function chosen<S extends z.ZodType>(schema: S, req: Request, res: Response, shown: string[]): z.infer<S> | undefined {
    const choice = choicesOf(queryOf(req));
    try {
      return parse(schema, choice, 'choice');
    } catch (err) {
      const problem = fieldProblem(err);
      const errors = errorsByField(problem.errors, shown);
      const backToCommunity = problem.errors.some((e) => e.path === 'community' || e.path.startsWith('acceptedTerms'));
      sendPage(
        res,
        backToCommunity ? communityPage({ choice, detail: problem.detail, errors }) : rolePage(choice, { detail: problem.detail, errors }),
        { status: 400 },
      );
      return undefined;
    }
  }

  // ---- 2. the role ---------------------------------------------------------------------------------

  router.get(`${APPLY}/role`, (req, res) => {
    const choice = chosen(communityStepSchema, req, res, ['community', 'acceptedTerms.privacyAct']);
    if (choice) sendPage(res, rolePage({ ...choice, role: roleStepSchema.shape.role.safeParse(queryOf(req).role).data }));
  });

  // ---- 3. the role's terms, identity and email: the registration starts ----------------------------

  router.get(`${APPLY}/identity`, (req, res) => {
    const choice = chosen(roleStepSchema, req, res, ['community', 'acceptedTerms.privacyAct', 'role']);
    if (choice) sendPage(res, identityPage(choice, formCsrf(req, res)));
  });

  router.post(
    APPLY,
    limit('registrationsPerAddress', byAddress),
    limit('registrationsPerEmail', byBodyField('email')),
    async (req, res) => {
      checkFormCsrf(req);
      const f = formOf(req);
      const choices = choicesOf(f);
      try {
        // The same use case as POST /registrations, with the same body.
        const { registrationId, applicantToken } = await registerNewPerson(deps, registrationBodyOf(f));
        keepApplicant(res, registrationId, applicantToken);
        seeOther(res, `${APPLY}/email`);
      } catch (err) {
        const problem = fieldProblem(err);
        const choice = roleStepSchema.safeParse(choices);
        if (!choice.success) throw new HttpProblem(400, 'the community, Privacy Act terms and role must be chosen first: start again');
        // The SSN and date of birth are never echoed back: they are typed again.
        sendPage(
          res,
          identityPage(choice.data, formCsrf(req, res), {
            form: f,
            detail: problem.detail,
            errors: errorsByField(problem.errors, IDENTITY_FIELDS),
          }),
          { status: err instanceof HttpProblem ? err.status : 400 },
        );
      }
    },
  );

  router.get(`${APPLY}/continue`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    seeOther(res, stepFor((await registrationViewOf(deps, applicant.registrationId, applicant.stored)).status));
  });

  // ---- 4. the emailed code -------------------------------------------------------------------------
  /** The view once SSA has answered (the identity check takes a moment), or still validating after a short wait. */
  async function viewAfterIdentityCheck(applicant: Applicant): Promise<RegistrationView> {
    let view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    for (let waited = 0; view.status === 'VALIDATING_IDENTITY' && waited < IDENTITY_WAIT_MS; waited += 200) {
      await sleep(200);
      view = await registrationViewOf(deps, applicant.registrationId);
    }
    return view;
  }

  async function emailOf(registrationId: string): Promise<string> {
    return (await registrationDetail(registrationId))?.email ?? '';
  }

  router.get(`${APPLY}/email`, withApplicant, async (req, res) => {
    const { resent } = parse(z.strictObject({ resent: z.literal('1').optional() }), req.query, 'query', 'query');
    const applicant = applicantIn(req);
    const view = await viewAfterIdentityCheck(applicant);
    if (view.status === 'VALIDATING_IDENTITY') return sendPage(res, identityCheckPage());
    if (view.status !== 'AWAITING_EMAIL_VERIFICATION') return seeOther(res, stepFor(view.status));
    sendPage(
      res,
      codePage(
        { csrf: applicant.csrf, view, email: await emailOf(applicant.registrationId), codeTtlMs: deps.policy.emailCodeTtlMs },
        {
          notice: resent ? 'A new code is on its way; the time allowed starts again.' : undefined,
        },
      ),
    );
  });

  router.post(
    `${APPLY}/email`,
    limit('codeAttemptsPerAddress', byAddress),
    withApplicant,
    limit('codeAttemptsPerRegistration', byApplicant),
    async (req, res) => {
      const applicant = applicantIn(req);
      try {
        const { status } = await verifyEmailCode(deps, applicant.registrationId, { code: (formOf(req).code ?? '').trim() });
        seeOther(res, stepFor(status));
      } catch (err) {
        // An expired code, or a registration that has moved on: its status page says what happened.
        if (movedOn(err)) return seeOther(res, `${APPLY}/status`);
        const problem = fieldProblem(err);
        const view = await registrationViewOf(deps, applicant.registrationId);
        sendPage(
          res,
          codePage(
            { csrf: applicant.csrf, view, email: await emailOf(applicant.registrationId), codeTtlMs: deps.policy.emailCodeTtlMs },
            {
              detail: problem.detail,
              errors: errorsByField(problem.errors, ['code']),
            },
          ),
          { status: err instanceof HttpProblem ? err.status : 400 },
        );
      }
    },
  );

  router.post(
    `${APPLY}/email/resend`,
    limit('resendsPerAddress', byAddress),
    withApplicant,
    limit('resendsPerRegistration', byApplicant),
    async (req, res) => {
      const applicant = applicantIn(req);
      try {
        await resendEmailCode(deps, applicant.registrationId);
        seeOther(res, `${APPLY}/email?resent=1`);
      } catch (err) {
        if (movedOn(err)) return seeOther(res, `${APPLY}/status`);
        throw err;
      }
    },
  );

  // ---- 5. professional contact, organization, user group, justification ------------------------------

  async function detailsPageData(applicant: Applicant, view: RegistrationView) {
    return { csrf: applicant.csrf, view, person: await registrationDetail(applicant.registrationId) };
  }

  /** The organizations a details form offers: the search's, and the one already chosen. */
  async function organizationsFor(values: Record<string, string>, searched: FoundOrganization[]): Promise<FoundOrganization[]> {
    const chosenId = (values[MEMBERSHIP] ?? '').split('/')[0] || values.organizationId;
    if (!chosenId || searched.some((o) => o.id === chosenId)) return searched;
    const chosen = await approvedOrganization(chosenId);
    return chosen ? [chosen, ...searched] : searched;
  }

  router.get(`${APPLY}/details`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    if (view.status !== 'AWAITING_DETAILS') return seeOther(res, stepFor(view.status));
    const accepted = await registrationDetailsOf(deps, applicant.registrationId);
    const values = accepted ? formValuesOf(accepted) : { 'contact.address.country': 'US', 'search.country': 'US' };
    sendPage(
      res,
      detailsPage(await detailsPageData(applicant, view), { values, found: await organizationsFor(values, []), searched: false }),
    );
  });

  router.post(`${APPLY}/details`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    const view = await registrationViewOf(deps, applicant.registrationId);
    if (view.status !== 'AWAITING_DETAILS') return seeOther(res, stepFor(view.status));
    const f = formOf(req);
    const shape = detailsShapeOf(view.role);
    let found: FoundOrganization[] = [];
    const searching = f.intent === 'search';
    try {
      // The search of GET /organizations; on Next it runs again so that the choices stay on the page.
      if (shape.organizationSearch && (searching || Object.keys(searchInputOf(f)).length > 0))
        found = await searchOrganizations(searchInputOf(f), 'search');
      if (searching)
        return sendPage(
          res,
          detailsPage(await detailsPageData(applicant, view), { values: f, found: await organizationsFor(f, found), searched: true }),
        );
      // The same use case as PUT /registrations/:id/details.
      const { status } = await provideDetails(deps, applicant.registrationId, detailsBodyOf(view.role, f));
      seeOther(res, status === 'AWAITING_DETAILS' ? `${APPLY}/review` : stepFor(status));
    } catch (err) {
      const problem = fieldProblem(err);
      sendPage(
        res,
        detailsPage(await detailsPageData(applicant, view), {
          values: f,
          found: await organizationsFor(f, found),
          searched: searching,
          detail: problem.detail,
          errors: onDetailsFields(view.role, problem.errors),
        }),
        { status: err instanceof HttpProblem ? err.status : 400 },
      );
    }
  });

  // ---- 6. review: submit, edit or cancel -------------------------------------------------------------
  router.get(`${APPLY}/review`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    if (view.status !== 'AWAITING_DETAILS') return seeOther(res, stepFor(view.status));
    const details = await registrationDetailsOf(deps, applicant.registrationId);
    if (!details) return seeOther(res, `${APPLY}/details`);
    const person = await registrationDetail(applicant.registrationId);
    const organization = details.organizationId ? await approvedOrganization(details.organizationId) : undefined;
    const group = organization?.userGroups.find((g) => g.id === details.userGroupId);
    sendPage(res, reviewPage({ csrf: applicant.csrf, view, person, details, organization, group }));
  });

  router.post(`${APPLY}/submit`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    try {
      await submitRegistration(deps, applicant.registrationId);
      seeOther(res, `${APPLY}/acknowledgement`);
    } catch (err) {
      if (movedOn(err)) return seeOther(res, `${APPLY}/status`);
      throw err;
    }
  });

  router.post(`${APPLY}/cancel`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    try {
      await cancelRegistration(deps, applicant.registrationId);
    } catch (err) {
      if (!movedOn(err)) throw err;
    }
    seeOther(res, `${APPLY}/status`);
  });

  // ---- 7. the acknowledgement ------------------------------------------------------------------------
  router.get(`${APPLY}/acknowledgement`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    if (!view.trackingNumber) return seeOther(res, stepFor(view.status));
    const email = await emailOf(applicant.registrationId);
    sendPage(
      res,
      acknowledgementPage({
        view,
        email,
        registrationId: applicant.registrationId,
        accessKey: applicant.token,
        rememberedDays: Math.round(APPLICANT_COOKIE_MAX_AGE_MS / 86_400_000),
      }),
    );
  });

  // ---- 8. the status, later ----------------------------------------------------------------------------

  router.get(`${APPLY}/status`, async (req, res) => {
    const { forgotten } = parse(z.strictObject({ forgotten: z.literal('1').optional() }), req.query, 'query', 'query');
    const applicant = await applicantOf(req);
    if (!applicant)
      return sendPage(
        res,
        followPage(formCsrf(req, res), { notice: forgotten ? 'This browser no longer remembers your request.' : undefined }),
      );
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    sendPage(res, statusPage({ csrf: applicant.csrf, view }));
  });

  router.post(`${APPLY}/follow`, async (req, res) => {
    checkFormCsrf(req);
    const f = formOf(req);
    const reference = (f.request ?? '').trim();
    const key = (f.accessKey ?? '').trim();
    const registrationId = registrationIdSchema.safeParse(reference).success
      ? reference
      : reference.length <= 40
        ? await requestByTrackingNumber(reference).then((found) => (found?.kind === 'REGISTRATION' ? found.requestId : undefined))
        : undefined;
    // An unknown request and a wrong key look the same: nothing says which requests exist.
    if (registrationId === undefined || !isSafeToken(key) || !(await isApplicantToken(req, registrationId, key, deps)))
      return sendPage(
        res,
        followPage(formCsrf(req, res), {
          form: f,
          detail: 'This tracking number and access key do not open a request.',
          errors: errorsByField([{ path: 'accessKey', message: 'does not open this request' }], ['request', 'accessKey']),
        }),
        { status: 401 },
      );
    keepApplicant(res, registrationId, key);
    seeOther(res, `${APPLY}/status`);
  });

  router.post(`${APPLY}/forget`, withApplicant, (_req, res) => {
    clearCookie(res, deps, APPLICANT_COOKIE, APPLY);
    seeOther(res, `${APPLY}/status?forgotten=1`);
  });

  return router;
}
