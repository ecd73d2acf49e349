/**
 * The approval clock of a request waiting for a decision: deadlines in business days from its
 * submission (domain/approval-deadlines.ts), a durable Temporal timer to each, and a policy that
 * may change while it waits. It only tells the chart that a deadline came; the chart decides
 * what that means. Runs inside a workflow.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  DEFAULT_DEADLINE_POLICY,
  deadlinePolicySchema,
  deadlinesFor,
  nextDeadline,
  type DeadlineKind,
  type DeadlinePolicy,
} from '../domain/approval-deadlines';
import { DEFAULT_BUSINESS_CALENDAR, type BusinessCalendar } from '../domain/business-days';

interface ApprovalClockOptions {
  settings?: { policy: DeadlinePolicy; calendar: BusinessCalendar };
  /** Whether the request still waits for a decision. */
  waiting: () => boolean;
  /** Which deadlines the chart has already acted on. */
  progress: () => { reminded: boolean; escalated: boolean };
  /** Tells the chart a deadline came. */
  reached: (deadline: DeadlineKind) => Promise<void>;
}

export interface DeadlineView {
  dueAt?: string;
  nextDeadline?: DeadlineKind;
  expiresAt?: string;
}

/** A workflow's approval clock (see `approvalClock`). */
export type ApprovalClock = ReturnType<typeof approvalClock>;

export function approvalClock(options: ApprovalClockOptions) {
  let policy = options.settings?.policy ?? DEFAULT_DEADLINE_POLICY;
  const calendar = options.settings?.calendar ?? DEFAULT_BUSINESS_CALENDAR;
  let submittedAt: Date | undefined;
  let version = 0;

  function upcoming() {
    if (!options.waiting() || submittedAt === undefined) return undefined;
    const deadlines = deadlinesFor(submittedAt, policy, calendar);
    return { deadlines, next: nextDeadline(deadlines, options.progress(), new Date()) };
  }

  return {
    /** Sleeps until the next deadline, tells the chart, and again, while the request waits. */
    async run(startedAt: Date): Promise<void> {
      submittedAt = startedAt;
      for (;;) {
        const next = upcoming()?.next;
        if (!next) return;
        const seen = version;
        const wait = next.at.getTime() - Date.now();
        const interrupted = wait > 0 && (await condition(() => !options.waiting() || version !== seen, wait));
        if (!interrupted) await options.reached(next.kind);
      }
    },
    /** Counts from `startedAt` (for the view) before `run` arms the first timer; a later call changes nothing. */
    countFrom(startedAt: Date): void {
      submittedAt ??= startedAt;
    },
    /** A new policy: deadlines are recounted from the same submission, and the timer re-armed. */
    changePolicy(next: DeadlinePolicy): void {
      policy = next;
      version++;
    },
    view(): DeadlineView {
      const u = upcoming();
      if (!u) return {};
      return { dueAt: u.next?.dueAt.toISOString(), nextDeadline: u.next?.kind, expiresAt: u.deadlines.expireAt.toISOString() };
    },
  };
}

/**
 * The update that changes a waiting request's deadline policy (both kinds of request): the clock
 * recounts at once; from the read-model patch on, the read model shows the recounted deadlines
 * before the change is answered, in turn with the request's other messages.
 */
export function handleDeadlinePolicyChanges<S extends string>(
  update: UpdateDefinition<{ status: S }, [DeadlinePolicy]>,
  request: {
    clock: ApprovalClock;
    status: () => S;
    readModel: boolean;
    writeView: (statusChanged: boolean) => Promise<void>;
    exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  },
): void {
  const { clock, status, readModel, writeView, exclusive } = request;
  setHandler(
    update,
    (policy) => {
      clock.changePolicy(policy);
      if (!readModel) return { status: status() };
      return exclusive(async () => {
        await writeView(false);
        return { status: status() };
      });
    },
    { validator: (policy: DeadlinePolicy) => void deadlinePolicySchema.parse(policy) },
  );
}
