/**
 * The approver's console: the queue (the read model of `GET /approvals`), a request's page, and
 * approve or deny (the functions of the JSON decision routes). Signing in is account-routes.ts.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { applicationRolePrincipalOf } from '../../accounts/application-principal';
import { decodeCursor, MAX_PAGE } from '../../approvals/queue-page';
import { authorize } from '../../domain/access-policy';
import type { Application } from '../../domain/application-roles';
import { applicationRoleRequestIdSchema } from '../../domain/application-roles';
import { registrationIdSchema } from '../../domain/schemas';
import { decideApplicationRole } from '../application-role-routes';
import { approvalQueueOf, decideRegistration, queuePageSchema } from '../approval-routes';
import type { ApprovalDeadlines } from '../deadline-routes';
import { HttpProblem, parse } from '../problem';
import { fieldProblem, formOf, seeOther, sendPage } from './forms';
import { html } from './html';
import { errorsByField, page, when, words } from './layout';
import { requestPage } from './request-page';
import {
  applicationRoleDetail,
  isRoutedTo,
  registrationDetail,
  requestPath,
  type ApplicationRoleDetail,
  type RegistrationDetail,
} from './requests';
import { admitted, signedOf, type ConsoleDeps, type SignedIn } from './session';

export interface ApproverConsoleDeps extends ConsoleDeps {
  temporal: Client;
  applications: readonly Application[];
  approvalDeadlines: ApprovalDeadlines;
}

const KINDS = { registration: 'REGISTRATION', 'application-role': 'APPLICATION_ROLE' } as const;
const kindSchema = z.enum(['registration', 'application-role']);

export function approverConsoleRoutes(deps: ApproverConsoleDeps): Router {
  const router = Router();
  queueRoutes(router, deps);
  requestRoutes(router, deps);
  return router;
}

function queueRoutes(router: Router, deps: ApproverConsoleDeps): void {
  router.get('/console/queue', async (req, res) => {
    const signed = await admitted(req, res, deps, 'approval:list');
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
}

function requestRoutes(router: Router, deps: ApproverConsoleDeps): void {
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

  const NOTICES = {
    approved: 'Your approval is recorded.',
    denied: 'Your denial is recorded; the applicant is told the reason.',
    resent: 'The acknowledgement email was sent again.',
  } as const;

  router.get('/console/requests/:kind/:id', async (req, res) => {
    const signed = await admitted(req, res, deps, 'approval:list');
    if (!signed) return;
    const { done } = parse(z.strictObject({ done: z.enum(['approved', 'denied', 'resent']).optional() }), req.query, 'query', 'query');
    const request = await requestOf(req.params.kind, req.params.id);
    const may = await mayDecideOrLookUp(signed, request);
    sendPage(res, requestPage(signed, request, may, { notice: done ? NOTICES[done] : undefined }));
  });

  router.post('/console/requests/:kind/:id/decision', async (req, res) => {
    const kind = KINDS[parse(kindSchema, req.params.kind, 'request kind', 'kind')];
    const signed = await admitted(req, res, deps, kind === 'REGISTRATION' ? 'registration:decide' : 'application-role:decide');
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
}
