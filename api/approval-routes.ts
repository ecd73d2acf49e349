/** The approver's side: the queue of requests routed to the caller, and the decision. */
import { Router } from 'express';
import { z } from 'zod';
import { applicationRolePrincipalOf } from '../accounts/application-principal';
import type { Client } from '@temporalio/client';
import { approvalQueuePage, decodeCursor, MAX_PAGE, type QueueCursor, type QueuePage } from '../approvals/queue-page';
import type { Principal } from '../domain/approval-routing';
import type { Application } from '../domain/application-roles';
import { decisionSchema, registrationIdSchema } from '../domain/schemas';
import { decideUpdate, workflowIdFor, type StatusResult } from '../workflows/messages';
import { addLogContext } from '../infra/logger';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, type GuardDeps } from './guard';
import { idempotent } from './idempotency';
import { HttpProblem, parse } from './problem';
import { sendUpdate } from './temporal-refusals';
import { text, TEXT_LIMITS } from '../domain/text';

export const queuePageSchema = z.strictObject({
  after: text(TEXT_LIMITS.cursor, { min: 0, trim: false }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(MAX_PAGE).optional(),
});

/**
 * An approver's decision on a registration (JSON route and console alike): the body checked with
 * `decisionSchema`, then the workflow's `decide` update, which admits only the approvers routed
 * to the request.
 */
export async function decideRegistration(
  temporal: Client,
  registrationId: string,
  body: unknown,
  approver: Principal,
): Promise<StatusResult> {
  const decision = parse(decisionSchema, body, 'decision');
  addLogContext({ workflowId: workflowIdFor(registrationId) });
  const handle = temporal.workflow.getHandle(workflowIdFor(registrationId));
  const { userId, roles } = approver;
  return sendUpdate(handle, (h) => h.executeUpdate(decideUpdate, { args: [{ ...decision, approver: { userId, roles } }] }));
}

/** One page of the requests routed to an account (JSON route and console alike). */
export async function approvalQueueOf(
  account: Principal,
  options: {
    limit: number;
    after?: QueueCursor;
    applications: readonly Application[];
    approvalDeadlines: ApprovalDeadlines;
  },
): Promise<QueuePage> {
  return approvalQueuePage(await applicationRolePrincipalOf(account), {
    limit: options.limit,
    after: options.after,
    applications: options.applications,
    deadlines: await currentApprovalDeadlines(options.approvalDeadlines),
  });
}

export function approvalRoutes(deps: GuardDeps & { applications: readonly Application[]; approvalDeadlines: ApprovalDeadlines }): Router {
  const router = Router();

  /**
   * The requests routed to the caller, in the order they reached its queue, one page (at most 50)
   * of the approval-queue read model; `Link: <…?after=…>; rel="next"` when there are more.
   */
  router.get('/approvals', guard('approval:list', deps), async (req, res) => {
    const query = parse(queuePageSchema, req.query, 'query', 'query');
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    if (query.after !== undefined && !after)
      throw new HttpProblem(400, 'the query is not valid', [{ path: 'query.after', message: 'is not a cursor this API gave' }]);
    const page = await approvalQueueOf(accountOf(res), {
      limit: query.limit ?? MAX_PAGE,
      after,
      applications: deps.applications,
      approvalDeadlines: deps.approvalDeadlines,
    });
    if (page.next) {
      const next = new URLSearchParams({ after: page.next, ...(query.limit !== undefined && { limit: String(query.limit) }) });
      res.set('link', `</approvals?${next.toString()}>; rel="next"`);
    }
    res.json(page.items);
  });

  router.post('/registrations/:id/decision', guard('registration:decide', deps), idempotent(deps.keys), async (req, res) => {
    const id = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    res.json(await decideRegistration(deps.temporal, id, req.body, accountOf(res)));
  });

  return router;
}
