/** The application-role requests routed to an approver, as items of `GET /approvals`. */
import { applicationRolePrincipalOf } from '../accounts/application-principal';
import type { Application } from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRoleRoute, type Principal } from '../domain/approval-routing';
import { AccountModel } from '../models/account';
import { ApplicationRoleRequestModel } from '../models/application-role';
import { OrganizationModel, UserGroupModel } from '../models/organization';

export interface ApplicationRoleApproval {
  kind: 'APPLICATION_ROLE';
  id: string;
  trackingNumber?: string | null;
  role: string;
  applicationId: string;
  application: string;
  organization?: string;
  userGroup?: string;
  requester: { userId: string; name?: string };
  submittedAt?: Date | null;
}

export async function applicationRoleApprovalsFor(
  session: Principal,
  applications: readonly Application[],
): Promise<ApplicationRoleApproval[]> {
  const approver = await applicationRolePrincipalOf(session);
  const waiting = await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL' }).sort({ submittedAt: 1 }).lean();
  const mine = waiting.filter((r) => r.route && mayDecideApplicationRole(approver, r.route as ApplicationRoleRoute, r.requesterUserId));
  return Promise.all(
    mine.map(async (r) => {
      const [organization, userGroup, requester] = await Promise.all([
        OrganizationModel.findById(r.organizationId, { name: 1 }).lean(),
        UserGroupModel.findById(r.userGroupId, { name: 1 }).lean(),
        AccountModel.findOne({ userId: r.requesterUserId }, { firstName: 1, lastName: 1 }).lean(),
      ]);
      return {
        kind: 'APPLICATION_ROLE' as const,
        id: r._id,
        trackingNumber: r.trackingNumber,
        role: r.role,
        applicationId: r.applicationId,
        application: applications.find((a) => a.id === r.applicationId)?.name ?? r.applicationId,
        organization: organization?.name,
        userGroup: userGroup?.name,
        requester: { userId: r.requesterUserId, name: requester ? `${requester.firstName} ${requester.lastName}` : undefined },
        submittedAt: r.submittedAt,
      };
    }),
  );
}
