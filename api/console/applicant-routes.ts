/**
 * The applicant's side of the console, the guides' self-registration steps (`003_*`, `004_*`):
 * community and Privacy Act terms, role, the role's terms with identity and email, the emailed
 * code (its window shown) — here; professional details, review, the acknowledgement and the
 * status later in applicant-request-routes.ts; who is applying in applicant-session.ts.
 *
 * Every step calls the use cases of the JSON routes (api/registration-routes.ts, api/organization-routes.ts)
 * and shows their problems next to the fields. The applicant token lives only in an HttpOnly,
 * SameSite=Strict cookie scoped to /console/apply; forms before it exists carry a CSRF token
 * derived from a random form cookie, forms after it one derived from the applicant token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RegistrationView } from '../../workflows/messages';
import { HttpProblem, parse } from '../problem';
import { byAddress, byBodyField } from '../rate-limit';
import { registerNewPerson, registrationViewOf, resendEmailCode, verifyEmailCode } from '../registration-routes';
import { codePage, communityPage, identityCheckPage, identityPage, rolePage } from './applicant-pages';
import { APPLY, choicesOf, communityStepSchema, IDENTITY_FIELDS, registrationBodyOf, roleStepSchema, stepFor } from './applicant-forms';
import { fieldProblem, formOf, queryOf, seeOther, sendPage } from './forms';
import { errorsByField } from './layout';
import { applicantRequestRoutes } from './applicant-request-routes';
import { applicantSession, emailOf, movedOn, type Applicant, type ApplicantConsoleDeps, type ApplicantSession } from './applicant-session';

export type { ApplicantConsoleDeps } from './applicant-session';

/** How long the code page waits for the identity check before it shows a page that reloads itself. */
const IDENTITY_WAIT_MS = 2_000;

export function applicantConsoleRoutes(deps: ApplicantConsoleDeps): Router {
  const router = Router();
  const session = applicantSession(deps);
  choiceSteps(router, deps, session);
  codeStep(router, deps, session);
  router.use(applicantRequestRoutes(deps, session));
  return router;
}

function choiceSteps(router: Router, deps: ApplicantConsoleDeps, session: ApplicantSession): void {
  const { applicantOf, withApplicant, applicantIn, keepApplicant, formCsrf, checkFormCsrf, limit } = session;
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
}

function codeStep(router: Router, deps: ApplicantConsoleDeps, session: ApplicantSession): void {
  const { withApplicant, applicantIn, byApplicant, limit } = session;
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
}
