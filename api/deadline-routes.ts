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

/** Sends a waiting request its new policy; one decided meanwhile has nothing left to wait for. */
async function applied(request: Record<string, string>, send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) log.warn('deadline policy not applied', { ...request, error: String(err) });
    return false;
  }
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
    const workflows = deps.temporal.workflow;
    let appliedTo = 0;
    for (const { _id } of waiting) {
      const handle = workflows.getHandle(workflowIdFor(_id));
      if (await applied({ registrationId: _id }, () => handle.executeUpdate(applyDeadlinePolicyUpdate, { args: [policy] }))) appliedTo++;
    }
    for (const { _id } of await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL' }).lean()) {
      const handle = workflows.getHandle(applicationRoleWorkflowIdFor(_id));
      if (await applied({ requestId: _id }, () => handle.executeUpdate(applyApplicationRoleDeadlinePolicyUpdate, { args: [policy] })))
        appliedTo++;
    }
    res.json({ policy, appliedTo });
  });

  return router;
}
