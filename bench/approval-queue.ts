/** How long the approver's queue (`GET /approvals`) takes to read, with whatever is waiting. */
import type { Approver } from './flow';
import { now, summarize, type Summary } from './stats';

export type QueueTiming = { waiting: number; pageSize: number; reads: number } & Omit<Summary, 'count'>;

/** Times GET /approvals, one read at a time. */
export async function timeQueue(approver: Approver, reads: number, deadline: number): Promise<QueueTiming> {
  const latencies: number[] = [];
  let pageSize = 0;
  await approver.call('GET', '/approvals'); // session and caches warm
  const stopAt = Math.min(deadline, Date.now() + 120_000);
  for (let i = 0; i < reads && Date.now() < stopAt; i++) {
    const t0 = now();
    const answer = await approver.call<unknown[]>('GET', '/approvals');
    latencies.push(now() - t0);
    if (answer.status !== 200) throw new Error(`GET /approvals answered ${answer.status}`);
    pageSize = answer.body.length;
  }
  // The first page holds at most 50: the number waiting is counted by following the pages once.
  const waiting = await countWaiting(approver, stopAt);
  const { count: _count, ...summary } = summarize(latencies);
  return { waiting, pageSize, reads: latencies.length, ...summary };
}

/** Follows `Link: rel="next"` from the first page to the last (bounded), counting the items. */
async function countWaiting(approver: Approver, stopAt: number): Promise<number> {
  let path: string | undefined = '/approvals';
  let count = 0;
  for (let pages = 0; path && pages < 1000 && Date.now() < stopAt; pages++) {
    const answer = await approver.page(path);
    count += answer.items;
    path = answer.next;
  }
  return count;
}
