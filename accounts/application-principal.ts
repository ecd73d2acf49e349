/**
 * The application roles an account holds (Table 2), added to a session's principal: approvers
 * of application-role requests are recognised by them, and sessions carry only Table 1 roles.
 */
import type { ApplicationRoleGrant } from '../domain/application-roles';
import type { ApplicationRolePrincipal, Principal } from '../domain/approval-routing';
import { AccountModel } from '../models/account';

export async function applicationRolesOf(userId: string): Promise<ApplicationRoleGrant[]> {
  const account = await AccountModel.findById(userId, { applicationRoles: 1 }).lean();
  return (account?.applicationRoles ?? []).map(({ role, applicationId, userGroupId, organizationId }) => ({
    role,
    applicationId,
    userGroupId,
    organizationId,
  }));
}

export async function applicationRolePrincipalOf(principal: Principal): Promise<ApplicationRolePrincipal> {
  return { userId: principal.userId, roles: principal.roles, applicationRoles: await applicationRolesOf(principal.userId) };
}
