/**
 * The applicant's console after the email is confirmed: professional contact, organization,
 * user group and justification; review (submit, edit, cancel); the acknowledgement with the
 * tracking number; and the request's status later, on this browser or opened by tracking
 * number and access key from another.
 */
import { Router } from 'express';
import { z } from 'zod';
import { registrationIdSchema } from '../../domain/schemas';
import type { RegistrationView } from '../../workflows/messages';
import { isApplicantToken } from '../guard';
import { approvedOrganization, searchOrganizations, type FoundOrganization } from '../organization-routes';
import { HttpProblem, parse } from '../problem';
import { cancelRegistration, provideDetails, registrationDetailsOf, registrationViewOf, submitRegistration } from '../registration-routes';
import { detailsPage } from './applicant-details-page';
import { acknowledgementPage, followPage, reviewPage, statusPage } from './applicant-request-pages';
import { APPLY, detailsBodyOf, detailsShapeOf, formValuesOf, MEMBERSHIP, onDetailsFields, searchInputOf, stepFor } from './applicant-forms';
import { fieldProblem, formOf, seeOther, sendPage } from './forms';
import { errorsByField } from './layout';
import { registrationDetail, requestByTrackingNumber } from './requests';
import { APPLICANT_COOKIE, clearCookie, isSafeToken } from './session';
import {
  APPLICANT_COOKIE_MAX_AGE_MS,
  emailOf,
  movedOn,
  type Applicant,
  type ApplicantConsoleDeps,
  type ApplicantSession,
} from './applicant-session';

export function applicantRequestRoutes(deps: ApplicantConsoleDeps, session: ApplicantSession): Router {
  const router = Router();
  detailsStep(router, deps, session);
  reviewSteps(router, deps, session);
  statusSteps(router, deps, session);
  return router;
}

function detailsStep(router: Router, deps: ApplicantConsoleDeps, session: ApplicantSession): void {
  const { withApplicant, applicantIn } = session;
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
}

function reviewSteps(router: Router, deps: ApplicantConsoleDeps, session: ApplicantSession): void {
  const { withApplicant, applicantIn } = session;
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
}

function statusSteps(router: Router, deps: ApplicantConsoleDeps, session: ApplicantSession): void {
  const { applicantOf, withApplicant, keepApplicant, formCsrf, checkFormCsrf } = session;
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
}
