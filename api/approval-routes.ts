/** The approver's side: the queue of requests routed to the caller, and the decision. */
import { Router } from 'express';
import type { Application } from '../domain/application-roles';
import { mayDecide, type ApprovalRoute } from '../domain/approval-routing';
import { decisionSchema, registrationIdSchema, type RegistrationDetails } from '../domain/schemas';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { RegistrationModel } from '../models/registration';
import { decideUpdate, workflowIdFor } from '../workflows/messages';
import { deadlinesFor } from '../domain/approval-deadlines';
import { applicationRoleApprovalsFor } from './application-role-approvals';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, type GuardDeps } from './guard';
import { parse } from './problem';
import { sendUpdate } from './temporal-refusals';

/** Oldest first, registrations and application-role requests alike. */
const bySubmission = (a: { submittedAt?: Date | null }, b: { submittedAt?: Date | null }) =>
  (a.submittedAt?.getTime() ?? 0) - (b.submittedAt?.getTime() ?? 0);

export function approvalRoutes(deps: GuardDeps & { applications: readonly Application[]; approvalDeadlines: ApprovalDeadlines }): Router {
  const router = Router();

  router.get('/approvals', guard('approval:list', deps), async (_req, res) => {
    const session = accountOf(res);
    const waiting = await RegistrationModel.find({ status: 'AWAITING_APPROVAL' }).sort({ submittedAt: 1 }).lean();
    // Never one's own request, even where one's role is on its route.
    const mine = waiting.filter((r) => r.route && mayDecide(session, r.route as ApprovalRoute, r.applicantUserId ?? undefined));
    const { policy, calendar } = await currentApprovalDeadlines(deps.approvalDeadlines);
    const names = async (details: RegistrationDetails) => ({
      organization:
        details.organization?.name ??
        (details.organizationId ? (await OrganizationModel.findById(details.organizationId).lean())?.name : undefined),
      userGroup:
        details.userGroup?.name ?? (details.userGroupId ? (await UserGroupModel.findById(details.userGroupId).lean())?.name : undefined),
    });
    const registrations = await Promise.all(
      mine.map(async (r) => ({
        kind: 'REGISTRATION' as const,
        id: r._id,
        trackingNumber: r.trackingNumber,
        role: r.role,
        ...(await names(r.details as RegistrationDetails)),
        heldBy: (r.route as ApprovalRoute).heldBy,
        submittedAt: r.submittedAt,
        expiresAt: r.submittedAt ? deadlinesFor(r.submittedAt, policy, calendar).expireAt : undefined,
      })),
    );
    const applicationRoles = await applicationRoleApprovalsFor(session, deps.applications);
    res.json([...registrations, ...applicationRoles].sort(bySubmission));
  });

  router.post('/registrations/:id/decision', guard('registration:decide', deps), async (req, res) => {
    const id = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    const decision = parse(decisionSchema, req.body, 'decision');
    const { userId, roles } = accountOf(res);
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(id));
    res.json(await sendUpdate(handle, (h) => h.executeUpdate(decideUpdate, { args: [{ ...decision, approver: { userId, roles } }] })));
  });

  return router;
}
