/**
 * Local calendar dates as day numbers (days since 1970-01-01 of the proleptic Gregorian
 * calendar), the unit business-day and holiday arithmetic counts in. Pure, no time zones.
 */

/** One day, in ms. */
export const MS_PER_DAY = 86_400_000;

/** The day number of a date given as year, month (1–12) and day of month. */
export function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / MS_PER_DAY;
}

/** 0 for Sunday … 6 for Saturday. */
export function weekdayOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

/** The local date ('YYYY-MM-DD') of a day number. */
export function localDateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
