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
import { COMMUNITIES, PROVIDER_TYPES, REGISTRATION_ROLES, USER_GROUP_KINDS, type RegistrationRole } from '../../domain/roles';
import {
  DETAILS_FIELDS_BY_ROLE,
  newRegistrationSchema,
  registrationIdSchema,
  type FieldError,
  type RegistrationDetails,
} from '../../domain/schemas';
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
import { COMMUNITY_TEXT, PRIVACY_ACT_STATEMENT, ROLE_TEXT, roleTerms } from './applicant-text';
import { fieldProblem, formOf, queryOf, seeOther, sendPage } from './forms';
import { html, type Html } from './html';
import {
  checkbox,
  csrfField,
  errorsByField,
  errorSummary,
  field,
  page,
  radios,
  select,
  textArea,
  when,
  words,
  type ErrorsByField,
} from './layout';
import { registrationDetail, requestByTrackingNumber } from './requests';
import { APPLICANT_COOKIE, checkCsrf, cookieOf, clearCookie, csrfTokenFor, isSafeToken, setCookie, type ConsoleDeps } from './session';

export type ApplicantConsoleDeps = ConsoleDeps & RegistrationDeps & { rateRules: RateRules };

const APPLY = '/console/apply';
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

/** Where each status continues. */
function stepFor(status: RegistrationView['status']): string {
  if (status === 'VALIDATING_IDENTITY' || status === 'AWAITING_EMAIL_VERIFICATION') return `${APPLY}/email`;
  if (status === 'AWAITING_DETAILS') return `${APPLY}/details`;
  return `${APPLY}/status`;
}

// ---- the choices before a registration exists: community and Privacy Act, then the role -----------
const asked = newRegistrationSchema.shape;
const communityStepSchema = z.object({ community: asked.community, acceptedTerms: asked.acceptedTerms.pick({ privacyAct: true }) });
const roleStepSchema = communityStepSchema.extend({ role: asked.role });
type RoleStep = z.infer<typeof roleStepSchema>;
/** What a page shows of the choices so far, valid or not. */
interface Choices {
  community?: string;
  acceptedTerms?: { privacyAct?: boolean };
  role?: string;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);
const choicesOf = (f: Record<string, string>): Choices & { acceptedTerms: { privacyAct: boolean } } => ({
  community: blankToUndefined(f.community),
  acceptedTerms: { privacyAct: f['acceptedTerms.privacyAct'] === 'true' },
  role: blankToUndefined(f.role),
});
const stepQuery = (choice: Choices) =>
  new URLSearchParams({
    ...(choice.community && { community: choice.community }),
    ...(choice.acceptedTerms?.privacyAct && { 'acceptedTerms.privacyAct': 'true' }),
    ...(choice.role && { role: choice.role }),
  }).toString();

const IDENTITY_FIELDS = ['identity.firstName', 'identity.lastName', 'identity.dateOfBirth', 'identity.ssn', 'email', 'acceptedTerms.role'];

// ---- the details form: the API's paths are the fields' names -----------------------------------------
const CONTACT_FIELDS = [
  'contact.phone',
  'contact.address.line1',
  'contact.address.line2',
  'contact.address.city',
  'contact.address.state',
  'contact.address.postalCode',
  'contact.address.country',
];
const SEARCH_FIELDS = ['search.name', 'search.country', 'search.state'];
/** Roles that join a user group choose the organization and group together: one choice cannot name a group of another organization. */
const MEMBERSHIP = 'membership';

function detailsShapeOf(role: RegistrationRole) {
  const { required, optional } = DETAILS_FIELDS_BY_ROLE[role];
  const wants = (f: (typeof required)[number]) => required.includes(f) || optional.includes(f);
  return {
    newOrganization: wants('organization'),
    membership: wants('userGroupId'),
    organizationSearch: wants('organizationId'),
    organizationOptional: optional.includes('organizationId'),
    newUserGroup: wants('userGroup'),
  };
}

function detailsFieldsOf(role: RegistrationRole): string[] {
  const shape = detailsShapeOf(role);
  return [
    ...CONTACT_FIELDS,
    ...(shape.newOrganization ? ['organization.name', 'organization.country', 'organization.state', 'organization.providerType'] : []),
    ...(shape.organizationSearch ? [...SEARCH_FIELDS, shape.membership ? MEMBERSHIP : 'organizationId'] : []),
    ...(shape.newUserGroup ? ['userGroup.name', 'userGroup.kind'] : []),
    'justification',
  ];
}

/** The body of `PUT /registrations/:id/details` from the form: a field left empty is a field not given. */
function detailsBodyOf(role: RegistrationRole, f: Record<string, string>): Record<string, unknown> {
  const shape = detailsShapeOf(role);
  const given = (name: string) => blankToUndefined(f[name]);
  const body: Record<string, unknown> = {
    contact: {
      phone: f['contact.phone'] ?? '',
      address: {
        line1: f['contact.address.line1'] ?? '',
        ...(given('contact.address.line2') && { line2: f['contact.address.line2'] }),
        city: f['contact.address.city'] ?? '',
        state: f['contact.address.state'] ?? '',
        postalCode: f['contact.address.postalCode'] ?? '',
        country: f['contact.address.country'] ?? '',
      },
    },
    justification: f.justification ?? '',
  };
  if (shape.membership) {
    const [organizationId, userGroupId] = (given(MEMBERSHIP) ?? '').split('/');
    if (organizationId) body.organizationId = organizationId;
    if (userGroupId) body.userGroupId = userGroupId;
  } else if (shape.organizationSearch && given('organizationId')) body.organizationId = f.organizationId;
  if (shape.newOrganization)
    body.organization = {
      name: f['organization.name'] ?? '',
      country: f['organization.country'] ?? '',
      state: f['organization.state'] ?? '',
      providerType: f['organization.providerType'] ?? '',
    };
  if (shape.newUserGroup) body.userGroup = { name: f['userGroup.name'] ?? '', kind: f['userGroup.kind'] ?? '' };
  return body;
}

/** The form's values from details the workflow accepted (Edit). */
function formValuesOf(d: RegistrationDetails): Record<string, string> {
  const a = d.contact.address;
  return {
    'contact.phone': d.contact.phone,
    'contact.address.line1': a.line1,
    'contact.address.line2': a.line2 ?? '',
    'contact.address.city': a.city,
    'contact.address.state': a.state,
    'contact.address.postalCode': a.postalCode,
    'contact.address.country': a.country,
    organizationId: d.organizationId ?? '',
    [MEMBERSHIP]: d.organizationId && d.userGroupId ? `${d.organizationId}/${d.userGroupId}` : '',
    'organization.name': d.organization?.name ?? '',
    'organization.country': d.organization?.country ?? '',
    'organization.state': d.organization?.state ?? '',
    'organization.providerType': d.organization?.providerType ?? '',
    'userGroup.name': d.userGroup?.name ?? '',
    'userGroup.kind': d.userGroup?.kind ?? '',
    justification: d.justification,
  };
}

/** The API names `organizationId`/`userGroupId`; a role that chooses both at once sees them on its one choice. */
function onDetailsFields(role: RegistrationRole, errors: readonly FieldError[]): ErrorsByField {
  const membership = detailsShapeOf(role).membership;
  const moved = errors.map((e) =>
    membership && (e.path === 'organizationId' || e.path === 'userGroupId') ? { ...e, path: MEMBERSHIP } : e,
  );
  return errorsByField(moved, detailsFieldsOf(role));
}

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
  function communityPage(opts: { choice?: Choices; detail?: string; errors?: ErrorsByField; continuing?: boolean } = {}) {
    return page(
      'New user registration',
      html`${
          opts.continuing
            ? html`<p class="notice" role="status">
                You have a registration under way on this browser: <a href="${APPLY}/continue">continue it</a>, or start another below.
              </p>`
            : ''
        }
        <p>
          Register once for one user ID and password. If you need help, contact the EUS Help Desk; once you have submitted, give them your
          request's tracking number.
        </p>
        ${errorSummary(opts.detail, opts.errors)}
        <form method="get" action="${APPLY}/role" novalidate>
          ${radios({
            path: 'community',
            legend: 'Step 1: your CMS user community',
            options: COMMUNITIES.map((c) => ({ value: c, ...COMMUNITY_TEXT[c] })),
            value: opts.choice?.community,
            errors: opts.errors,
            required: true,
            autofocus: true,
          })}
          <fieldset class="field">
            <legend>Step 2: Terms and Conditions – Privacy Act Statement</legend>
            <div class="terms">${PRIVACY_ACT_STATEMENT.map((p) => html`<p>${p}</p>`)}</div>
            ${checkbox({
              path: 'acceptedTerms.privacyAct',
              label: 'I accept the above Terms and Conditions',
              checked: opts.choice?.acceptedTerms?.privacyAct,
              errors: opts.errors,
              required: true,
            })}
          </fieldset>
          <button type="submit">I accept – next</button>
        </form>`,
    );
  }

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
  function rolePage(choice: Choices, opts: { detail?: string; errors?: ErrorsByField } = {}) {
    return page(
      'Choose your role',
      html`${errorSummary(opts.detail, opts.errors)}
        <form method="get" action="${APPLY}/identity" novalidate>
          <input type="hidden" name="community" value="${choice.community ?? ''}" />
          <input type="hidden" name="acceptedTerms.privacyAct" value="${choice.acceptedTerms?.privacyAct ? 'true' : ''}" />
          ${radios({
            path: 'role',
            legend: 'Step 3: the role you are registering for',
            options: REGISTRATION_ROLES.map((r) => ({ value: r, ...ROLE_TEXT[r] })),
            value: choice.role,
            errors: opts.errors,
            required: true,
            autofocus: true,
          })}
          <button type="submit">Next</button>
        </form>
        <p><a href="${APPLY}?${stepQuery(choice)}">Back</a></p>`,
    );
  }

  router.get(`${APPLY}/role`, (req, res) => {
    const choice = chosen(communityStepSchema, req, res, ['community', 'acceptedTerms.privacyAct']);
    if (choice) sendPage(res, rolePage({ ...choice, role: asked.role.safeParse(queryOf(req).role).data }));
  });

  // ---- 3. the role's terms, identity and email: the registration starts ----------------------------
  function identityPage(
    choice: RoleStep,
    csrf: string,
    opts: { form?: Record<string, string>; detail?: string; errors?: ErrorsByField } = {},
  ): Html {
    const f = opts.form ?? {};
    return page(
      `Register as ${ROLE_TEXT[choice.role].label}`,
      html`${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="${APPLY}" novalidate>
          ${csrfField(csrf)}
          <input type="hidden" name="community" value="${choice.community}" />
          <input type="hidden" name="acceptedTerms.privacyAct" value="true" />
          <input type="hidden" name="role" value="${choice.role}" />
          <fieldset class="field">
            <legend>Step 4: ${ROLE_TEXT[choice.role].label} – Terms and Conditions</legend>
            <div class="terms">${roleTerms(choice.role).map((p) => html`<p>${p}</p>`)}</div>
            ${checkbox({
              path: 'acceptedTerms.role',
              label: 'I accept the above Terms and Conditions',
              checked: f['acceptedTerms.role'] === 'true',
              errors: opts.errors,
              required: true,
              autofocus: true,
            })}
          </fieldset>
          <fieldset>
            <legend>Step 5: user information</legend>
            <p class="hint">
              Enter your name, date of birth and Social Security Number exactly as they are on file with the Social Security Administration:
              they are checked against its records.
            </p>
            ${field({ path: 'identity.firstName', label: 'First name', value: f['identity.firstName'], errors: opts.errors, autocomplete: 'given-name', required: true })}
            ${field({ path: 'identity.lastName', label: 'Last name', value: f['identity.lastName'], errors: opts.errors, autocomplete: 'family-name', required: true })}
            ${field({ path: 'identity.dateOfBirth', label: 'Date of birth', type: 'date', errors: opts.errors, hint: 'YYYY-MM-DD.', autocomplete: 'bday', required: true })}
            ${field({ path: 'identity.ssn', label: 'Social Security Number', errors: opts.errors, hint: 'NNN-NN-NNNN.', autocomplete: 'off', inputmode: 'numeric', required: true })}
            ${field({ path: 'email', label: 'Email address', type: 'email', value: f.email, errors: opts.errors, hint: 'A code to confirm it is sent there.', autocomplete: 'email', required: true })}
          </fieldset>
          <button type="submit">Next</button>
        </form>
        <p><a href="${APPLY}/role?${stepQuery(choice)}">Back</a></p>`,
    );
  }

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
        const { registrationId, applicantToken } = await registerNewPerson(deps, {
          community: choices.community,
          role: choices.role,
          acceptedTerms: { privacyAct: choices.acceptedTerms.privacyAct, role: f['acceptedTerms.role'] === 'true' },
          identity: {
            firstName: f['identity.firstName'] ?? '',
            lastName: f['identity.lastName'] ?? '',
            dateOfBirth: f['identity.dateOfBirth'] ?? '',
            ssn: f['identity.ssn'] ?? '',
          },
          email: f.email ?? '',
        });
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

  function codePage(
    applicant: Applicant,
    view: RegistrationView,
    email: string,
    opts: { notice?: string; detail?: string; errors?: ErrorsByField } = {},
  ) {
    const minutes = Math.round(deps.policy.emailCodeTtlMs / 60_000);
    const resendsLeft = view.emailCodeResendsLeft ?? 0;
    return page(
      'Email address verification',
      html`${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
        <p>Your identity was validated. We sent an email with the subject “Email Address Verification” to <strong>${email}</strong>.</p>
        <p class="notice">
          You have ${minutes} minutes to enter the code: it expires at
          <strong><time datetime="${view.emailCodeExpiresAt ?? ''}">${when(view.emailCodeExpiresAt)}</time></strong
          >. ${view.emailCodeAttemptsLeft !== undefined ? html`${view.emailCodeAttemptsLeft} attempts left.` : ''}
        </p>
        ${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="${APPLY}/email" novalidate>
          ${csrfField(applicant.csrf)}
          ${field({ path: 'code', label: 'Verification code', errors: opts.errors, hint: 'The 6 digits from the email.', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: true })}
          <button type="submit">Next</button>
        </form>
        ${
          resendsLeft > 0
            ? html`<form method="post" action="${APPLY}/email/resend">
                ${csrfField(applicant.csrf)}
                <p>
                  No email, or too late? <button type="submit" class="secondary">Send a new code</button> (${resendsLeft} more may be sent;
                  a new code has a new ${minutes}-minute window.)
                </p>
              </form>`
            : ''
        }`,
    );
  }

  async function emailOf(registrationId: string): Promise<string> {
    return (await registrationDetail(registrationId))?.email ?? '';
  }

  router.get(`${APPLY}/email`, withApplicant, async (req, res) => {
    const { resent } = parse(z.strictObject({ resent: z.literal('1').optional() }), req.query, 'query', 'query');
    const applicant = applicantIn(req);
    const view = await viewAfterIdentityCheck(applicant);
    if (view.status === 'VALIDATING_IDENTITY')
      return sendPage(
        res,
        page(
          'Checking your identity',
          html`<p role="status">We are checking your information with the Social Security Administration. This page reloads by itself.</p>
            <p><a href="${APPLY}/email">Check again</a></p>`,
          undefined,
          { refreshSeconds: 2 },
        ),
      );
    if (view.status !== 'AWAITING_EMAIL_VERIFICATION') return seeOther(res, stepFor(view.status));
    sendPage(
      res,
      codePage(applicant, view, await emailOf(applicant.registrationId), {
        notice: resent ? 'A new code is on its way; the time allowed starts again.' : undefined,
      }),
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
        if (err instanceof HttpProblem && (err.status === 409 || err.status === 410)) return seeOther(res, `${APPLY}/status`);
        const problem = fieldProblem(err);
        const view = await registrationViewOf(deps, applicant.registrationId);
        sendPage(
          res,
          codePage(applicant, view, await emailOf(applicant.registrationId), {
            detail: problem.detail,
            errors: errorsByField(problem.errors, ['code']),
          }),
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
        if (err instanceof HttpProblem && (err.status === 409 || err.status === 410)) return seeOther(res, `${APPLY}/status`);
        throw err;
      }
    },
  );

  // ---- 5. professional contact, organization, user group, justification ------------------------------
  interface DetailsState {
    values: Record<string, string>;
    found: FoundOrganization[];
    searched: boolean;
    detail?: string;
    errors?: ErrorsByField;
  }

  async function detailsPage(applicant: Applicant, view: RegistrationView, state: DetailsState): Promise<Html> {
    const person = await registrationDetail(applicant.registrationId);
    const shape = detailsShapeOf(view.role);
    const v = state.values;
    const errors = state.errors;
    const input = (path: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
      field({ path, label, value: v[path], errors, ...extra });
    const organizations = state.found;
    const choiceHint = organizations.length === 0 ? 'Search first, then choose here.' : undefined;
    const organizationChoice = shape.membership
      ? select({
          path: MEMBERSHIP,
          label: 'Organization and user group',
          hint: choiceHint,
          value: v[MEMBERSHIP],
          errors,
          options: [
            { value: '', label: organizations.length === 0 ? 'No organization found yet' : 'Choose your organization and user group' },
            ...organizations.flatMap((o) =>
              o.userGroups.map((g) => ({ value: `${o.id}/${g.id}`, label: `${o.name} (${o.state}, ${o.country}) – ${g.name}` })),
            ),
          ],
        })
      : select({
          path: 'organizationId',
          label: shape.organizationOptional ? 'Organization (if you practise within one)' : 'Organization',
          hint: choiceHint,
          value: v.organizationId,
          errors,
          options: [
            {
              value: '',
              label: shape.organizationOptional
                ? 'None'
                : organizations.length === 0
                  ? 'No organization found yet'
                  : 'Choose your organization',
            },
            ...organizations.map((o) => ({ value: o.id, label: `${o.name} (${o.state}, ${o.country})` })),
          ],
        });
    return page(
      'Professional details',
      html`${errorSummary(state.detail, errors)}
        <h2>User information</h2>
        <p class="hint">Checked with the Social Security Administration; it can no longer be changed.</p>
        <dl>
          <dt>Name</dt>
          <dd>${person?.applicantName ?? ''}</dd>
          <dt>Email</dt>
          <dd>${person?.email ?? ''}</dd>
          <dt>Role</dt>
          <dd>${ROLE_TEXT[view.role].label}</dd>
        </dl>
        <form method="post" action="${APPLY}/details" novalidate>
          ${csrfField(applicant.csrf)}
          <fieldset>
            <legend>Professional contact information</legend>
            ${input('contact.phone', 'Work phone', { type: 'tel', autocomplete: 'tel', required: true, autofocus: !state.searched && !errors })}
            ${input('contact.address.line1', 'Address', { autocomplete: 'address-line1', required: true })}
            ${input('contact.address.line2', 'Address, second line (optional)', { autocomplete: 'address-line2' })}
            ${input('contact.address.city', 'City', { autocomplete: 'address-level2', required: true })}
            ${input('contact.address.state', 'State or territory', { autocomplete: 'address-level1', required: true })}
            ${input('contact.address.postalCode', 'ZIP or postal code', { autocomplete: 'postal-code', required: true })}
            ${input('contact.address.country', 'Country', { hint: 'Two letters, for example US.', autocomplete: 'country', required: true })}
          </fieldset>
          ${
            shape.newOrganization
              ? html`<fieldset>
                  <legend>Your organization (you register it)</legend>
                  ${input('organization.name', 'Legal business name', { autocomplete: 'organization', required: true })}
                  ${input('organization.country', 'Country', { hint: 'Two letters, for example US.', required: true })}
                  ${input('organization.state', 'State or territory', { required: true })}
                  ${select({
                    path: 'organization.providerType',
                    label: 'Provider type',
                    value: v['organization.providerType'],
                    errors,
                    required: true,
                    options: [
                      { value: '', label: 'Choose a provider type' },
                      ...PROVIDER_TYPES.map((t) => ({ value: t, label: words(t) })),
                    ],
                  })}
                </fieldset>`
              : ''
          }
          ${
            shape.organizationSearch
              ? html`<fieldset>
                  <legend>Organization search</legend>
                  <p class="hint">All or part of the business name, and the country and state or territory of its address.</p>
                  ${input('search.name', 'Business name, or part of it', { autofocus: state.searched && !errors })}
                  ${input('search.country', 'Country', { hint: 'Two letters, for example US.' })}
                  ${input('search.state', 'State or territory', { hint: 'For example MD.' })}
                  <button type="submit" name="intent" value="search" class="secondary">Search</button>
                  ${state.searched ? html`<p role="status">${organizations.length} organization${organizations.length === 1 ? '' : 's'} found.</p>` : ''}
                  ${organizationChoice}
                </fieldset>`
              : ''
          }
          ${
            shape.newUserGroup
              ? html`<fieldset>
                  <legend>Your user group (you create it)</legend>
                  ${input('userGroup.name', 'User group name', { required: true })}
                  ${select({
                    path: 'userGroup.kind',
                    label: 'Kind of group',
                    value: v['userGroup.kind'],
                    errors,
                    required: true,
                    hint: 'A surrogate group is an outside company (billing company, contractor) working for the organization.',
                    options: [{ value: '', label: 'Choose a kind' }, ...USER_GROUP_KINDS.map((k) => ({ value: k, label: words(k) }))],
                  })}
                </fieldset>`
              : ''
          }
          ${textArea({ path: 'justification', label: 'Justification for action', hint: 'Why you need this access.', value: v.justification, errors, required: true })}
          <button type="submit" name="intent" value="next">Next</button>
        </form>
        <form method="post" action="${APPLY}/cancel">
          ${csrfField(applicant.csrf)}<button type="submit" class="secondary">Cancel my registration</button>
        </form>`,
    );
  }

  /** The organizations a details form offers: the search's, and the one already chosen. */
  async function organizationsFor(values: Record<string, string>, searched: FoundOrganization[]): Promise<FoundOrganization[]> {
    const chosenId = (values[MEMBERSHIP] ?? '').split('/')[0] || values.organizationId;
    if (!chosenId || searched.some((o) => o.id === chosenId)) return searched;
    const chosen = await approvedOrganization(chosenId);
    return chosen ? [chosen, ...searched] : searched;
  }

  const searchInputOf = (f: Record<string, string>) => ({
    ...(blankToUndefined(f['search.name']) && { name: f['search.name'] }),
    ...(blankToUndefined(f['search.country']) && { country: f['search.country'] }),
    ...(blankToUndefined(f['search.state']) && { state: f['search.state'] }),
  });

  router.get(`${APPLY}/details`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    if (view.status !== 'AWAITING_DETAILS') return seeOther(res, stepFor(view.status));
    const accepted = await registrationDetailsOf(deps, applicant.registrationId);
    const values = accepted ? formValuesOf(accepted) : { 'contact.address.country': 'US', 'search.country': 'US' };
    sendPage(res, await detailsPage(applicant, view, { values, found: await organizationsFor(values, []), searched: false }));
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
        return sendPage(res, await detailsPage(applicant, view, { values: f, found: await organizationsFor(f, found), searched: true }));
      // The same use case as PUT /registrations/:id/details.
      const { status } = await provideDetails(deps, applicant.registrationId, detailsBodyOf(view.role, f));
      seeOther(res, status === 'AWAITING_DETAILS' ? `${APPLY}/review` : stepFor(status));
    } catch (err) {
      const problem = fieldProblem(err);
      sendPage(
        res,
        await detailsPage(applicant, view, {
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
    const a = details.contact.address;
    sendPage(
      res,
      page(
        'Review registration details',
        html`<p>Check what you entered, then submit it, edit it, or cancel your registration.</p>
          <dl>
            <dt>Name</dt>
            <dd>${person?.applicantName ?? ''}</dd>
            <dt>Email</dt>
            <dd>${person?.email ?? ''}</dd>
            <dt>Role</dt>
            <dd>${ROLE_TEXT[view.role].label}</dd>
            <dt>Work phone</dt>
            <dd>${details.contact.phone}</dd>
            <dt>Address</dt>
            <dd>${[a.line1, a.line2, a.city, a.state, a.postalCode, a.country].filter(Boolean).join(', ')}</dd>
            ${
              details.organization
                ? html`<dt>Organization (new)</dt>
                    <dd>
                      ${details.organization.name} (${details.organization.state}, ${details.organization.country};
                      ${words(details.organization.providerType)})
                    </dd>`
                : organization
                  ? html`<dt>Organization</dt>
                      <dd>${organization.name} (${organization.state}, ${organization.country})</dd>`
                  : ''
            }
            ${
              group
                ? html`<dt>User group</dt>
                    <dd>${group.name}</dd>`
                : details.userGroup
                  ? html`<dt>User group (new)</dt>
                      <dd>${details.userGroup.name} (${words(details.userGroup.kind)})</dd>`
                  : ''
            }
            <dt>Justification</dt>
            <dd>${details.justification}</dd>
          </dl>
          <div class="actions">
            <form method="post" action="${APPLY}/submit">${csrfField(applicant.csrf)}<button type="submit" autofocus>Submit</button></form>
            <a class="button secondary" href="${APPLY}/details">Edit</a>
            <form method="post" action="${APPLY}/cancel">
              ${csrfField(applicant.csrf)}<button type="submit" class="danger">Cancel my registration</button>
            </form>
          </div>`,
      ),
    );
  });

  router.post(`${APPLY}/submit`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    try {
      await submitRegistration(deps, applicant.registrationId);
      seeOther(res, `${APPLY}/acknowledgement`);
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 409) return seeOther(res, `${APPLY}/status`);
      throw err;
    }
  });

  router.post(`${APPLY}/cancel`, withApplicant, async (req, res) => {
    const applicant = applicantIn(req);
    try {
      await cancelRegistration(deps, applicant.registrationId);
    } catch (err) {
      if (!(err instanceof HttpProblem && err.status === 409)) throw err;
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
      page(
        'Registration acknowledgement',
        html`<p role="status">Your registration request is submitted. Its tracking number is</p>
          <p class="tracking" id="tracking-number">${view.trackingNumber}</p>
          <p>
            Record it, or print this page: you will need it if you ask your Help Desk for help. We also sent it to
            <strong>${email}</strong>; contact your Help Desk if that email does not arrive within 24 hours.
          </p>
          <p>
            Once your request is approved you receive two emails: your user ID, and a temporary one-time password. Then
            <a href="/console/sign-in">sign in</a> to choose your own password.
          </p>
          <p><a class="button" href="${APPLY}/status" autofocus>See the status of my request</a></p>
          <details>
            <summary>Follow this request from another browser</summary>
            <p>
              This browser remembers your request for ${Math.round(APPLICANT_COOKIE_MAX_AGE_MS / 86_400_000)} days. Elsewhere, open
              <a href="${APPLY}/status">Status of my request</a> and give the tracking number and this access key. Keep the key to yourself:
              it opens your request.
            </p>
            <dl>
              <dt>Request ID</dt>
              <dd id="request-id">${applicant.registrationId}</dd>
              <dt>Access key</dt>
              <dd><code class="key" id="access-key">${applicant.token}</code></dd>
            </dl>
          </details>`,
      ),
    );
  });

  // ---- 8. the status, later ----------------------------------------------------------------------------
  function followPage(
    csrf: string,
    opts: { form?: Record<string, string>; notice?: string; detail?: string; errors?: ErrorsByField } = {},
  ) {
    return page(
      'Status of my request',
      html`${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''} ${errorSummary(opts.detail, opts.errors)}
        <p>Give your request's tracking number (or request ID) and the access key shown when you submitted it.</p>
        <form method="post" action="${APPLY}/follow" novalidate>
          ${csrfField(csrf)}
          ${field({ path: 'request', label: 'Tracking number or request ID', value: opts.form?.request, errors: opts.errors, hint: 'For example IACS-2026-000123.', autocomplete: 'off', required: true, autofocus: true })}
          ${field({ path: 'accessKey', label: 'Access key', type: 'password', errors: opts.errors, autocomplete: 'off', required: true })}
          <button type="submit">Show the status</button>
        </form>
        <p>No tracking number yet? <a href="${APPLY}">Register</a>.</p>`,
    );
  }

  const WHAT_NEXT: Partial<Record<RegistrationView['status'], string>> = {
    VALIDATING_IDENTITY: 'Your identity is being checked with the Social Security Administration.',
    AWAITING_EMAIL_VERIFICATION: 'Enter the code we emailed you.',
    AWAITING_DETAILS: 'Give your professional details, then review and submit them.',
    AWAITING_APPROVAL: 'Your request waits for its approver. You receive an email when it is decided.',
    APPROVED: 'Your request is approved; your account is being created.',
    PROVISIONED:
      'Your account is ready: your user ID and a temporary password were sent in two emails. Sign in to choose your own password.',
    IDENTITY_REJECTED: 'Please contact your local Social Security Administration office (www.ssa.gov).',
    EMAIL_VERIFICATION_EXPIRED: 'You may register again.',
    CANCELLED: 'You may register again.',
  };

  router.get(`${APPLY}/status`, async (req, res) => {
    const { forgotten } = parse(z.strictObject({ forgotten: z.literal('1').optional() }), req.query, 'query', 'query');
    const applicant = await applicantOf(req);
    if (!applicant)
      return sendPage(
        res,
        followPage(formCsrf(req, res), { notice: forgotten ? 'This browser no longer remembers your request.' : undefined }),
      );
    const view = await registrationViewOf(deps, applicant.registrationId, applicant.stored);
    const under = stepFor(view.status) !== `${APPLY}/status`;
    sendPage(
      res,
      page(
        'Status of my request',
        html`<dl>
            ${
              view.trackingNumber
                ? html`<dt>Tracking number</dt>
                    <dd>${view.trackingNumber}</dd>`
                : ''
            }
            <dt>Role</dt>
            <dd>${ROLE_TEXT[view.role].label}</dd>
            <dt>Status</dt>
            <dd id="status">${words(view.status)}</dd>
            ${
              view.heldBy && view.heldBy.length > 0
                ? html`<dt>Waiting for</dt>
                    <dd>${view.heldBy.map(words).join(', ')}</dd>`
                : ''
            }
            ${
              view.expiresAt
                ? html`<dt>Expires undecided</dt>
                    <dd>${when(view.expiresAt)}</dd>`
                : ''
            }
            ${
              view.reason
                ? html`<dt>Reason</dt>
                    <dd>${view.reason}</dd>`
                : ''
            }
          </dl>
          ${WHAT_NEXT[view.status] ? html`<p role="status">${WHAT_NEXT[view.status]}</p>` : ''}
          ${under ? html`<p><a class="button" href="${APPLY}/continue">Continue my registration</a></p>` : ''}
          ${view.status === 'PROVISIONED' ? html`<p><a class="button" href="/console/sign-in">Sign in</a></p>` : ''}
          <h2>History</h2>
          <ol>
            ${view.history.map((h) => html`<li>${words(h.status)} – ${when(h.at)}</li>`)}
          </ol>
          <form method="post" action="${APPLY}/forget">
            ${csrfField(applicant.csrf)}<button type="submit" class="secondary">Forget this request on this browser</button>
          </form>`,
      ),
    );
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
