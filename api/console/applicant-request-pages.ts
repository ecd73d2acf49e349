/**
 * The applicant's pages after the details: review (submit, edit, cancel), the acknowledgement
 * with the tracking number, the status later, and the form that opens a request on another
 * browser by its tracking number and access key.
 */
import type { RegistrationDetails } from '../../domain/schemas';
import type { RegistrationView } from '../../workflows/messages';
import type { FoundOrganization } from '../organization-routes';
import { APPLY, stepFor } from './applicant-forms';
import { ROLE_TEXT } from './applicant-text';
import { html, type Html } from './html';
import { csrfField, errorSummary, field, page, when, words, type ErrorsByField } from './layout';
import { personFacts } from './applicant-pages';

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
