/**
 * The approvers' queue: a read model of every request waiting for a decision, kept by the
 * activities that record a request's status and route; each item holds a slot under each of its
 * routing keys (models/queue-slots.ts), through which `GET /approvals` reads it (./queue-page.ts).
 */
import { routeKeys } from '../domain/approval-routing';
import { AccountModel } from '../models/account';
import { ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../models/application-role';
import { ApprovalQueueItemModel, type ApprovalQueueItem } from '../models/approval-queue';
import { markSlotsDead, takeSlot, type SlotRef } from '../models/queue-slots';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { RegistrationModel, storedRegistrationDetails, storedRegistrationRoute } from '../models/registration';

type QueueKind = 'REGISTRATION' | 'APPLICATION_ROLE';
const itemId = (kind: QueueKind, requestId: string) => `${kind}:${requestId}`;

const organizationName = async (id?: string) => (id ? (await OrganizationModel.findById(id, { name: 1 }).lean())?.name : undefined);
const userGroupName = async (id?: string) => (id ? (await UserGroupModel.findById(id, { name: 1 }).lean())?.name : undefined);

/**
 * Writes an item as it now stands, keeping the slots it already holds under keys it keeps and
 * taking one under each key it is new to (arrival order under that key).
 */
async function place(id: string, item: Omit<ApprovalQueueItem, 'slots' | '_id'>): Promise<void> {
  // An item written before the slots (or by a worker from before them) has no `slots` field at all.
  const held: readonly SlotRef[] = (await ApprovalQueueItemModel.findById(id, { slots: 1 }).lean())?.slots ?? [];
  const keys = new Set(item.routeKeys);
  const slots: SlotRef[] = [];
  for (const key of keys) slots.push({ key, n: held.find((s) => s.key === key)?.n ?? (await takeSlot(key, id, new Date())) });
  // A slot under a key the item left is not marked dead here: a racing writer of an older route
  // may still write the item holding it. Readers see it is not held; only `dequeue` marks.
  await ApprovalQueueItemModel.replaceOne({ _id: id }, { ...item, slots }, { upsert: true });
}

export async function dequeue(kind: QueueKind, requestId: string): Promise<void> {
  const removed = await ApprovalQueueItemModel.findOneAndDelete({ _id: itemId(kind, requestId) }).lean();
  const slots: readonly SlotRef[] | undefined = removed?.slots;
  if (slots) await markSlotsDead(slots);
}

/** Puts a registration in the queue as it now stands, or takes it out when it no longer waits. */
export async function queueRegistration(registrationId: string): Promise<void> {
  const r = await RegistrationModel.findById(registrationId).lean();
  const route = r && storedRegistrationRoute(r);
  if (!r || r.status !== 'AWAITING_APPROVAL' || !route || !r.submittedAt) return dequeue('REGISTRATION', registrationId);
  const details = storedRegistrationDetails(r);
  await place(itemId('REGISTRATION', registrationId), {
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
  });
}

/** Puts an application-role request in the queue as it now stands, or takes it out. */
export async function queueApplicationRole(requestId: string): Promise<void> {
  const r = await ApplicationRoleRequestModel.findById(requestId).lean();
  const route = storedApplicationRoleRoute(r);
  if (!r || r.status !== 'AWAITING_APPROVAL' || !route || !r.submittedAt) return dequeue('APPLICATION_ROLE', requestId);
  const requester = await AccountModel.findById(r.requesterUserId, { firstName: 1, lastName: 1 }).lean();
  await place(itemId('APPLICATION_ROLE', requestId), {
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
  });
}

/**
 * Fills the queue from the requests already waiting, once per database (a marker in
 * `settings`): requests that started waiting before the queue existed are not left out.
 */
export async function buildApprovalQueueOnce(markerExists: () => Promise<boolean>, setMarker: () => Promise<void>): Promise<void> {
  if (await markerExists()) return;
  // In the order they were submitted, both kinds together: the order in which they take their slots.
  const waiting = [
    ...(await RegistrationModel.find({ status: 'AWAITING_APPROVAL' }, { submittedAt: 1 }).lean()).map((r) => ({
      at: r.submittedAt?.getTime() ?? 0,
      queue: () => queueRegistration(r._id),
    })),
    ...(await ApplicationRoleRequestModel.find({ status: 'AWAITING_APPROVAL' }, { submittedAt: 1 }).lean()).map((r) => ({
      at: r.submittedAt?.getTime() ?? 0,
      queue: () => queueApplicationRole(r._id),
    })),
  ].sort((a, b) => a.at - b.at);
  for (const request of waiting) await request.queue();
  await setMarker();
}
