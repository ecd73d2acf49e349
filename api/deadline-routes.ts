/**
 * The approval-deadline policy: configuration gives the default, an operator may change it at
 * run time, and the change reaches every request not yet decided (deadlines still count from
 * each request's submission).
 */
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deadlinePolicySchema, type DeadlinePolicy } from '../domain/approval-deadlines';
import type { BusinessCalendar } from '../domain/business-days';
import type { RegistrationStatus } from '../domain/status';
import { log } from '../infra/logger';
import { RegistrationModel } from '../models/registration';
import { SettingModel } from '../models/settings';
import { appendAudit } from '../audit/audit-log';
import { applyDeadlinePolicyUpdate, workflowIdFor } from '../workflows/messages';
import { applicationRoleWorkflowIdFor, applyApplicationRoleDeadlinePolicyUpdate } from '../workflows/application-role-messages';
import { ApplicationRoleRequestModel } from '../models/application-role';
import { accountOf, guard, type GuardDeps } from './guard';
import { parse } from './problem';

export interface ApprovalDeadlines {
  policy: DeadlinePolicy;
  calendar: BusinessCalendar;
}

const SETTING = 'approvalDeadlinePolicy';
const UNDECIDED: RegistrationStatus[] = ['VALIDATING_IDENTITY', 'AWAITING_EMAIL_VERIFICATION', 'AWAITING_DETAILS', 'AWAITING_APPROVAL'];

/** The deadlines a request gets now: the operator's policy if one was set, else configuration's. */
export async function currentApprovalDeadlines(defaults: ApprovalDeadlines): Promise<ApprovalDeadlines> {
  const setting = await SettingModel.findById(SETTING).lean();
  return { calendar: defaults.calendar, policy: setting ? deadlinePolicySchema.parse(setting.value) : defaults.policy };
}

export function deadlineRoutes(deps: GuardDeps & { temporal: Client; approvalDeadlines: ApprovalDeadlines }): Router {
  const router = Router();

  router.get('/admin/deadline-policy', guard('deadline-policy:change', deps), async (_req, res) => {
    res.json(await currentApprovalDeadlines(deps.approvalDeadlines));
  });

  router.put('/admin/deadline-policy', guard('deadline-policy:change', deps), async (req, res) => {
    const policy = parse(deadlinePolicySchema, req.body, 'deadline policy');
    const operator = accountOf(res).userId;
    await SettingModel.updateOne({ _id: SETTING }, { $set: { value: policy, changedBy: operator } }, { upsert: true });
    await appendAudit(`DEADLINE_POLICY_CHANGED:${Date.now()}:${operator}`, {
      kind: 'DEADLINE_POLICY_CHANGED',
      actor: operator,
      data: { ...policy },
    });
    const waiting = await RegistrationModel.find({ status: { $in: UNDECIDED } })
      .select('_id')
      .lean();
    let appliedTo = 0;
    for (const { _id } of waiting) {
      try {
        await deps.temporal.workflow.getHandle(workflowIdFor(_id)).executeUpdate(applyDeadlinePolicyUpdate, { args: [policy] });
        appliedTo++;
      } catch (err) {
        // A request decided meanwhile has nothing left to wait for.
        if (!(err instanceof WorkflowNotFoundError)) log.warn('deadline policy not applied', { registrationId: _id, error: String(err) });
      }
    }
    for (const { _id } of await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL' }).lean()) {
      try {
        await deps.temporal.workflow
          .getHandle(applicationRoleWorkflowIdFor(_id))
          .executeUpdate(applyApplicationRoleDeadlinePolicyUpdate, { args: [policy] });
        appliedTo++;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) log.warn('deadline policy not applied', { requestId: _id, error: String(err) });
      }
    }
    res.json({ policy, appliedTo });
  });

  return router;
}
