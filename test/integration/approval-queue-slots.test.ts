/**
 * The approvers' queue read through slots (models/queue-slots.ts, approvals/queue-page.ts) on the
 * embedded database: pages in arrival order with a cursor, every waiting request once; decided
 * requests, one's own requests and requests of other keys left out; a request under two of one's
 * keys shown once; and the commands a page costs do not grow with the requests waiting.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { buildApprovalQueueOnce, dequeue, queueRegistration } from '../../approvals/approval-queue';
import { approvalQueuePage, decodeCursor, type QueueCursor } from '../../approvals/queue-page';
import type { ApplicationRolePrincipal, ApprovalRoute } from '../../domain/approval-routing';
import { DEFAULT_DEADLINE_POLICY } from '../../domain/approval-deadlines';
import { DEFAULT_BUSINESS_CALENDAR } from '../../domain/business-days';
import { useFerretDb } from '../support/database';
import { storedRegistration } from '../support/records';
import { ApprovalQueueItemModel } from '../../models/approval-queue';
import { RegistrationModel } from '../../models/registration';

// Command monitoring on: the growth test counts the commands a page sends.
useFerretDb('queue-slots', { monitorCommands: true });

const deadlines = { policy: DEFAULT_DEADLINE_POLICY, calendar: DEFAULT_BUSINESS_CALENDAR };
const officials = (organizationId: string): ApprovalRoute => ({
  heldBy: ['SECURITY_OFFICIAL'],
  approvers: [{ kind: 'ORGANIZATION_ROLE', organizationId, roles: ['SECURITY_OFFICIAL'] }],
});
const officialOf = (organizationId: string, userId = `SO${randomUUID().slice(0, 6)}`): ApplicationRolePrincipal => ({
  userId,
  roles: [{ role: 'SECURITY_OFFICIAL', organizationId }],
  applicationRoles: [],
});

let submitted = Date.parse('2026-12-01T10:00:00Z');
/** A registration waiting on `route`, in the queue. */
async function waiting(route: ApprovalRoute, applicantUserId?: string): Promise<string> {
  const id = randomUUID();
  await storedRegistration(id, {
    role: 'END_USER',
    status: 'AWAITING_APPROVAL',
    route,
    submittedAt: new Date((submitted += 1000)),
    ...(applicantUserId && { applicantUserId }),
  });
  await queueRegistration(id);
  return id;
}

async function decided(id: string): Promise<void> {
  await RegistrationModel.updateOne({ _id: id }, { $set: { status: 'APPROVED' } });
  await dequeue('REGISTRATION', id);
}

/** Every page, following the cursors; the ids in order. */
async function allPages(approver: ApplicationRolePrincipal, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: QueueCursor | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await approvalQueuePage(approver, { limit, after, applications: [], deadlines });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((i) => i.id));
    if (!page.next) return seen;
    after = decodeCursor(page.next);
    expect(after).toBeDefined();
  }
  throw new Error('the pages never ended');
}

describe('the approvers queue through slots', () => {
  it('pages every waiting request once in arrival order; decided, own and other keys left out', async () => {
    const org = randomUUID();
    const approver = officialOf(org);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(await waiting(officials(org)));
    const own = await waiting(officials(org), approver.userId);
    const elsewhere = await waiting(officials(randomUUID()));
    for (const gone of [ids[0]!, ids[7]!, ids[8]!, ids[22]!]) await decided(gone);
    const expected = ids.filter((id) => ![ids[0], ids[7], ids[8], ids[22]].includes(id));

    expect(await allPages(approver, 5)).toEqual(expected);
    expect(await allPages(approver, 50)).toEqual(expected);
    // The owner's own request is shown to the other officials of the organization, not to them.
    expect(await allPages(officialOf(org), 50)).toEqual([...expected, own]);
    expect(await allPages(officialOf(org), 50)).not.toContain(elsewhere);
  });

  it('a request under two of one approver’s keys is shown once; a re-queued request keeps its place', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const both: ApprovalRoute = {
      heldBy: ['SECURITY_OFFICIAL'],
      approvers: [
        { kind: 'ORGANIZATION_ROLE', organizationId: a, roles: ['SECURITY_OFFICIAL'] },
        { kind: 'ORGANIZATION_ROLE', organizationId: b, roles: ['SECURITY_OFFICIAL'] },
      ],
    };
    const approver: ApplicationRolePrincipal = {
      userId: 'SO-OF-BOTH',
      roles: [
        { role: 'SECURITY_OFFICIAL', organizationId: a },
        { role: 'SECURITY_OFFICIAL', organizationId: b },
      ],
      applicationRoles: [],
    };
    const first = await waiting(officials(a));
    const shared = await waiting(both);
    const last = await waiting(officials(b));
    await queueRegistration(shared); // written again (a view rewritten): same slots, same place
    expect(await allPages(approver, 1)).toEqual([first, shared, last]);
  });

  it('items queued before slots are placed again once at start, and then shown', async () => {
    const org = randomUUID();
    const id = await waiting(officials(org));
    // As a worker from before the slots wrote it: the item alone, no slot.
    await ApprovalQueueItemModel.updateOne({ _id: `REGISTRATION:${id}` }, { $unset: { slots: 1 } });
    expect((await ApprovalQueueItemModel.findById(`REGISTRATION:${id}`).lean())?.slots).toBeUndefined();
    expect(await allPages(officialOf(org), 50)).toEqual([]);
    let marked = false;
    const build = () =>
      buildApprovalQueueOnce(
        async () => marked,
        async () => void (marked = true),
      );
    await build();
    expect(await allPages(officialOf(org), 50)).toEqual([id]);
    // Once: with the marker set, a request waiting with no item is not placed by a second build.
    const unplaced = randomUUID();
    await storedRegistration(unplaced, { status: 'AWAITING_APPROVAL', route: officials(org), submittedAt: new Date() });
    await build();
    expect(await allPages(officialOf(org), 50)).toEqual([id]);
  });

  it('a page costs the same commands with 20 or 220 requests waiting, or behind 200 decided ones', async () => {
    const org = randomUUID();
    const approver = officialOf(org);
    const pageCommands = async (who = approver) => {
      let commands = 0;
      const count = () => void commands++;
      const client = mongoose.connection.getClient();
      client.on('commandStarted', count);
      try {
        const page = await approvalQueuePage(who, { limit: 10, applications: [], deadlines });
        expect(page.items).toHaveLength(10);
      } finally {
        client.off('commandStarted', count);
      }
      return commands;
    };
    for (let i = 0; i < 20; i++) await waiting(officials(org));
    const small = await pageCommands();
    for (let i = 0; i < 200; i++) await waiting(officials(org));
    expect(await pageCommands()).toBe(small);

    // Decided requests leave dead slots in front: the first page after them walks them once and
    // moves the key's `from` mark; the next costs what a page of a fresh queue costs.
    const behind = randomUUID();
    const decidedFirst: string[] = [];
    for (let i = 0; i < 200; i++) decidedFirst.push(await waiting(officials(behind)));
    for (const id of decidedFirst) await decided(id);
    for (let i = 0; i < 20; i++) await waiting(officials(behind));
    const walker = officialOf(behind);
    expect(await pageCommands(walker)).toBeGreaterThan(small);
    expect(await pageCommands(walker)).toBe(small);
  }, 180_000);
});
