/**
 * The approvers' queue: a read model of every request waiting for a decision, kept by the
 * activities that record a request's status and route, and read one page at a time by
 * `GET /approvals` through the index `{ routeKeys, submittedAt, _id }`.
 */
import { z } from 'zod';
import type { Application } from '../domain/application-roles';
import { principalKeys, routeKeys, type ApplicationRolePrincipal } from '../domain/approval-routing';
import { deadlinesFor, type DeadlinePolicy } from '../domain/approval-deadlines';
import type { BusinessCalendar } from '../domain/business-days';
import { AccountModel } from '../models/account';
import { ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../models/application-role';
import { ApprovalQueueItemModel } from '../models/approval-queue';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { RegistrationModel, storedRegistrationDetails, storedRegistrationRoute } from '../models/registration';

type QueueKind = 'REGISTRATION' | 'APPLICATION_ROLE';
const itemId = (kind: QueueKind, requestId: string) => `${kind}:${requestId}`;

const organizationName = async (id?: string) => (id ? (await OrganizationModel.findById(id, { name: 1 }).lean())?.name : undefined);
const userGroupName = async (id?: string) => (id ? (await UserGroupModel.findById(id, { name: 1 }).lean())?.name : undefined);

export async function dequeue(kind: QueueKind, requestId: string): Promise<void> {
  await ApprovalQueueItemModel.deleteOne({ _id: itemId(kind, requestId) });
}

/** Puts a registration in the queue as it now stands, or takes it out when it no longer waits. */
export async function queueRegistration(registrationId: string): Promise<void> {
  const r = await RegistrationModel.findById(registrationId).lean();
  const route = r && storedRegistrationRoute(r);
  if (!r || r.status !== 'AWAITING_APPROVAL' || !route || !r.submittedAt) return dequeue('REGISTRATION', registrationId);
  const details = storedRegistrationDetails(r);
  const item = {
    kind: 'REGISTRATION',
    requestId: registrationId,
    routeKeys: routeKeys(route),
    ownerUserId: r.applicantUserId ?? undefined,
    submittedAt: r.submittedAt,
    trackingNumber: r.trackingNumber ?? undefined,
    role: r.role,
    applicantName: `${r.firstName} ${r.lastName}`,
    organization: details?.organization?.name ?? (await organizationName(details?.organizationId)),
    userGroup: details?.userGroup?.name ?? (await userGroupName(details?.userGroupId)),
    heldBy: route.heldBy,
  };
  await ApprovalQueueItemModel.replaceOne({ _id: itemId('REGISTRATION', registrationId) }, item, { upsert: true });
}

/** Puts an application-role request in the queue as it now stands, or takes it out. */
export async function queueApplicationRole(requestId: string): Promise<void> {
  const r = await ApplicationRoleRequestModel.findById(requestId).lean();
  const route = storedApplicationRoleRoute(r);
  if (!r || r.status !== 'AWAITING_APPROVAL' || !route || !r.submittedAt) return dequeue('APPLICATION_ROLE', requestId);
  const requester = await AccountModel.findById(r.requesterUserId, { firstName: 1, lastName: 1 }).lean();
  const item = {
    kind: 'APPLICATION_ROLE',
    requestId,
    routeKeys: routeKeys(route),
    ownerUserId: r.requesterUserId,
    submittedAt: r.submittedAt,
    trackingNumber: r.trackingNumber ?? undefined,
    role: r.role,
    organization: await organizationName(r.organizationId),
    userGroup: await userGroupName(r.userGroupId),
    heldBy: route.heldBy,
    applicationId: r.applicationId,
    requesterName: requester ? `${requester.firstName} ${requester.lastName}` : undefined,
  };
  await ApprovalQueueItemModel.replaceOne({ _id: itemId('APPLICATION_ROLE', requestId) }, item, { upsert: true });
}

/** At most this many items a page. */
export const MAX_PAGE = 50;

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string().min(1) });
const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString('base64url');
/** The position after which a page starts, or undefined when the cursor is not one this module made. */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface QueuePage {
  items: ReturnType<typeof present>[];
  /** The cursor of the next page, when there is one. */
  next?: string;
}

function present(
  item: InstanceType<typeof ApprovalQueueItemModel>,
  applications: readonly Application[],
  deadlines: { policy: DeadlinePolicy; calendar: BusinessCalendar },
) {
  const common = { id: item.requestId, trackingNumber: item.trackingNumber ?? undefined, role: item.role };
  const names = { organization: item.organization ?? undefined, userGroup: item.userGroup ?? undefined };
  if (item.kind === 'APPLICATION_ROLE') {
    const applicationId = item.applicationId ?? '';
    return {
      kind: 'APPLICATION_ROLE' as const,
      ...common,
      applicationId,
      application: applications.find((a) => a.id === applicationId)?.name ?? applicationId,
      ...names,
      requester: { userId: item.ownerUserId ?? '', name: item.requesterName ?? undefined },
      submittedAt: item.submittedAt,
      expiresAt: deadlinesFor(item.submittedAt, deadlines.policy, deadlines.calendar).expireAt,
    };
  }
  return {
    kind: 'REGISTRATION' as const,
    ...common,
    applicant: { name: item.applicantName ?? undefined },
    ...names,
    heldBy: item.heldBy,
    submittedAt: item.submittedAt,
    expiresAt: deadlinesFor(item.submittedAt, deadlines.policy, deadlines.calendar).expireAt,
  };
}

/**
 * One page of the requests routed to `approver`, oldest first (then by id), never its own: one
 * query through the index `{ routeKeys, submittedAt, _id }`, whatever the number of requests.
 */
export async function approvalQueuePage(
  approver: ApplicationRolePrincipal,
  options: {
    limit: number;
    after?: { at: string; id: string };
    applications: readonly Application[];
    deadlines: { policy: DeadlinePolicy; calendar: BusinessCalendar };
  },
): Promise<QueuePage> {
  const keys = principalKeys(approver);
  if (keys.length === 0) return { items: [] };
  const after = options.after
    ? {
        $or: [
          { submittedAt: { $gt: new Date(options.after.at) } },
          { submittedAt: new Date(options.after.at), _id: { $gt: options.after.id } },
        ],
      }
    : {};
  const found = await ApprovalQueueItemModel.find({ routeKeys: { $in: keys }, ownerUserId: { $ne: approver.userId }, ...after })
    .sort({ submittedAt: 1, _id: 1 })
    .limit(options.limit + 1);
  const page = found.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map((item) => present(item, options.applications, options.deadlines)),
    ...(found.length > options.limit && last && { next: encodeCursor(last.submittedAt, last._id) }),
  };
}

/**
 * Fills the queue from the requests already waiting, once per database (a marker in
 * `settings`): requests that started waiting before the queue existed are not left out.
 */
export async function buildApprovalQueueOnce(markerExists: () => Promise<boolean>, setMarker: () => Promise<void>): Promise<void> {
  if (await markerExists()) return;
  for (const { _id } of await RegistrationModel.find({ status: 'AWAITING_APPROVAL' }, { _id: 1 }).lean()) await queueRegistration(_id);
  for (const { _id } of await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL' }, { _id: 1 }).lean())
    await queueApplicationRole(_id);
  await setMarker();
}
