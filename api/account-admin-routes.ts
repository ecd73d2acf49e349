/** The Help Desk deactivates accounts; what waited on them moves on (approvals/chain-of-trust.ts). */
import { Router } from 'express';
import { z } from 'zod';
import { deactivateAccount } from '../approvals/chain-of-trust';
import { rerouteUpdate, workflowIdFor } from '../workflows/messages';
import { applicationRoleWorkflowIdFor, rerouteApplicationRoleUpdate } from '../workflows/application-role-messages';
import { accountOf, guard, type GuardDeps } from './guard';
import { HttpProblem, parse } from './problem';
import { sendUpdate } from './temporal-refusals';

export const userIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{4,64}$/, 'must be a user ID');

export function accountAdminRoutes(deps: GuardDeps): Router {
  const router = Router();
  router.post('/accounts/:userId/deactivate', guard('account:deactivate', deps), async (req, res) => {
    const userId = parse(userIdSchema, req.params.userId, 'user ID', 'userId');
    const actor = accountOf(res).userId;
    if (userId === actor) throw new HttpProblem(409, 'an account cannot deactivate itself');
    const done = await deactivateAccount(userId, actor, {
      registration: async (registrationId, route) => {
        const handle = deps.temporal.workflow.getHandle(workflowIdFor(registrationId));
        await sendUpdate(handle, (h) => h.executeUpdate(rerouteUpdate, { args: [route] }));
      },
      applicationRole: async (requestId, route) => {
        const handle = deps.temporal.workflow.getHandle(applicationRoleWorkflowIdFor(requestId));
        await sendUpdate(handle, (h) => h.executeUpdate(rerouteApplicationRoleUpdate, { args: [route] }));
      },
    });
    if (!done) throw new HttpProblem(404, 'no such account');
    res.json(done);
  });
  return router;
}
