/**
 * Who can decide a route right now: the active accounts listed under the route's keys
 * (models/approver-keys.ts), each read by `_id` and checked with the routing table itself. The
 * cost follows the route's approvers, not the number of accounts.
 */
import {
  mayDecide,
  mayDecideApplicationRole,
  routeKeys,
  type ApplicationRoleRoute,
  type ApprovalRoute,
  type Principal,
} from '../domain/approval-routing';
import type { ApplicationRoleGrant } from '../domain/application-roles';
import { AccountModel, roleGrantsOf } from '../models/account';
import { listDecider, membersUnder } from '../models/approver-keys';
import { SettingModel } from '../models/settings';

type Decider = Principal & { email: string; applicationRoles: ApplicationRoleGrant[] };

/** The active accounts listed under any of `keys`, as principals. */
async function activeDecidersUnder(keys: readonly string[]): Promise<Decider[]> {
  const userIds = new Set<string>();
  for (const key of new Set(keys)) for (const userId of await membersUnder(key)) userIds.add(userId);
  const deciders: Decider[] = [];
  for (const userId of userIds) {
    const account = await AccountModel.findById(userId, { userId: 1, email: 1, roles: 1, applicationRoles: 1, deactivatedAt: 1 }).lean();
    if (!account || account.deactivatedAt) continue;
    deciders.push({
      userId: account.userId,
      email: account.email,
      roles: roleGrantsOf(account),
      applicationRoles: account.applicationRoles ?? [],
    });
  }
  return deciders;
}

const contact = ({ userId, email }: Decider) => ({ userId, email });

export async function activeApprovers(route: ApprovalRoute, applicantUserId?: string): Promise<{ userId: string; email: string }[]> {
  const deciders = await activeDecidersUnder(routeKeys(route));
  return deciders.filter((decider) => mayDecide(decider, route, applicantUserId)).map(contact);
}

/** Who can decide an application-role route right now (Table 2 selectors included). */
export async function activeApplicationRoleApprovers(
  route: ApplicationRoleRoute,
  requesterUserId?: string,
): Promise<{ userId: string; email: string }[]> {
  const deciders = await activeDecidersUnder(routeKeys(route));
  return deciders.filter((decider) => mayDecideApplicationRole(decider, route, requesterUserId)).map(contact);
}

/** Whether the group has an active Application Approver for the application, other than `exceptUserId`. */
export async function groupHasApplicationApprover(
  request: { applicationId: string; userGroupId: string },
  exceptUserId?: string,
): Promise<boolean> {
  const route: ApplicationRoleRoute = {
    heldBy: ['APPLICATION_APPROVER'],
    approvers: [{ kind: 'APPLICATION_APPROVER', applicationId: request.applicationId, userGroupId: request.userGroupId }],
  };
  return (await activeApplicationRoleApprovers(route, exceptUserId)).length > 0;
}

const DECIDERS_LISTED = 'decidersListed';

/**
 * Lists the accounts of a database from before the approver keys under their keys: once per
 * database (one read of every account, then a setting), from the API's and the worker's start.
 */
export async function listDecidersOnce(): Promise<void> {
  if (await SettingModel.exists({ _id: DECIDERS_LISTED })) return;
  for (const account of await AccountModel.find({}, { userId: 1, roles: 1, applicationRoles: 1 }).lean())
    await listDecider({ userId: account.userId, roles: roleGrantsOf(account), applicationRoles: account.applicationRoles ?? [] });
  await SettingModel.updateOne({ _id: DECIDERS_LISTED }, { $set: { value: true } }, { upsert: true });
}
