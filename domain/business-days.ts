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
 * Holidays: the US federal holidays computed by rule for any year (`usFederalHolidays`), and
 * any dates listed in `holidays`. A configured calendar replaces the default entirely.
 */
import { z } from 'zod';

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

// ---------------------------------------------------------------------------------------------
// Local dates as day numbers (days since 1970-01-01), so calendar arithmetic never touches a zone.

const MS_PER_DAY = 86_400_000;

function dayNumber(localDate: string): number {
  if (!isValidLocalDate(localDate)) throw new RangeError(`not a local date YYYY-MM-DD: ${localDate}`);
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function localDateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// US federal holidays by rule: 5 U.S.C. 6103(a), observed as Executive Order 11582 and OPM say for
// a Monday-to-Friday week: a holiday on a Saturday is observed the Friday before (New Year's Day
// on a Saturday: Friday December 31 of the year before), one on a Sunday the Monday after.
// Inauguration Day (January 20 after a presidential election) is a holiday only around
// Washington, D.C., and is not included.

type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // Sunday … Saturday
const MONDAY: Weekday = 1;
const THURSDAY: Weekday = 4;

function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / MS_PER_DAY;
}

function weekdayOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

/** The n-th given weekday of a month (n = 1 … 4). */
function nthWeekday(year: number, month: number, weekday: Weekday, n: number): number {
  const first = dayOf(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
}

/** The last given weekday of a month. */
function lastWeekday(year: number, month: number, weekday: Weekday): number {
  const last = dayOf(year, month + 1, 0);
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** A fixed-date holiday moved off the weekend. */
function observed(year: number, month: number, date: number): number {
  const day = dayOf(year, month, date);
  const weekday = weekdayOf(day);
  return weekday === 6 ? day - 1 : weekday === 0 ? day + 1 : day;
}

/** The federal holidays of a year's law, as observed (one of them may fall on December 31 of the year before). */
function federalHolidaysOfYear(year: number): number[] {
  return [
    observed(year, 1, 1), // New Year's Day
    nthWeekday(year, 1, MONDAY, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, MONDAY, 3), // Washington's Birthday
    lastWeekday(year, 5, MONDAY), // Memorial Day
    observed(year, 6, 19), // Juneteenth National Independence Day
    observed(year, 7, 4), // Independence Day
    nthWeekday(year, 9, MONDAY, 1), // Labor Day
    nthWeekday(year, 10, MONDAY, 2), // Columbus Day
    observed(year, 11, 11), // Veterans Day
    nthWeekday(year, 11, THURSDAY, 4), // Thanksgiving Day
    observed(year, 12, 25), // Christmas Day
  ];
}

const federalByYear = new Map<number, readonly string[]>();

/**
 * The observed US federal holidays that fall in a calendar year, in date order: 11 in most years,
 * 10 when the next New Year's Day is observed on December 31 of the year before, 12 in a year
 * that gets it.
 */
export function usFederalHolidaysObservedIn(year: number): readonly string[] {
  if (!Number.isSafeInteger(year)) throw new RangeError(`not a year: ${year}`);
  let dates = federalByYear.get(year);
  if (dates === undefined) {
    const first = dayOf(year, 1, 1);
    const last = dayOf(year, 12, 31);
    dates = Object.freeze(
      [...federalHolidaysOfYear(year), ...federalHolidaysOfYear(year + 1)]
        .filter((day) => day >= first && day <= last)
        .sort((a, b) => a - b)
        .map(localDateOfDay),
    );
    federalByYear.set(year, dates);
  }
  return dates;
}

function isUsFederalHoliday(day: number): boolean {
  const localDate = localDateOfDay(day);
  return usFederalHolidaysObservedIn(Number(localDate.slice(0, 4))).includes(localDate);
}

// ---------------------------------------------------------------------------------------------

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
