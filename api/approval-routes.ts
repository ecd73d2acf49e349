/** The approver's side: the queue of requests routed to the caller, and the decision. */
import { Router } from 'express';
import { z } from 'zod';
import { applicationRolePrincipalOf } from '../accounts/application-principal';
import { approvalQueuePage, decodeCursor, MAX_PAGE } from '../approvals/approval-queue';
import type { Application } from '../domain/application-roles';
import { decisionSchema, registrationIdSchema } from '../domain/schemas';
import { decideUpdate, workflowIdFor } from '../workflows/messages';
import { addLogContext } from '../infra/logger';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, type GuardDeps } from './guard';
import { HttpProblem, parse } from './problem';
import { sendUpdate } from './temporal-refusals';

export const queuePageSchema = z.strictObject({
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(MAX_PAGE).optional(),
});

export function approvalRoutes(deps: GuardDeps & { applications: readonly Application[]; approvalDeadlines: ApprovalDeadlines }): Router {
  const router = Router();

  /**
   * The requests routed to the caller, oldest first, one page (at most 50) of the approval-queue
   * read model; `Link: <…?after=…>; rel="next"` when there are more.
   */
  router.get('/approvals', guard('approval:list', deps), async (req, res) => {
    const query = parse(queuePageSchema, req.query, 'query', 'query');
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    if (query.after !== undefined && !after)
      throw new HttpProblem(400, 'the query is not valid', [{ path: 'query.after', message: 'is not a cursor this API gave' }]);
    const page = await approvalQueuePage(await applicationRolePrincipalOf(accountOf(res)), {
      limit: query.limit ?? MAX_PAGE,
      after,
      applications: deps.applications,
      deadlines: await currentApprovalDeadlines(deps.approvalDeadlines),
    });
    if (page.next) {
      const next = new URLSearchParams({ after: page.next, ...(query.limit !== undefined && { limit: String(query.limit) }) });
      res.set('link', `</approvals?${next.toString()}>; rel="next"`);
    }
    res.json(page.items);
  });

  router.post('/registrations/:id/decision', guard('registration:decide', deps), async (req, res) => {
    const id = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    const decision = parse(decisionSchema, req.body, 'decision');
    const { userId, roles } = accountOf(res);
    addLogContext({ workflowId: workflowIdFor(id) });
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(id));
    res.json(await sendUpdate(handle, (h) => h.executeUpdate(decideUpdate, { args: [{ ...decision, approver: { userId, roles } }] })));
  });

  return router;
}
