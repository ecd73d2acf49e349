/**
 * Business-day arithmetic for approval deadlines: pure functions, no I/O and no clock reads
 * (every instant comes in as an argument), no `node:*` imports, so the Temporal workflow can
 * call them deterministically inside its sandbox. Time-zone offsets come from
 * `Intl.DateTimeFormat`, which the sandbox provides.
 *
 * The rule, precisely. A business day is a local calendar date, in the calendar's IANA time
 * zone, that is Monday to Friday and not one of the calendar's holidays. Time is counted as *business
 * time*: only the hours that fall on business days elapse, and N business days are N whole
 * business days of it.
 *
 * - A start on a business day keeps its local wall-clock time: `addBusinessDays(start, n)` is
 *   the same local time of day on the n-th business date after start's local date. Friday
 *   18:00 + 1 is Monday 18:00 (the rest of Friday and most of Monday elapse); Wednesday
 *   10:00 + 2 across a Thursday holiday is the next Monday 10:00.
 * - A start on a weekend or holiday is moved to 00:00 local on the next business day and counts
 *   from there, so the approver always gets n full business days: Saturday 10:00 + 1 is
 *   Tuesday 00:00 (all of Monday elapsed), not Monday 10:00; + 0 is Monday 00:00.
 * - So the result always falls on a business date, at start's local time of day or at 00:00.
 * - The same local time is kept across daylight-saving changes (an instant 23 or 25 hours
 *   later, not 24). A local time that does not exist on the target date (the spring-forward
 *   gap) moves forward by the gap's length (02:30 → 03:30); one that exists twice (the
 *   fall-back overlap) takes the earlier instant. This is the "compatible" disambiguation
 *   of ECMAScript Temporal and of RFC 5545.
 * - `businessDaysBetween(a, b)` is the inverse: the whole business days of business time
 *   elapsed from a to b, i.e. the largest n with `addBusinessDays(a, n) <= b`; 0 when b is
 *   not after a.
 *
 * Holidays: the US federal holidays computed by rule for any year (`usFederalHolidays`, see domain/federal-holidays.ts), and
 * any dates listed in `holidays`. A configured calendar replaces the default entirely.
 */
import { z } from 'zod';
import { dayOf, localDateOfDay, MS_PER_DAY, weekdayOf } from './day-numbers';
import { isUsFederalHoliday } from './federal-holidays';

export interface BusinessCalendar {
  /** IANA time zone in which dates and times of day are read, e.g. 'America/New_York'. */
  timeZone: string;
  /**
   * Local dates ('YYYY-MM-DD') that are not business days, in addition to Saturdays and Sundays.
   * Treat a calendar as immutable once used: lookups are cached per calendar object.
   */
  holidays: readonly string[];
  /** Whether the US federal holidays, as observed by federal offices, are not business days either (any year). */
  usFederalHolidays?: boolean;
}

/** The documented default: CMS's Eastern time and the observed US federal holidays of every year. */
export const DEFAULT_BUSINESS_CALENDAR: Readonly<BusinessCalendar> = Object.freeze({
  timeZone: 'America/New_York',
  holidays: Object.freeze([]),
  usFederalHolidays: true,
});

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isValidLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function isValidTimeZone(value: string): boolean {
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/** Validates a configured calendar: a time zone the runtime knows and real 'YYYY-MM-DD' dates. */
export const businessCalendarSchema = z.strictObject({
  timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York'),
  holidays: z.array(z.string().refine(isValidLocalDate, 'must be a date YYYY-MM-DD')),
  usFederalHolidays: z.boolean().optional(),
});

/** The day number of a local date ('YYYY-MM-DD'). */
function dayNumber(localDate: string): number {
  const parts = LOCAL_DATE.exec(localDate);
  if (parts === null || !isValidLocalDate(localDate)) throw new RangeError(`not a local date YYYY-MM-DD: ${localDate}`);
  return dayOf(Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

/** Which local dates a calendar takes off, besides weekends. */
type Holidays = (day: number) => boolean;

const holidayTests = new WeakMap<BusinessCalendar, Holidays>();

function holidaysOf(calendar: BusinessCalendar): Holidays {
  let test = holidayTests.get(calendar);
  if (test === undefined) {
    const listed = new Set(calendar.holidays);
    const federal = calendar.usFederalHolidays === true;
    test = (day) => listed.has(localDateOfDay(day)) || (federal && isUsFederalHoliday(day));
    holidayTests.set(calendar, test);
  }
  return test;
}

function isBusinessDayNumber(day: number, holidays: Holidays): boolean {
  const weekday = weekdayOf(day);
  return weekday !== 0 && weekday !== 6 && !holidays(day);
}

/** Whether a local date ('YYYY-MM-DD') is a business day: Monday to Friday and not a holiday. */
export function isBusinessDay(localDate: string, calendar: BusinessCalendar): boolean {
  return isBusinessDayNumber(dayNumber(localDate), holidaysOf(calendar));
}

// ---------------------------------------------------------------------------------------------
// Time-zone conversion with Intl.DateTimeFormat.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, // throws RangeError for an unknown zone
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock reading of an instant, encoded as if it were a UTC epoch (ms). */
function wallClock(epochMs: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return Date.UTC(fields.year!, fields.month! - 1, fields.day, fields.hour! % 24, fields.minute, fields.second, ms);
}

/** Offset of local time from UTC at an instant, in ms (e.g. -5 h for EST). */
function offsetAt(epochMs: number, timeZone: string): number {
  return wallClock(epochMs, timeZone) - epochMs;
}

/**
 * The instant at which the zone's clocks read `wall` (a local date-time encoded as a UTC epoch),
 * with the "compatible" disambiguation: the earlier instant in an overlap, and in a gap the
 * instant the wall time would have had under the offset in force before the gap (later by
 * the gap's length). Assumes at most one offset change within a day either side, as in every
 * real zone.
 */
function instantAtWallClock(wall: number, timeZone: string): number {
  const before = offsetAt(wall - MS_PER_DAY, timeZone);
  const after = offsetAt(wall + MS_PER_DAY, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].filter((t) => wallClock(t, timeZone) === wall).sort((x, y) => x - y);
  return candidates[0] ?? wall - before;
}

/** The local date ('YYYY-MM-DD') of an instant in a time zone. */
export function localDateOf(instant: Date, timeZone: string): string {
  return new Date(wallClock(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Business-time arithmetic.

interface Start {
  /** Local date of the effective start, as a day number; always a business day. */
  day: number;
  /** Local time of day of the effective start, ms since local midnight. */
  timeOfDay: number;
}

/** Where business time starts counting: start itself on a business day, else 00:00 of the next one. */
function effectiveStart(start: Date, calendar: BusinessCalendar, holidays: Holidays): Start {
  const wall = wallClock(start.getTime(), calendar.timeZone);
  const day = Math.floor(wall / MS_PER_DAY);
  if (isBusinessDayNumber(day, holidays)) return { day, timeOfDay: wall - day * MS_PER_DAY };
  let next = day + 1;
  while (!isBusinessDayNumber(next, holidays)) next++;
  return { day: next, timeOfDay: 0 };
}

function nextBusinessDays(from: number, count: number, holidays: Holidays): number {
  let day = from;
  for (let counted = 0; counted < count;) {
    day++;
    if (isBusinessDayNumber(day, holidays)) counted++;
  }
  return day;
}

function assertValidDate(value: Date, name: string): void {
  if (Number.isNaN(value.getTime())) throw new RangeError(`${name} is not a valid date`);
}

/**
 * The instant `days` business days after `start` in the calendar (see the module comment):
 * the same local time of day on the `days`-th business date after start's local date; a start
 * on a weekend or holiday is first moved to 00:00 local on the next business day (so that
 * `days` full business days elapse). `days` must be a non-negative integer; 0 yields start
 * itself, or 00:00 of the next business day for a non-business start.
 */
export function addBusinessDays(start: Date, days: number, calendar: BusinessCalendar): Date {
  assertValidDate(start, 'start');
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
  const holidays = holidaysOf(calendar);
  const from = effectiveStart(start, calendar, holidays);
  const target = nextBusinessDays(from.day, days, holidays);
  return new Date(instantAtWallClock(target * MS_PER_DAY + from.timeOfDay, calendar.timeZone));
}

/**
 * The whole business days of business time elapsed from `a` to `b`: the largest n with
 * `addBusinessDays(a, n, calendar) <= b`, and 0 when `b` is not after `a`.
 */
export function businessDaysBetween(a: Date, b: Date, calendar: BusinessCalendar): number {
  assertValidDate(a, 'a');
  assertValidDate(b, 'b');
  if (b.getTime() <= a.getTime()) return 0;
  const holidays = holidaysOf(calendar);
  const from = effectiveStart(a, calendar, holidays);
  const lastDay = Math.floor(wallClock(b.getTime(), calendar.timeZone) / MS_PER_DAY);
  let count = 0;
  for (let day = from.day + 1; day <= lastDay; day++) if (isBusinessDayNumber(day, holidays)) count++;
  // The count-th business day is on or before b's local date; on b's own date it may be later in the day.
  if (count > 0 && addBusinessDays(a, count, calendar).getTime() > b.getTime()) count--;
  return count;
}
