/** The size of each flow registration's workflow history: events, and bytes as Temporal stores them. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { out } from './context';
import type { Applicant } from './flow';
import { mean, round, runPool, summarize } from './stats';

const WORKFLOW_ID = (registrationId: string) => `registration-${registrationId}`;

export interface HistorySize {
  events: number;
  bytes: number;
}

export interface FlowHistories {
  sizes: HistorySize[];
  byRole: Record<string, { events: number[]; bytes: number[] }>;
}

/** Events and serialized bytes (`History.encode(history).finish().length`) of one workflow's history. */
export async function historyOf(client: Client, workflowId: string): Promise<HistorySize> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return { events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length };
}

export async function fetchHistories(client: Client, done: readonly Applicant[]): Promise<FlowHistories> {
  out('histories: fetching each registration workflow history');
  const histories = (await runPool(done, 8, (a) => historyOf(client, WORKFLOW_ID(a.id)))).results;
  const byRole: FlowHistories['byRole'] = {};
  histories.forEach((h, i) => {
    if (!h) return;
    const role = done[i]!.role;
    byRole[role] ??= { events: [], bytes: [] };
    byRole[role].events.push(h.events);
    byRole[role].bytes.push(h.bytes);
  });
  const sizes = histories.filter((h): h is HistorySize => h !== undefined);
  return { sizes, byRole };
}

/** `historyEvents`, `historyBytes` and `history` of the result's `perRegistration`. */
export function historySection({ sizes, byRole }: FlowHistories) {
  return {
    historyEvents: round(mean(sizes.map((h) => h.events)), 1),
    historyBytes: round(mean(sizes.map((h) => h.bytes)), 0),
    history: {
      events: summarize(sizes.map((h) => h.events)),
      bytes: summarize(sizes.map((h) => h.bytes)),
      byRole: Object.fromEntries(
        Object.entries(byRole).map(([role, h]) => [role, { events: round(mean(h.events), 1), bytes: round(mean(h.bytes), 0) }]),
      ),
    },
  };
}
