/**
 * The applicant's pages up to the emailed code (api/console/applicant-routes.ts serves them):
 * plain HTML, one labelled control per field named by its API path, errors next to their
 * fields, the focus on the first field. No secret is written back into a form: SSN and date of
 * birth are typed again. The details page is applicant-details-page.ts; review, acknowledgement
 * and status are applicant-request-pages.ts.
 */
import { COMMUNITIES, REGISTRATION_ROLES, type RegistrationRole } from '../../domain/roles';
import type { RegistrationView } from '../../workflows/messages';
import { APPLY, stepQuery, type Choices, type RoleStep } from './applicant-forms';
import { COMMUNITY_TEXT, PRIVACY_ACT_STATEMENT, ROLE_TEXT, roleTerms } from './applicant-text';
import { html, type Html } from './html';
import { checkbox, csrfField, errorSummary, field, page, radios, when, type ErrorsByField } from './layout';

export function communityPage(opts: { choice?: Choices; detail?: string; errors?: ErrorsByField; continuing?: boolean } = {}) {
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

export function rolePage(choice: Choices, opts: { detail?: string; errors?: ErrorsByField } = {}) {
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

export function identityPage(
  choice: RoleStep,
  csrf: string,
  opts: { form?: Record<string, string>; detail?: string; errors?: ErrorsByField } = {},
): Html {
  const f = opts.form ?? {};
  // Secrets are never written back into a page: after a refusal they are typed again.
  const again = opts.form ? ' Type it again: it is not shown back.' : '';
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
          ${field({ path: 'identity.dateOfBirth', label: 'Date of birth', type: 'date', errors: opts.errors, hint: `YYYY-MM-DD.${again}`, autocomplete: 'bday', required: true })}
          ${field({ path: 'identity.ssn', label: 'Social Security Number', errors: opts.errors, hint: `NNN-NN-NNNN.${again}`, autocomplete: 'off', inputmode: 'numeric', required: true })}
          ${field({ path: 'email', label: 'Email address', type: 'email', value: f.email, errors: opts.errors, hint: 'A code to confirm it is sent there.', autocomplete: 'email', required: true })}
        </fieldset>
        <button type="submit">Next</button>
      </form>
      <p><a href="${APPLY}/role?${stepQuery(choice)}">Back</a></p>`,
  );
}

/** Who applies, as SSA checked it: no longer changed once checked. */
export function personFacts(person: { applicantName: string; email: string } | undefined, role: RegistrationRole): Html {
  return html`<dt>Name</dt>
    <dd>${person?.applicantName ?? ''}</dd>
    <dt>Email</dt>
    <dd>${person?.email ?? ''}</dd>
    <dt>Role</dt>
    <dd>${ROLE_TEXT[role].label}</dd>`;
}

/** Step 6: the emailed code, with its window (when it expires), the attempts and the resends left. */
export function codePage(
  o: { csrf: string; view: RegistrationView; email: string; codeTtlMs: number },
  opts: { notice?: string; detail?: string; errors?: ErrorsByField } = {},
): Html {
  const { view, email } = o;
  const minutes = Math.round(o.codeTtlMs / 60_000);
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
        ${csrfField(o.csrf)}
        ${field({ path: 'code', label: 'Verification code', errors: opts.errors, hint: 'The 6 digits from the email.', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: true })}
        <button type="submit">Next</button>
      </form>
      ${
        resendsLeft > 0
          ? html`<form method="post" action="${APPLY}/email/resend">
              ${csrfField(o.csrf)}
              <p>
                No email, or too late? <button type="submit" class="secondary">Send a new code</button> (${resendsLeft} more may be sent; a
                new code has a new ${minutes}-minute window.)
              </p>
            </form>`
          : ''
      }`,
  );
}

/** While SSA answers: a page that reloads itself (no script). */
export function identityCheckPage(): Html {
  return page(
    'Checking your identity',
    html`<p role="status">We are checking your information with the Social Security Administration. This page reloads by itself.</p>
      <p><a href="${APPLY}/email">Check again</a></p>`,
    undefined,
    { refreshSeconds: 2 },
  );
}
