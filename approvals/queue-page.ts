/**
 * One page of the approvers' queue (`GET /approvals`, the console's queue), read through the
 * slots each item holds under its routing keys (models/queue-slots.ts): per key, the slots from
 * the cursor's position (or the first that may be live) in batches read at once by `_id`, then
 * their items by `_id`; the keys' runs merged by arrival. What a page costs grows with its size
 * and the keys of the approver, not with the number of requests waiting.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Application } from '../domain/application-roles';
import { principalKeys, type ApplicationRolePrincipal } from '../domain/approval-routing';
import { deadlinesFor, type DeadlinePolicy } from '../domain/approval-deadlines';
import type { BusinessCalendar } from '../domain/business-days';
import { ApprovalQueueItemModel, type ApprovalQueueItem } from '../models/approval-queue';
import { firstSlotMaybeLive, probableEnd, slotsDeadBefore, slotsFrom, type QueueSlot, type SlotRef } from '../models/queue-slots';

/** At most this many items a page. */
export const MAX_PAGE = 50;
/** Slots one page reads under one key at most, live or dead: a longer dead run continues on the next page. */
const MAX_WALK = 2_000;
/**
 * A slot is taken a moment before its item is written (an activity attempt times out in 30 s): one
 * not marked dead whose item does not hold it (a writer that failed in between, a race's loser,
 * a key the item was re-routed away from) is taken for dead by the `from` mark only once it is
 * this old, far beyond any attempt and any clock skew between the worker and the API.
 */
const SETTLED_MS = 60 * 60_000;

/** Where a page starts: under each key (by a short hash of it), the number of the next slot to read. */
export type QueueCursor = ReadonlyMap<string, number>;

const keyTag = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 8);
const cursorSchema = z.object({ p: z.record(z.string().length(8), z.number().int().min(0)) });
const encodeCursor = (positions: Map<string, number>) =>
  Buffer.from(JSON.stringify({ p: Object.fromEntries(positions) })).toString('base64url');

/** The positions a cursor holds, or undefined when the cursor is not one this module made. */
export function decodeCursor(cursor: string): QueueCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? new Map(Object.entries(parsed.data.p)) : undefined;
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
  item: ApprovalQueueItem,
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

interface Candidate {
  slot: QueueSlot;
  item: ApprovalQueueItem;
}

/** The walk along one key's slots for one page. */
interface KeyWalk {
  key: string;
  /** The slot it started from. */
  start: number;
  /** The next slot to read. */
  next: number;
  /** Where the slots probably end: reads go one past it, and on when they find more. */
  end: number;
  ended: boolean;
  /** Items shown to this approver under this key, in slot order. */
  shown: Candidate[];
  /** Before it, every slot read is settled and dead (for every approver): where the `from` mark may move. */
  deadUntil: number;
}

/** Reads one key's slots until `wanted` items to show, the last slot, or `MAX_WALK` slots. */
async function walk(w: KeyWalk, wanted: number, approver: { userId: string; keys: readonly string[] }, now: number): Promise<void> {
  let read = 0;
  let settledDeadRun = true;
  while (w.shown.length < wanted && !w.ended && read < MAX_WALK) {
    const count = Math.min(64, wanted - w.shown.length + 4, Math.max(1, w.end - w.next + 1));
    const { slots, ended } = await slotsFrom(w.key, w.next, count);
    const items = await Promise.all(slots.map((s) => (s.dead ? null : ApprovalQueueItemModel.findById(s.itemId).lean())));
    for (const [i, slot] of slots.entries()) {
      const item = items[i];
      // An item written before the slots has no `slots` field at all.
      const held: readonly SlotRef[] = item?.slots ?? [];
      const live = held.some((s) => s.key === w.key && s.n === slot.n);
      settledDeadRun &&= slot.dead || (!live && now - slot.arrivedAt.getTime() > SETTLED_MS);
      if (settledDeadRun) w.deadUntil = slot.n + 1;
      // Never one's own request; a request under several of one's keys, once: under the first.
      if (item && live && item.ownerUserId !== approver.userId && approver.keys.find((k) => item.routeKeys.includes(k)) === w.key)
        w.shown.push({ slot, item });
    }
    w.next += slots.length;
    w.ended = ended;
    if (w.next > w.end) w.end = w.next + 8; // the hint lagged: more slots than it said
    read += slots.length;
  }
}

const arrivesFirst = (a: Candidate, b: Candidate) =>
  a.slot.arrivedAt.getTime() - b.slot.arrivedAt.getTime() || a.slot.itemId.localeCompare(b.slot.itemId);

/** Takes up to `limit` items from the walks' heads, earliest arrival first; what is left stays in `shown`. */
function mergeByArrival(walks: KeyWalk[], limit: number): Candidate[] {
  const page: Candidate[] = [];
  while (page.length < limit) {
    let first: KeyWalk | undefined;
    for (const w of walks) {
      const head = w.shown[0];
      const firstHead = first?.shown[0];
      if (head && (!firstHead || arrivesFirst(head, firstHead) < 0)) first = w;
    }
    const taken = first?.shown.shift();
    if (!taken) return page;
    page.push(taken);
  }
  return page;
}

/** One page of the requests routed to `approver`, in the order they reached its queue, never its own. */
export async function approvalQueuePage(
  approver: ApplicationRolePrincipal,
  options: {
    limit: number;
    after?: QueueCursor;
    applications: readonly Application[];
    deadlines: { policy: DeadlinePolicy; calendar: BusinessCalendar };
  },
): Promise<QueuePage> {
  const keys = principalKeys(approver);
  const now = Date.now();
  const walks = await Promise.all(
    keys.map(async (key): Promise<KeyWalk> => {
      const [from, end] = await Promise.all([options.after?.get(keyTag(key)) ?? firstSlotMaybeLive(key), probableEnd(key)]);
      return { key, start: from, next: from, end, ended: false, shown: [], deadUntil: from };
    }),
  );
  await Promise.all(walks.map((w) => walk(w, options.limit + 1, { userId: approver.userId, keys }, now)));
  // The `from` marks move past the dead slots a reader from the start has walked over.
  if (!options.after) await Promise.all(walks.filter((w) => w.deadUntil > w.start).map((w) => slotsDeadBefore(w.key, w.deadUntil)));
  const page = mergeByArrival(walks, options.limit);
  const more = walks.some((w) => w.shown.length > 0 || !w.ended);
  const positions = new Map(walks.map((w) => [keyTag(w.key), w.shown[0]?.slot.n ?? w.next]));
  return {
    items: page.map(({ item }) => present(item, options.applications, options.deadlines)),
    ...(more && { next: encodeCursor(positions) }),
  };
}
