/**
 * The applicant's pages (api/console/applicant-routes.ts serves them): plain HTML, one labelled
 * control per field named by its API path, errors next to their fields, the focus on the first
 * field. No secret is written back into a form: SSN and date of birth are typed again.
 */
import { COMMUNITIES, PROVIDER_TYPES, REGISTRATION_ROLES, USER_GROUP_KINDS, type RegistrationRole } from '../../domain/roles';
import type { RegistrationDetails } from '../../domain/schemas';
import type { RegistrationView } from '../../workflows/messages';
import type { FoundOrganization } from '../organization-routes';
import { APPLY, detailsShapeOf, MEMBERSHIP, stepFor, stepQuery, type Choices, type RoleStep } from './applicant-forms';
import { COMMUNITY_TEXT, PRIVACY_ACT_STATEMENT, ROLE_TEXT, roleTerms } from './applicant-text';
import { html, type Html } from './html';
import { checkbox, csrfField, errorSummary, field, page, radios, select, textArea, when, words, type ErrorsByField } from './layout';

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
function personFacts(person: { applicantName: string; email: string } | undefined, role: RegistrationRole): Html {
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

export interface DetailsState {
  values: Record<string, string>;
  found: FoundOrganization[];
  searched: boolean;
  detail?: string;
  errors?: ErrorsByField;
}

/** Steps 7 and 8: professional contact, the organization search and choice (or a new organization, a new group), the justification. */
export function detailsPage(
  o: { csrf: string; view: RegistrationView; person?: { applicantName: string; email: string } },
  state: DetailsState,
): Html {
  const { view, person } = o;
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
      <dl>${personFacts(person, view.role)}</dl>
      <form method="post" action="${APPLY}/details" novalidate>
        ${csrfField(o.csrf)}
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
                  options: [{ value: '', label: 'Choose a provider type' }, ...PROVIDER_TYPES.map((t) => ({ value: t, label: words(t) }))],
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
        ${csrfField(o.csrf)}<button type="submit" class="secondary">Cancel my registration</button>
      </form>`,
  );
}

export function followPage(
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
  PROVISIONED: 'Your account is ready: your user ID and a temporary password were sent in two emails. Sign in to choose your own password.',
  IDENTITY_REJECTED: 'Please contact your local Social Security Administration office (www.ssa.gov).',
  EMAIL_VERIFICATION_EXPIRED: 'You may register again.',
  CANCELLED: 'You may register again.',
};

/** Step 9: what the applicant entered, with Submit, Edit and Cancel. */
export function reviewPage(o: {
  csrf: string;
  view: RegistrationView;
  person?: { applicantName: string; email: string };
  details: RegistrationDetails;
  organization?: FoundOrganization;
  group?: { name: string };
}): Html {
  const { view, person, details, organization, group } = o;
  const a = details.contact.address;
  return page(
    'Review registration details',
    html`<p>Check what you entered, then submit it, edit it, or cancel your registration.</p>
      <dl>
        ${personFacts(person, view.role)}
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
        <form method="post" action="${APPLY}/submit">${csrfField(o.csrf)}<button type="submit" autofocus>Submit</button></form>
        <a class="button secondary" href="${APPLY}/details">Edit</a>
        <form method="post" action="${APPLY}/cancel">
          ${csrfField(o.csrf)}<button type="submit" class="danger">Cancel my registration</button>
        </form>
      </div>`,
  );
}

/** Step 10: the tracking number; the request ID and access key for another browser. */
export function acknowledgementPage(o: {
  view: RegistrationView;
  email: string;
  registrationId: string;
  accessKey: string;
  rememberedDays: number;
}): Html {
  const { view, email } = o;
  return page(
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
          This browser remembers your request for ${o.rememberedDays} days. Elsewhere, open
          <a href="${APPLY}/status">Status of my request</a> and give the tracking number and this access key. Keep the key to yourself: it
          opens your request.
        </p>
        <dl>
          <dt>Request ID</dt>
          <dd id="request-id">${o.registrationId}</dd>
          <dt>Access key</dt>
          <dd><code class="key" id="access-key">${o.accessKey}</code></dd>
        </dl>
      </details>`,
  );
}

/** Later: the request's status, who must decide, when it expires, the reason, the history. */
export function statusPage(o: { csrf: string; view: RegistrationView }): Html {
  const { view } = o;
  const under = stepFor(view.status) !== `${APPLY}/status`;
  return page(
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
        ${csrfField(o.csrf)}<button type="submit" class="secondary">Forget this request on this browser</button>
      </form>`,
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
