/**
 * Chain of trust: when an account is deactivated, every request waiting on approvers who can no
 * longer decide moves to the next approvers the tables allow (escalation), down to the EUS Help
 * Desk, so that no request is left with no one to decide it.
 */
import type { ApplicationRoleRoute, ApprovalRoute, RoutableRequest } from '../domain/approval-routing';
import { escalateApplicationRoleRoute, escalationFor } from '../domain/escalation';
import { RegistrationModel, storedRegistrationDetails, storedRegistrationRoute } from '../models/registration';
import { AccountModel, SessionModel } from '../models/account';
import { appendAudit } from '../audit/audit-log';
import { ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../models/application-role';
import { activeApplicationRoleApprovers, activeApprovers } from './approvers';

const HELP_DESK_ROUTE: ApprovalRoute = { heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] };

/**
 * The first route, from `route` along its escalations, on which someone active can decide;
 * `whenNoOne` when the escalations run out with no one.
 */
async function firstDecidable<Route>(
  route: Route,
  canDecide: (route: Route) => Promise<boolean>,
  escalate: (route: Route) => Route | undefined,
  whenNoOne: (last: Route) => Route,
): Promise<Route> {
  let current = route;
  for (;;) {
    if (await canDecide(current)) return current;
    const next = escalate(current);
    if (next === undefined) return whenNoOne(current);
    current = next;
  }
}

/** The route a waiting request should have now: its own if someone active can decide it, else the next one that can. */
function decidableRoute(request: RoutableRequest, route: ApprovalRoute, applicantUserId?: string): Promise<ApprovalRoute> {
  return firstDecidable(
    route,
    async (r) => (await activeApprovers(r, applicantUserId)).length > 0,
    (r) => escalationFor(request, r),
    () => HELP_DESK_ROUTE,
  );
}

interface Deactivation {
  userId: string;
  rerouted: { registrationId: string; heldBy: ApprovalRoute['heldBy'] }[];
  reroutedApplicationRoleRequests: { requestId: string; heldBy: ApplicationRoleRoute['heldBy'] }[];
}

/** Reroutes a waiting request through its workflow. */
interface Rerouters {
  registration: (registrationId: string, route: ApprovalRoute) => Promise<void>;
  applicationRole: (requestId: string, route: ApplicationRoleRoute) => Promise<void>;
}

function decidableApplicationRoleRoute(
  organizationId: string,
  route: ApplicationRoleRoute,
  requesterUserId: string,
): Promise<ApplicationRoleRoute> {
  return firstDecidable(
    route,
    async (r) => (await activeApplicationRoleApprovers(r, requesterUserId)).length > 0,
    (r) => escalateApplicationRoleRoute({ organizationId }, r),
    (last) => last,
  );
}

/** Deactivates an account, ends its sessions, and re-routes what waited on it through `reroute`. */
export async function deactivateAccount(userId: string, actor: string, reroute: Rerouters): Promise<Deactivation | undefined> {
  const account = await AccountModel.findOneAndUpdate({ userId }, { $set: { deactivatedAt: new Date() } }, { returnDocument: 'after' });
  if (!account) return undefined;
  await SessionModel.deleteMany({ userId });
  await appendAudit(`ACCOUNT_DEACTIVATED:${userId}:${account.deactivatedAt!.toISOString()}`, {
    kind: 'ACCOUNT_DEACTIVATED',
    actor,
    data: { userId, roles: account.roles.map((r) => r.role) },
  });
  const rerouted: Deactivation['rerouted'] = [];
  for (const waiting of await RegistrationModel.find({ status: 'AWAITING_APPROVAL' }).lean()) {
    const details = storedRegistrationDetails(waiting);
    const request: RoutableRequest = { role: waiting.role, organizationId: details?.organizationId, userGroupId: details?.userGroupId };
    const route = storedRegistrationRoute(waiting);
    if (!route) continue;
    const next = await decidableRoute(request, route, waiting.applicantUserId ?? undefined);
    if (JSON.stringify(next) === JSON.stringify(route)) continue;
    await reroute.registration(waiting._id, next);
    rerouted.push({ registrationId: waiting._id, heldBy: next.heldBy });
  }
  const reroutedApplicationRoleRequests: Deactivation['reroutedApplicationRoleRequests'] = [];
  for (const waiting of await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL', route: { $exists: true } }).lean()) {
    const route = storedApplicationRoleRoute(waiting);
    if (!route) continue;
    const next = await decidableApplicationRoleRoute(waiting.organizationId, route, waiting.requesterUserId);
    if (JSON.stringify(next) === JSON.stringify(route)) continue;
    await reroute.applicationRole(waiting._id, next);
    reroutedApplicationRoleRequests.push({ requestId: waiting._id, heldBy: next.heldBy });
  }
  return { userId, rerouted, reroutedApplicationRoleRequests };
}
