/**
 * Deadlines of a request waiting for approval: a reminder to its approvers, then an escalation
 * to the next approvers the tables allow (see ./escalation), then expiry with a notification to
 * the applicant. Pure: the submission time and "now" come in as arguments, so the workflow can
 * compute them deterministically and sleep until the next one.
 *
 * Rules:
 * - Every deadline counts business days from the original submission (./business-days), never
 *   from the previous step, so a deadline policy change is applied to a waiting request by
 *   recomputing `deadlinesFor(submittedAt, newPolicy, calendar)` and asking `nextDeadline` again.
 * - A deadline already in the past fires at once: `nextDeadline` returns `at = now` for it. So a
 *   policy change takes effect immediately for deadlines that are now past (a reminder due
 *   after 5 business days, on a request waiting for 6, is sent at once), and later ones move.
 * - Steps are done at most once and in order: one reminder, one escalation, then expiry. A step
 *   already done is never repeated or undone by a policy change (no de-escalation); an
 *   escalation done makes a pending reminder moot. When several deadlines are past after a
 *   change, they fire one after the other at once (remind, then escalate), except that a past
 *   expiry wins outright: the request expires without a last reminder or escalation.
 * - When there is nowhere to escalate (the Help Desk already holds the request, see
 *   `escalationFor`), the caller still records the escalation step as done.
 */
import { z } from 'zod';
import { addBusinessDays, DEFAULT_BUSINESS_CALENDAR, type BusinessCalendar } from './business-days';

export interface DeadlinePolicy {
  /** Business days after submission at which the approvers are reminded once. */
  reminderAfterBusinessDays: number;
  /** Business days after submission at which the request escalates to the next approvers. */
  escalateAfterBusinessDays: number;
  /** Business days after submission at which the request expires and the applicant is told. */
  expireAfterBusinessDays: number;
}

/** About one working year; a larger value is taken for a typo. */
export const MAX_DEADLINE_BUSINESS_DAYS = 260;

const businessDays = z
  .number()
  .int('must be a whole number of business days')
  .positive('must be at least 1 business day')
  .max(MAX_DEADLINE_BUSINESS_DAYS, `must be at most ${MAX_DEADLINE_BUSINESS_DAYS} business days`);

/** A policy: positive whole numbers of business days, reminder < escalation < expiry. */
export const deadlinePolicySchema = z
  .strictObject({
    reminderAfterBusinessDays: businessDays,
    escalateAfterBusinessDays: businessDays,
    expireAfterBusinessDays: businessDays,
  })
  .refine((p) => p.reminderAfterBusinessDays < p.escalateAfterBusinessDays, {
    error: 'must be after the reminder',
    path: ['escalateAfterBusinessDays'],
  })
  .refine((p) => p.escalateAfterBusinessDays < p.expireAfterBusinessDays, {
    error: 'must be after the escalation',
    path: ['expireAfterBusinessDays'],
  }) satisfies z.ZodType<DeadlinePolicy>;

/**
 * The documented defaults, in business days after submission:
 * - remind after 5 (one working week): an approver who is away for a few days or missed the
 *   first email gets a nudge before anyone else is involved;
 * - escalate after 10 (two working weeks): a week after an unanswered reminder the request is
 *   likely stuck on an absent approver (a lone UGA or SO), so the next approvers the tables
 *   allow (SO/BSO as default approvers, then the Help Desk) may decide it too;
 * - expire after 20 (four working weeks, about a calendar month): the escalated approvers get
 *   two more working weeks; after that the request is stale (justification, organization
 *   details) and the applicant is told to submit again, and the applicant's pending identity
 *   data is not kept indefinitely.
 */
export const DEFAULT_DEADLINE_POLICY: Readonly<DeadlinePolicy> = Object.freeze({
  reminderAfterBusinessDays: 5,
  escalateAfterBusinessDays: 10,
  expireAfterBusinessDays: 20,
});

export interface ApprovalDeadlines {
  remindAt: Date;
  escalateAt: Date;
  expireAt: Date;
}

export type DeadlineKind = 'REMIND' | 'ESCALATE' | 'EXPIRE';

/** What a request's view shows of its deadlines while it awaits a decision (ISO dates). */
export interface DeadlineView {
  /** When the next deadline (reminder, escalation, expiry) falls due. */
  dueAt?: string;
  nextDeadline?: DeadlineKind;
  /** When the request expires undecided. */
  expiresAt?: string;
}

interface NextDeadline {
  kind: DeadlineKind;
  /** When to act: the deadline, or `now` if the deadline is already past. Never before `now`. */
  at: Date;
  /** The deadline itself as computed from the policy (may be before `now`). */
  dueAt: Date;
}

export interface DeadlineProgress {
  reminded: boolean;
  escalated: boolean;
  /** The request has expired: nothing is left to schedule. */
  expired?: boolean;
}

/**
 * The deadlines of a request submitted at `submittedAt`: `addBusinessDays(submittedAt, n)` for
 * each of the policy's counts. Throws a ZodError for a policy that fails `deadlinePolicySchema`.
 */
export function deadlinesFor(
  submittedAt: Date,
  policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY,
  calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
): ApprovalDeadlines {
  const valid = deadlinePolicySchema.parse(policy);
  return {
    remindAt: addBusinessDays(submittedAt, valid.reminderAfterBusinessDays, calendar),
    escalateAt: addBusinessDays(submittedAt, valid.escalateAfterBusinessDays, calendar),
    expireAt: addBusinessDays(submittedAt, valid.expireAfterBusinessDays, calendar),
  };
}

/**
 * The next step to take for a waiting request, or undefined once it has expired: the first of
 * remind, escalate, expire not yet done (a done escalation counts the reminder as done), to be
 * taken at its deadline or at once if that is past; a past expiry comes first regardless.
 */
export function nextDeadline(deadlines: ApprovalDeadlines, alreadyDone: DeadlineProgress, now: Date): NextDeadline | undefined {
  if (alreadyDone.expired) return undefined;
  const step = (kind: DeadlineKind, dueAt: Date): NextDeadline => ({
    kind,
    dueAt,
    at: dueAt.getTime() <= now.getTime() ? new Date(now.getTime()) : dueAt,
  });
  if (deadlines.expireAt.getTime() <= now.getTime()) return step('EXPIRE', deadlines.expireAt);
  if (!alreadyDone.reminded && !alreadyDone.escalated) return step('REMIND', deadlines.remindAt);
  if (!alreadyDone.escalated) return step('ESCALATE', deadlines.escalateAt);
  return step('EXPIRE', deadlines.expireAt);
}
