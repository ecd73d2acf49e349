/** Who can decide a route right now: the active accounts the routing table selects. */
import {
  mayDecide,
  mayDecideApplicationRole,
  type ApplicationRoleRoute,
  type ApprovalRoute,
  type Principal,
} from '../domain/approval-routing';
import type { AccountRole } from '../domain/roles';
import { AccountModel, roleGrantsOf } from '../models/account';

export async function activeApprovers(route: ApprovalRoute, applicantUserId?: string): Promise<{ userId: string; email: string }[]> {
  const roles = route.approvers.flatMap((selector): AccountRole[] => (selector.kind === 'HELP_DESK' ? ['HELP_DESK'] : selector.roles));
  const candidates = await AccountModel.find({ 'roles.role': { $in: roles }, deactivatedAt: { $exists: false } }).lean();
  return candidates
    .filter((account) => {
      const principal: Principal = { userId: account.userId, roles: roleGrantsOf(account) };
      return mayDecide(principal, route, applicantUserId);
    })
    .map((account) => ({ userId: account.userId, email: account.email }));
}

/** Who can decide an application-role route right now (Table 2 selectors included). */
export async function activeApplicationRoleApprovers(
  route: ApplicationRoleRoute,
  requesterUserId?: string,
): Promise<{ userId: string; email: string }[]> {
  const candidates = await AccountModel.find({ deactivatedAt: { $exists: false } }).lean();
  return candidates
    .filter((account) =>
      mayDecideApplicationRole(
        {
          userId: account.userId,
          roles: roleGrantsOf(account),
          applicationRoles: account.applicationRoles ?? [],
        },
        route,
        requesterUserId,
      ),
    )
    .map((account) => ({ userId: account.userId, email: account.email }));
}
