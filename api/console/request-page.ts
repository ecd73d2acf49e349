/**
 * One request's page in the console: its facts, status, route and history; the decision forms
 * for an approver it is routed to; the Help Desk's resend of the acknowledgement.
 */
import { html, type Html } from './html';
import { csrfField, errorSummary, page, textArea, when, words, type ErrorsByField } from './layout';
import { requestPath, type ApplicationRoleDetail, type RegistrationDetail } from './requests';
import { signedOf, type SignedIn } from './session';

export function requestPage(
  signed: SignedIn,
  request: RegistrationDetail | ApplicationRoleDetail,
  may: { routed: boolean; lookUp: boolean },
  opts: { notice?: string; detail?: string; errors?: ErrorsByField; reason?: string } = {},
): Html {
  const base = requestPath(request.kind, request.id);
  const facts = request.kind === 'REGISTRATION' ? registrationFacts(request) : applicationRoleFacts(request);
  const waiting = request.status === 'AWAITING_APPROVAL';
  const decision =
    waiting && may.routed
      ? html`<section class="decision" aria-labelledby="decide-heading">
          <h2 id="decide-heading">Your decision</h2>
          ${errorSummary(opts.detail, opts.errors)}
          <form method="post" action="${base}/decision">
            ${csrfField(signed.csrf)}<input type="hidden" name="decision" value="APPROVE" />
            <button type="submit">Approve</button>
          </form>
          <form method="post" action="${base}/decision">
            ${csrfField(signed.csrf)}<input type="hidden" name="decision" value="DENY" />
            ${textArea({ path: 'reason', label: 'Reason for denial', hint: 'Required to deny; the applicant receives it.', value: opts.reason, errors: opts.errors })}
            <button type="submit" class="danger">Deny</button>
          </form>
        </section>`
      : '';
  const resend =
    may.lookUp && request.kind === 'REGISTRATION' && request.trackingNumber
      ? html`<section aria-labelledby="help-heading">
          <h2 id="help-heading">Help Desk</h2>
          <form method="post" action="${base}/acknowledgement">
            ${csrfField(signed.csrf)}<button type="submit" class="secondary">Resend the acknowledgement email</button>
          </form>
        </section>`
      : '';
  return page(
    `Request ${request.trackingNumber ?? request.id}`,
    html`${
        opts.notice
          ? html`<div class="notice" role="status">
              <p>${opts.notice}</p>
              <p><a href="/console/queue">Back to the approvals</a></p>
            </div>`
          : ''
      }
      <dl>
        <dt>Tracking number</dt>
        <dd>${request.trackingNumber}</dd>
        <dt>Status</dt>
        <dd>${words(request.status)}</dd>
        ${
          request.heldBy.length > 0
            ? html`<dt>Held by</dt>
                <dd>${request.heldBy.map(words).join(', ')}</dd>`
            : ''
        }
        ${
          request.expiresAt && waiting
            ? html`<dt>Expires</dt>
                <dd>${when(request.expiresAt)}</dd>`
            : ''
        }
        ${
          request.reason
            ? html`<dt>Reason</dt>
                <dd>${request.reason}</dd>`
            : ''
        }
        ${
          request.decidedBy
            ? html`<dt>Decided by</dt>
                <dd>${request.decidedBy}</dd>`
            : ''
        }
        ${facts}
      </dl>
      <h2>History</h2>
      <ol>
        ${request.history.map((h) => html`<li>${words(h.status)} – ${when(h.at)}</li>`)}
      </ol>
      ${decision} ${resend}`,
    signedOf(signed),
  );
}

function registrationFacts(request: RegistrationDetail): Html {
  return html`<dt>Applicant</dt>
    <dd>${request.applicantName}</dd>
    <dt>Email</dt>
    <dd>${request.email}</dd>
    <dt>Role</dt>
    <dd>${words(request.role)}</dd>
    ${
      request.organization
        ? html`<dt>Organization</dt>
            <dd>
              ${request.organization}${request.newOrganization ? html` (new: ${request.newOrganization.state}, ${request.newOrganization.country}; ${words(request.newOrganization.providerType)})` : ''}
            </dd>`
        : ''
    }
    ${
      request.userGroup
        ? html`<dt>User group</dt>
            <dd>${request.userGroup}${request.newUserGroup ? html` (new ${words(request.newUserGroup.kind)} group)` : ''}</dd>`
        : ''
    }
    ${
      request.contact
        ? html`<dt>Phone</dt>
            <dd>${request.contact.phone}</dd>
            <dt>Address</dt>
            <dd>${request.contact.address}</dd>`
        : ''
    }
    ${
      request.justification
        ? html`<dt>Justification</dt>
            <dd>${request.justification}</dd>`
        : ''
    }
    <dt>Submitted</dt>
    <dd>${when(request.submittedAt)}</dd>`;
}

function applicationRoleFacts(request: ApplicationRoleDetail): Html {
  return html`<dt>Requester</dt>
    <dd>${request.requesterName ?? ''} (${request.requesterUserId})</dd>
    <dt>Application</dt>
    <dd>${request.application}</dd>
    <dt>Role</dt>
    <dd>${words(request.role)}</dd>
    <dt>Organization</dt>
    <dd>${request.organization}</dd>
    <dt>User group</dt>
    <dd>${request.userGroup}</dd>`;
}
