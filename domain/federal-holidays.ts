/**
 * US federal holidays by rule: 5 U.S.C. 6103(a), observed as Executive Order 11582 and OPM say for
 * a Monday-to-Friday week: a holiday on a Saturday is observed the Friday before (New Year's Day
 * on a Saturday: Friday December 31 of the year before), one on a Sunday the Monday after.
 * Inauguration Day (January 20 after a presidential election) is a holiday only around
 * Washington, D.C., and is not included.
 */
import { dayOf, localDateOfDay, weekdayOf } from './day-numbers';

type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // Sunday … Saturday
const MONDAY: Weekday = 1;
const THURSDAY: Weekday = 4;

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

/** Whether a day number is an observed US federal holiday. */
export function isUsFederalHoliday(day: number): boolean {
  const localDate = localDateOfDay(day);
  return usFederalHolidaysObservedIn(Number(localDate.slice(0, 4))).includes(localDate);
}
