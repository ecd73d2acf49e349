/**
 * The approver's console: sign in (the account service of `POST /auth/login`), the first-login
 * password change and questions, the queue (the read model of `GET /approvals`), a request's
 * page, approve or deny (the functions of the JSON decision routes), sign out.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AccountError } from '../../accounts/account-service';
import { AUTHENTICATION_QUESTIONS } from '../../accounts/questions';
import { applicationRolePrincipalOf } from '../../accounts/application-principal';
import { decodeCursor, MAX_PAGE } from '../../approvals/approval-queue';
import { authorize } from '../../domain/access-policy';
import type { Application } from '../../domain/application-roles';
import type { RateRules } from '../../domain/abuse-limits';
import { applicationRoleRequestIdSchema } from '../../domain/application-roles';
import { loginSchema, passwordChangeSchema, questionAnswersSchema, registrationIdSchema } from '../../domain/schemas';
import { decideApplicationRole } from '../application-role-routes';
import { approvalQueueOf, decideRegistration, queuePageSchema } from '../approval-routes';
import type { ApprovalDeadlines } from '../deadline-routes';
import { HttpProblem, parse } from '../problem';
import { byAddress, byBodyField, rateLimit } from '../rate-limit';
import type { Client } from '@temporalio/client';
import { fieldProblem, formOf, seeOther, sendPage } from './forms';
import { html, type Html } from './html';
import {
  csrfField,
  errorsByField,
  errorSummary,
  field,
  page,
  select,
  textArea,
  when,
  words,
  type ErrorsByField,
  type Signed,
} from './layout';
import { applicationRoleDetail, isRoutedTo, registrationDetail, type ApplicationRoleDetail, type RegistrationDetail } from './requests';
import {
  ACCOUNT_COOKIE,
  admit,
  checkOrigin,
  clearCookie,
  landingFor,
  safeNext,
  setCookie,
  signedInOf,
  withNext,
  type ConsoleDeps,
  type SignedIn,
} from './session';

export interface ApproverConsoleDeps extends ConsoleDeps {
  temporal: Client;
  rateRules: RateRules;
  applications: readonly Application[];
  approvalDeadlines: ApprovalDeadlines;
}

export const signedOf = (s: SignedIn): Signed => ({
  userId: s.caller.userId,
  csrf: s.csrf,
  helpDesk: authorize(s.caller, 'request:look-up').allowed,
});

/** The page to land on after sign-in, carried through the sign-in and first-login forms. */
const nextQuerySchema = z.strictObject({ next: z.string().max(500).optional() });
const nextField = (next: string | undefined) => (next ? html`<input type="hidden" name="next" value="${next}" />` : '');

const KINDS = { registration: 'REGISTRATION', 'application-role': 'APPLICATION_ROLE' } as const;
const kindSchema = z.enum(['registration', 'application-role']);
export const requestPath = (kind: 'REGISTRATION' | 'APPLICATION_ROLE', id: string) =>
  `/console/requests/${kind === 'REGISTRATION' ? 'registration' : 'application-role'}/${id}`;

export function approverConsoleRoutes(deps: ApproverConsoleDeps): Router {
  const router = Router();
  const { accounts } = deps;

  async function admitted(req: Request, res: Response, action: Parameters<typeof admit>[2]): Promise<SignedIn | undefined> {
    const admission = await admit(req, deps, action);
    if ('redirect' in admission) {
      seeOther(res, admission.redirect);
      return undefined;
    }
    return admission.admitted;
  }

  // ---- sign in ---------------------------------------------------------------------------
  function signInPage(opts: { userId?: string; detail?: string; errors?: ErrorsByField; notice?: string; next?: string } = {}): Html {
    return page(
      'Sign in',
      html`${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''} ${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="/console/sign-in" novalidate>
          ${nextField(opts.next)}
          ${field({ path: 'userId', label: 'User ID', value: opts.userId, errors: opts.errors, autocomplete: 'username', required: true, autofocus: true })}
          ${field({ path: 'password', label: 'Password', type: 'password', errors: opts.errors, autocomplete: 'current-password', required: true })}
          <button type="submit">Sign in</button>
        </form>
        <p>New to IACS? <a href="/console/apply">Register</a>. Need help? Call the EUS Help Desk with your request's tracking number.</p>`,
    );
  }

  router.get('/console', async (req, res) => {
    const signed = await signedInOf(req, deps);
    seeOther(res, signed ? landingFor(signed.caller) : '/console/sign-in');
  });

  router.get('/console/sign-in', (req, res) => {
    const { signedOut, next } = parse(nextQuerySchema.extend({ signedOut: z.literal('1').optional() }), req.query, 'query', 'query');
    sendPage(res, signInPage({ notice: signedOut ? 'You are signed out.' : undefined, next: safeNext(next) }));
  });

  router.post(
    '/console/sign-in',
    (req, _res, next) => {
      checkOrigin(req, deps);
      next();
    },
    rateLimit(deps.rateRules, 'loginsPerUserId', byBodyField('userId')),
    rateLimit(deps.rateRules, 'loginsPerAddress', byAddress),
    async (req, res) => {
      const form = formOf(req);
      const next = safeNext(form.next);
      try {
        const { userId, password } = parse(loginSchema, { userId: form.userId ?? '', password: form.password ?? '' }, 'login');
        const session = await accounts.login(userId, password);
        setCookie(res, deps, ACCOUNT_COOKIE, session.token, deps.sessionTtlMs);
        // `/console` sends each account to where it starts (landingFor), unless a link asked for a page.
        seeOther(
          res,
          session.mustChangePassword || session.mustAnswerQuestions ? withNext('/console/first-login', next) : (next ?? '/console'),
        );
      } catch (err) {
        const problem = fieldProblem(err);
        sendPage(
          res,
          signInPage({ userId: form.userId, detail: problem.detail, errors: errorsByField(problem.errors, ['userId', 'password']), next }),
          {
            status: err instanceof AccountError && err.kind === 'UNAUTHORIZED' ? 401 : 400,
          },
        );
      }
    },
  );

  router.post('/console/sign-out', async (req, res) => {
    const signed = await admitted(req, res, 'account:first-login');
    if (!signed) return;
    await accounts.logout(signed.token);
    clearCookie(res, deps, ACCOUNT_COOKIE);
    seeOther(res, '/console/sign-in?signedOut=1');
  });

  // ---- first login -----------------------------------------------------------------------
  const PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'];
  const QUESTION_FIELDS = ['answers.0.questionId', 'answers.0.answer', 'answers.1.questionId', 'answers.1.answer'];
  const questionOptions = [
    { value: '', label: 'Choose a question' },
    ...AUTHENTICATION_QUESTIONS.map((q) => ({ value: q.id, label: q.text })),
  ];

  function passwordPage(signed: SignedIn, opts: { detail?: string; errors?: ErrorsByField; next?: string } = {}): Html {
    return page(
      'Change your temporary password',
      html`<p>Before you use the console, choose your own password, then answer two authentication questions.</p>
        ${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="/console/first-login/password" novalidate>
          ${csrfField(signed.csrf)} ${nextField(opts.next)}
          ${field({ path: 'currentPassword', label: 'Temporary password (from the email)', type: 'password', errors: opts.errors, autocomplete: 'current-password', required: true, autofocus: true })}
          ${field({
            path: 'newPassword',
            label: 'New password',
            type: 'password',
            errors: opts.errors,
            autocomplete: 'new-password',
            required: true,
            hint: '15 to 60 characters, with an upper-case and a lower-case letter and a digit; no part of your user ID or name; none of your last 6 passwords.',
          })}
          ${field({ path: 'confirmPassword', label: 'New password again', type: 'password', errors: opts.errors, autocomplete: 'new-password', required: true })}
          <button type="submit">Change password</button>
        </form>`,
      signedOf(signed),
    );
  }

  function questionsPage(
    signed: SignedIn,
    opts: { form?: Record<string, string>; detail?: string; errors?: ErrorsByField; next?: string } = {},
  ): Html {
    const f = opts.form ?? {};
    const pair = (n: 0 | 1) =>
      html`<fieldset>
        <legend>Question ${n + 1}</legend>
        ${select({ path: `answers.${n}.questionId`, label: 'Question', options: questionOptions, value: f[`answers.${n}.questionId`], errors: opts.errors, required: true, autofocus: n === 0 })}
        ${field({ path: `answers.${n}.answer`, label: 'Your answer', value: f[`answers.${n}.answer`], errors: opts.errors, autocomplete: 'off', required: true })}
      </fieldset>`;
    return page(
      'Answer two authentication questions',
      html`<p>The Help Desk uses these answers to recognise you if you forget your password.</p>
        ${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="/console/first-login/questions" novalidate>
          ${csrfField(signed.csrf)} ${nextField(opts.next)} ${pair(0)} ${pair(1)}
          <button type="submit">Save answers</button>
        </form>`,
      signedOf(signed),
    );
  }

  router.get('/console/first-login', async (req, res) => {
    const signed = await admitted(req, res, 'account:first-login');
    if (!signed) return;
    const next = safeNext(parse(nextQuerySchema, req.query, 'query', 'query').next);
    if (signed.caller.mustChangePassword) return sendPage(res, passwordPage(signed, { next }));
    if (signed.caller.mustAnswerQuestions) return sendPage(res, questionsPage(signed, { next }));
    seeOther(res, next ?? '/console/queue');
  });

  router.post('/console/first-login/password', async (req, res) => {
    const signed = await admitted(req, res, 'account:first-login');
    if (!signed) return;
    const form = formOf(req);
    const next = safeNext(form.next);
    try {
      const body = parse(
        passwordChangeSchema,
        { currentPassword: form.currentPassword ?? '', newPassword: form.newPassword ?? '' },
        'password change',
      );
      if (form.confirmPassword !== body.newPassword)
        throw new HttpProblem(400, 'the two new passwords differ', [
          { path: 'confirmPassword', message: 'must be the same as the new password' },
        ]);
      await accounts.changePassword(signed.caller.userId, body.currentPassword, body.newPassword);
      seeOther(res, withNext('/console/first-login', next));
    } catch (err) {
      const problem = fieldProblem(err);
      sendPage(res, passwordPage(signed, { detail: problem.detail, errors: errorsByField(problem.errors, PASSWORD_FIELDS), next }), {
        status: 400,
      });
    }
  });

  router.post('/console/first-login/questions', async (req, res) => {
    const signed = await admitted(req, res, 'account:first-login');
    if (!signed) return;
    const form = formOf(req);
    const next = safeNext(form.next);
    if (signed.caller.mustChangePassword) return seeOther(res, withNext('/console/first-login', next));
    try {
      const answers = [0, 1].map((n) => ({ questionId: form[`answers.${n}.questionId`] ?? '', answer: form[`answers.${n}.answer`] ?? '' }));
      const body = parse(questionAnswersSchema, { answers }, 'answers');
      await accounts.answerQuestions(signed.caller.userId, body.answers);
      seeOther(res, next ?? '/console/queue');
    } catch (err) {
      const problem = fieldProblem(err);
      // "each question may be answered once" names the list: it belongs next to the second question.
      const errors = problem.errors.map((e) => (e.path === 'answers' ? { ...e, path: 'answers.1.questionId' } : e));
      sendPage(res, questionsPage(signed, { form, detail: problem.detail, errors: errorsByField(errors, QUESTION_FIELDS), next }), {
        status: 400,
      });
    }
  });

  // ---- the queue -------------------------------------------------------------------------
  router.get('/console/queue', async (req, res) => {
    const signed = await admitted(req, res, 'approval:list');
    if (!signed) return;
    const query = parse(queuePageSchema.pick({ after: true }), req.query, 'query', 'query');
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    const queue = await approvalQueueOf(signed.caller, {
      limit: MAX_PAGE,
      after,
      applications: deps.applications,
      approvalDeadlines: deps.approvalDeadlines,
    });
    const rows = queue.items.map((item) => {
      const applicant = item.kind === 'REGISTRATION' ? item.applicant.name : (item.requester.name ?? item.requester.userId);
      const role = item.kind === 'REGISTRATION' ? words(item.role) : `${words(item.role)} – ${item.application}`;
      return html`<tr>
        <td><a href="${requestPath(item.kind, item.id)}">${item.trackingNumber ?? 'open'}</a></td>
        <td>${applicant}</td>
        <td>${role}</td>
        <td>${item.organization}</td>
        <td>${item.userGroup}</td>
        <td>${when(item.submittedAt)}</td>
        <td>${when(item.expiresAt)}</td>
      </tr>`;
    });
    sendPage(
      res,
      page(
        'Requests waiting for your approval',
        queue.items.length === 0
          ? html`<p role="status">No request is waiting for you.</p>`
          : html`<table>
                <caption>
                  Oldest first. Open a request by its tracking number to approve or deny it.
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Tracking number</th>
                    <th scope="col">Applicant</th>
                    <th scope="col">Role</th>
                    <th scope="col">Organization</th>
                    <th scope="col">Group</th>
                    <th scope="col">Submitted</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
              ${queue.next ? html`<p><a href="/console/queue?after=${queue.next}">Next page</a></p>` : ''}`,
        signedOf(signed),
      ),
    );
  });

  // ---- one request -----------------------------------------------------------------------
  async function requestOf(kindParam: unknown, idParam: unknown): Promise<RegistrationDetail | ApplicationRoleDetail> {
    const kind = KINDS[parse(kindSchema, kindParam, 'request kind', 'kind')];
    const request =
      kind === 'REGISTRATION'
        ? await registrationDetail(parse(registrationIdSchema, idParam, 'registration id', 'id'))
        : await applicationRoleDetail(parse(applicationRoleRequestIdSchema, idParam, 'request id', 'id'), deps.applications);
    if (!request) throw new HttpProblem(404, 'no such request');
    return request;
  }

  /** Routed approvers see a request; the Help Desk sees any (its look-up). */
  async function mayDecideOrLookUp(signed: SignedIn, request: RegistrationDetail | ApplicationRoleDetail) {
    const routed = isRoutedTo(await applicationRolePrincipalOf(signed.caller), request);
    const lookUp = authorize(signed.caller, 'request:look-up').allowed;
    if (!routed && !lookUp) throw new HttpProblem(403, 'this request is not routed to you');
    return { routed, lookUp };
  }

  function requestPage(
    signed: SignedIn,
    request: RegistrationDetail | ApplicationRoleDetail,
    may: { routed: boolean; lookUp: boolean },
    opts: { notice?: string; detail?: string; errors?: ErrorsByField; reason?: string } = {},
  ): Html {
    const base = requestPath(request.kind, request.id);
    const facts =
      request.kind === 'REGISTRATION'
        ? html`<dt>Applicant</dt>
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
            <dd>${when(request.submittedAt)}</dd>`
        : html`<dt>Requester</dt>
            <dd>${request.requesterName ?? ''} (${request.requesterUserId})</dd>
            <dt>Application</dt>
            <dd>${request.application}</dd>
            <dt>Role</dt>
            <dd>${words(request.role)}</dd>
            <dt>Organization</dt>
            <dd>${request.organization}</dd>
            <dt>User group</dt>
            <dd>${request.userGroup}</dd>`;
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

  const NOTICES = {
    approved: 'Your approval is recorded.',
    denied: 'Your denial is recorded; the applicant is told the reason.',
    resent: 'The acknowledgement email was sent again.',
  } as const;

  router.get('/console/requests/:kind/:id', async (req, res) => {
    const signed = await admitted(req, res, 'approval:list');
    if (!signed) return;
    const { done } = parse(z.strictObject({ done: z.enum(['approved', 'denied', 'resent']).optional() }), req.query, 'query', 'query');
    const request = await requestOf(req.params.kind, req.params.id);
    const may = await mayDecideOrLookUp(signed, request);
    sendPage(res, requestPage(signed, request, may, { notice: done ? NOTICES[done] : undefined }));
  });

  router.post('/console/requests/:kind/:id/decision', async (req, res) => {
    const kind = KINDS[parse(kindSchema, req.params.kind, 'request kind', 'kind')];
    const signed = await admitted(req, res, kind === 'REGISTRATION' ? 'registration:decide' : 'application-role:decide');
    if (!signed) return;
    const form = formOf(req);
    const reason = (form.reason ?? '').trim();
    const body = { decision: form.decision, ...(reason !== '' && { reason }) };
    const request = await requestOf(req.params.kind, req.params.id);
    try {
      // The same functions as POST /registrations/:id/decision and /application-role-requests/:id/decision.
      const answer =
        kind === 'REGISTRATION'
          ? await decideRegistration(deps.temporal, request.id, body, signed.caller)
          : await decideApplicationRole(deps.temporal, request.id, body, signed.caller);
      seeOther(res, `${requestPath(kind, request.id)}?done=${answer.status === 'DENIED' ? 'denied' : 'approved'}`);
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 403) throw err;
      const problem = fieldProblem(err);
      const may = await mayDecideOrLookUp(signed, request);
      const fresh = await requestOf(req.params.kind, req.params.id);
      sendPage(
        res,
        requestPage(signed, fresh, may, { detail: problem.detail, errors: errorsByField(problem.errors, ['reason']), reason: form.reason }),
        {
          status: err instanceof HttpProblem ? err.status : 400,
        },
      );
    }
  });

  return router;
}
