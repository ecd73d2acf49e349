/** Reminder, escalation and expiry deadlines of a request waiting for approval. */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  deadlinePolicySchema,
  deadlinesFor,
  DEFAULT_DEADLINE_POLICY,
  MAX_DEADLINE_BUSINESS_DAYS,
  nextDeadline,
  type ApprovalDeadlines,
  type DeadlineKind,
  type DeadlinePolicy,
  type DeadlineProgress,
} from '../../domain/approval-deadlines';
import { addBusinessDays, businessDaysBetween, DEFAULT_BUSINESS_CALENDAR, type BusinessCalendar } from '../../domain/business-days';

const NY = DEFAULT_BUSINESS_CALENDAR;
/** Monday 2026-02-02 10:00 in New York; Monday 02-16 (Washington's Birthday) is a holiday. */
const SUBMITTED = new Date('2026-02-02T10:00:00-05:00');

function iso(value: string): string {
  return new Date(value).toISOString();
}

/** Runs the deadlines the way the workflow does: sleep until the next one, act, mark it done. */
function drive(deadlines: ApprovalDeadlines, from: Date, progress: DeadlineProgress = { reminded: false, escalated: false }) {
  const log: [DeadlineKind, string][] = [];
  let now = from;
  let done = { ...progress };
  for (let next = nextDeadline(deadlines, done, now); next !== undefined; next = nextDeadline(deadlines, done, now)) {
    expect(next.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
    now = next.at;
    log.push([next.kind, now.toISOString()]);
    done =
      next.kind === 'REMIND'
        ? { ...done, reminded: true }
        : next.kind === 'ESCALATE'
          ? { ...done, escalated: true }
          : { ...done, expired: true };
  }
  return log;
}

describe('DEFAULT_DEADLINE_POLICY', () => {
  it('reminds after 5 business days, escalates after 10 and expires after 20', () => {
    expect(DEFAULT_DEADLINE_POLICY).toEqual({ reminderAfterBusinessDays: 5, escalateAfterBusinessDays: 10, expireAfterBusinessDays: 20 });
    expect(deadlinePolicySchema.parse(DEFAULT_DEADLINE_POLICY)).toEqual(DEFAULT_DEADLINE_POLICY);
    expect(Object.isFrozen(DEFAULT_DEADLINE_POLICY)).toBe(true);
  });
});

describe('deadlinePolicySchema', () => {
  const valid: DeadlinePolicy = { reminderAfterBusinessDays: 1, escalateAfterBusinessDays: 2, expireAfterBusinessDays: 3 };

  it('accepts positive whole numbers in increasing order', () => {
    expect(deadlinePolicySchema.safeParse(valid).success).toBe(true);
    expect(
      deadlinePolicySchema.safeParse({
        reminderAfterBusinessDays: 3,
        escalateAfterBusinessDays: 7,
        expireAfterBusinessDays: MAX_DEADLINE_BUSINESS_DAYS,
      }).success,
    ).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['a reminder not before the escalation', { ...valid, reminderAfterBusinessDays: 2 }, 'escalateAfterBusinessDays'],
    [
      'a reminder after the escalation',
      { ...valid, reminderAfterBusinessDays: 3, expireAfterBusinessDays: 4 },
      'escalateAfterBusinessDays',
    ],
    ['an escalation not before the expiry', { ...valid, expireAfterBusinessDays: 2 }, 'expireAfterBusinessDays'],
    ['zero days', { ...valid, reminderAfterBusinessDays: 0 }, 'reminderAfterBusinessDays'],
    ['negative days', { ...valid, reminderAfterBusinessDays: -5 }, 'reminderAfterBusinessDays'],
    ['a fraction of a day', { ...valid, escalateAfterBusinessDays: 1.5 }, 'escalateAfterBusinessDays'],
    ['a string', { ...valid, expireAfterBusinessDays: '20' }, 'expireAfterBusinessDays'],
    ['more than a working year', { ...valid, expireAfterBusinessDays: MAX_DEADLINE_BUSINESS_DAYS + 1 }, 'expireAfterBusinessDays'],
    ['a missing field', { reminderAfterBusinessDays: 1, escalateAfterBusinessDays: 2 }, 'expireAfterBusinessDays'],
    ['an unknown field', { ...valid, repeatReminders: true }, ''],
  ])('refuses %s', (_label, policy, path) => {
    const result = deadlinePolicySchema.safeParse(policy);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('deadlinesFor', () => {
  it('counts each deadline in business days from submission, skipping weekends and holidays', () => {
    const deadlines = deadlinesFor(SUBMITTED, DEFAULT_DEADLINE_POLICY, NY);
    expect(deadlines.remindAt.toISOString()).toBe(iso('2026-02-09T10:00:00-05:00'));
    expect(deadlines.escalateAt.toISOString()).toBe(iso('2026-02-17T10:00:00-05:00')); // 02-16 a holiday
    expect(deadlines.expireAt.toISOString()).toBe(iso('2026-03-03T10:00:00-05:00'));
    expect(deadlinesFor(SUBMITTED)).toEqual(deadlines); // the defaults
  });

  it('keeps the local time of submission across DST, in the calendar given', () => {
    const deadlines = deadlinesFor(new Date('2026-02-20T15:00:00-05:00'), DEFAULT_DEADLINE_POLICY, NY);
    expect(deadlines.expireAt.toISOString()).toBe(iso('2026-03-20T15:00:00-04:00'));
    const london: BusinessCalendar = { timeZone: 'Europe/London', holidays: [] };
    expect(deadlinesFor(new Date('2026-03-20T09:00:00Z'), DEFAULT_DEADLINE_POLICY, london).remindAt.toISOString()).toBe(
      iso('2026-03-27T09:00:00Z'),
    );
    expect(deadlinesFor(new Date('2026-03-20T09:00:00Z'), DEFAULT_DEADLINE_POLICY, london).escalateAt.toISOString()).toBe(
      iso('2026-04-03T09:00:00+01:00'),
    );
  });

  it('refuses an invalid policy', () => {
    expect(() =>
      deadlinesFor(SUBMITTED, { reminderAfterBusinessDays: 10, escalateAfterBusinessDays: 5, expireAfterBusinessDays: 20 }),
    ).toThrow(ZodError);
  });
});

describe('nextDeadline', () => {
  const deadlines = deadlinesFor(SUBMITTED, DEFAULT_DEADLINE_POLICY, NY);
  const none = { reminded: false, escalated: false };

  it('is the reminder, then the escalation, then the expiry, each at its deadline', () => {
    expect(nextDeadline(deadlines, none, SUBMITTED)).toEqual({ kind: 'REMIND', at: deadlines.remindAt, dueAt: deadlines.remindAt });
    expect(nextDeadline(deadlines, { reminded: true, escalated: false }, deadlines.remindAt)).toEqual({
      kind: 'ESCALATE',
      at: deadlines.escalateAt,
      dueAt: deadlines.escalateAt,
    });
    expect(nextDeadline(deadlines, { reminded: true, escalated: true }, deadlines.escalateAt)).toEqual({
      kind: 'EXPIRE',
      at: deadlines.expireAt,
      dueAt: deadlines.expireAt,
    });
    expect(nextDeadline(deadlines, { reminded: true, escalated: true, expired: true }, deadlines.expireAt)).toBeUndefined();
  });

  it('fires a deadline already past at once: `at` is now, `dueAt` the deadline', () => {
    const late = new Date(deadlines.remindAt.getTime() + 3_600_000);
    const next = nextDeadline(deadlines, none, late);
    expect(next?.kind).toBe('REMIND');
    expect(next?.at.toISOString()).toBe(late.toISOString());
    expect(next?.dueAt).toEqual(deadlines.remindAt);
  });

  it('fires a deadline that is exactly now', () => {
    expect(nextDeadline(deadlines, none, deadlines.remindAt)?.at).toEqual(deadlines.remindAt);
  });

  it('lets a past expiry win over a reminder or escalation not yet done', () => {
    const afterExpiry = new Date(deadlines.expireAt.getTime() + 1);
    expect(nextDeadline(deadlines, none, afterExpiry)).toEqual({ kind: 'EXPIRE', at: afterExpiry, dueAt: deadlines.expireAt });
    expect(nextDeadline(deadlines, { reminded: true, escalated: false }, afterExpiry)?.kind).toBe('EXPIRE');
  });

  it('treats a reminder as moot once the request has escalated', () => {
    expect(nextDeadline(deadlines, { reminded: false, escalated: true }, SUBMITTED)?.kind).toBe('EXPIRE');
  });

  it('runs a waiting request to its end in order, deterministically', () => {
    expect(drive(deadlines, SUBMITTED)).toEqual([
      ['REMIND', iso('2026-02-09T10:00:00-05:00')],
      ['ESCALATE', iso('2026-02-17T10:00:00-05:00')],
      ['EXPIRE', iso('2026-03-03T10:00:00-05:00')],
    ]);
  });
});

describe('a deadline policy change applied to a request already waiting', () => {
  const slow: DeadlinePolicy = { reminderAfterBusinessDays: 10, escalateAfterBusinessDays: 15, expireAfterBusinessDays: 30 };
  /** Six business days after submission: Tuesday 2026-02-10 10:00 (no holiday in between). */
  const sixDaysLater = addBusinessDays(SUBMITTED, 6, NY);

  it('recomputes from the original submission, so a shorter reminder now past is due at once', () => {
    expect(businessDaysBetween(SUBMITTED, sixDaysLater, NY)).toBe(6);
    const before = deadlinesFor(SUBMITTED, slow, NY);
    const progress = { reminded: false, escalated: false };
    expect(nextDeadline(before, progress, sixDaysLater)).toEqual({ kind: 'REMIND', at: before.remindAt, dueAt: before.remindAt });
    expect(before.remindAt.getTime()).toBeGreaterThan(sixDaysLater.getTime());

    const after = deadlinesFor(SUBMITTED, DEFAULT_DEADLINE_POLICY, NY);
    const next = nextDeadline(after, progress, sixDaysLater);
    expect(next).toEqual({ kind: 'REMIND', at: sixDaysLater, dueAt: addBusinessDays(SUBMITTED, 5, NY) });
    expect(drive(after, sixDaysLater)).toEqual([
      ['REMIND', sixDaysLater.toISOString()],
      ['ESCALATE', iso('2026-02-17T10:00:00-05:00')],
      ['EXPIRE', iso('2026-03-03T10:00:00-05:00')],
    ]);
  });

  it('fires every step now past, one after the other, and keeps the later ones', () => {
    const tight: DeadlinePolicy = { reminderAfterBusinessDays: 2, escalateAfterBusinessDays: 4, expireAfterBusinessDays: 20 };
    expect(drive(deadlinesFor(SUBMITTED, tight, NY), sixDaysLater)).toEqual([
      ['REMIND', sixDaysLater.toISOString()],
      ['ESCALATE', sixDaysLater.toISOString()],
      ['EXPIRE', iso('2026-03-03T10:00:00-05:00')],
    ]);
  });

  it('expires at once, without a last reminder, when the new expiry is past', () => {
    const veryTight: DeadlinePolicy = { reminderAfterBusinessDays: 1, escalateAfterBusinessDays: 2, expireAfterBusinessDays: 3 };
    expect(drive(deadlinesFor(SUBMITTED, veryTight, NY), sixDaysLater)).toEqual([['EXPIRE', sixDaysLater.toISOString()]]);
  });

  it('never repeats or undoes a step already done when the policy gets longer', () => {
    const afterEscalation = addBusinessDays(SUBMITTED, 11, NY);
    const longer: DeadlinePolicy = { reminderAfterBusinessDays: 15, escalateAfterBusinessDays: 25, expireAfterBusinessDays: 40 };
    expect(drive(deadlinesFor(SUBMITTED, longer, NY), afterEscalation, { reminded: true, escalated: true })).toEqual([
      ['EXPIRE', addBusinessDays(SUBMITTED, 40, NY).toISOString()],
    ]);
  });
});
