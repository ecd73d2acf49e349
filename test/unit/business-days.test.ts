/** Business-day arithmetic for approval deadlines: weekends, holidays, time zones and DST. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  businessCalendarSchema,
  businessDaysBetween,
  DEFAULT_BUSINESS_CALENDAR,
  isBusinessDay,
  localDateOf,
  type BusinessCalendar,
} from '../../domain/business-days';
import { usFederalHolidaysObservedIn } from '../../domain/federal-holidays';
import { loadConfig } from '../../config';

const NY = DEFAULT_BUSINESS_CALENDAR;
const NY_NO_HOLIDAYS: BusinessCalendar = { timeZone: 'America/New_York', holidays: [] };

/** The local wall clock of an instant, 'YYYY-MM-DD HH:mm:ss'. */
function wall(instant: Date, timeZone = NY.timeZone): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

function expectInstant(actual: Date, expected: string): void {
  expect(actual.toISOString()).toBe(new Date(expected).toISOString());
}

/**
 * The observed US federal holidays of 2026–2035 as OPM's federal-holidays tables give them
 * (opm.gov, Policy › Pay & Leave › Federal Holidays), typed in from the tables' form
 * "weekday, date, holiday": data, not computed, so the rule in the module is checked against
 * something other than itself. A date is the day observed; `(Sat)`/`(Sun)` notes the legal date.
 */
const OPM_OBSERVED: Record<number, readonly (readonly [date: string, weekday: string, holiday: string])[]> = {
  2026: [
    ['2026-01-01', 'Thu', "New Year's Day"],
    ['2026-01-19', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2026-02-16', 'Mon', "Washington's Birthday"],
    ['2026-05-25', 'Mon', 'Memorial Day'],
    ['2026-06-19', 'Fri', 'Juneteenth National Independence Day'],
    ['2026-07-03', 'Fri', 'Independence Day (Sat 07-04)'],
    ['2026-09-07', 'Mon', 'Labor Day'],
    ['2026-10-12', 'Mon', 'Columbus Day'],
    ['2026-11-11', 'Wed', 'Veterans Day'],
    ['2026-11-26', 'Thu', 'Thanksgiving Day'],
    ['2026-12-25', 'Fri', 'Christmas Day'],
  ],
  2027: [
    ['2027-01-01', 'Fri', "New Year's Day"],
    ['2027-01-18', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2027-02-15', 'Mon', "Washington's Birthday"],
    ['2027-05-31', 'Mon', 'Memorial Day'],
    ['2027-06-18', 'Fri', 'Juneteenth National Independence Day (Sat 06-19)'],
    ['2027-07-05', 'Mon', 'Independence Day (Sun 07-04)'],
    ['2027-09-06', 'Mon', 'Labor Day'],
    ['2027-10-11', 'Mon', 'Columbus Day'],
    ['2027-11-11', 'Thu', 'Veterans Day'],
    ['2027-11-25', 'Thu', 'Thanksgiving Day'],
    ['2027-12-24', 'Fri', 'Christmas Day (Sat 12-25)'],
    ['2027-12-31', 'Fri', "New Year's Day 2028 (Sat 2028-01-01)"],
  ],
  2028: [
    ['2028-01-17', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2028-02-21', 'Mon', "Washington's Birthday"],
    ['2028-05-29', 'Mon', 'Memorial Day'],
    ['2028-06-19', 'Mon', 'Juneteenth National Independence Day'],
    ['2028-07-04', 'Tue', 'Independence Day'],
    ['2028-09-04', 'Mon', 'Labor Day'],
    ['2028-10-09', 'Mon', 'Columbus Day'],
    ['2028-11-10', 'Fri', 'Veterans Day (Sat 11-11)'],
    ['2028-11-23', 'Thu', 'Thanksgiving Day'],
    ['2028-12-25', 'Mon', 'Christmas Day'],
  ],
  2029: [
    ['2029-01-01', 'Mon', "New Year's Day"],
    ['2029-01-15', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2029-02-19', 'Mon', "Washington's Birthday"],
    ['2029-05-28', 'Mon', 'Memorial Day'],
    ['2029-06-19', 'Tue', 'Juneteenth National Independence Day'],
    ['2029-07-04', 'Wed', 'Independence Day'],
    ['2029-09-03', 'Mon', 'Labor Day'],
    ['2029-10-08', 'Mon', 'Columbus Day'],
    ['2029-11-12', 'Mon', 'Veterans Day (Sun 11-11)'],
    ['2029-11-22', 'Thu', 'Thanksgiving Day'],
    ['2029-12-25', 'Tue', 'Christmas Day'],
  ],
  2030: [
    ['2030-01-01', 'Tue', "New Year's Day"],
    ['2030-01-21', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2030-02-18', 'Mon', "Washington's Birthday"],
    ['2030-05-27', 'Mon', 'Memorial Day'],
    ['2030-06-19', 'Wed', 'Juneteenth National Independence Day'],
    ['2030-07-04', 'Thu', 'Independence Day'],
    ['2030-09-02', 'Mon', 'Labor Day'],
    ['2030-10-14', 'Mon', 'Columbus Day'],
    ['2030-11-11', 'Mon', 'Veterans Day'],
    ['2030-11-28', 'Thu', 'Thanksgiving Day'],
    ['2030-12-25', 'Wed', 'Christmas Day'],
  ],
  2031: [
    ['2031-01-01', 'Wed', "New Year's Day"],
    ['2031-01-20', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2031-02-17', 'Mon', "Washington's Birthday"],
    ['2031-05-26', 'Mon', 'Memorial Day'],
    ['2031-06-19', 'Thu', 'Juneteenth National Independence Day'],
    ['2031-07-04', 'Fri', 'Independence Day'],
    ['2031-09-01', 'Mon', 'Labor Day'],
    ['2031-10-13', 'Mon', 'Columbus Day'],
    ['2031-11-11', 'Tue', 'Veterans Day'],
    ['2031-11-27', 'Thu', 'Thanksgiving Day'],
    ['2031-12-25', 'Thu', 'Christmas Day'],
  ],
  2032: [
    ['2032-01-01', 'Thu', "New Year's Day"],
    ['2032-01-19', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2032-02-16', 'Mon', "Washington's Birthday"],
    ['2032-05-31', 'Mon', 'Memorial Day'],
    ['2032-06-18', 'Fri', 'Juneteenth National Independence Day (Sat 06-19)'],
    ['2032-07-05', 'Mon', 'Independence Day (Sun 07-04)'],
    ['2032-09-06', 'Mon', 'Labor Day'],
    ['2032-10-11', 'Mon', 'Columbus Day'],
    ['2032-11-11', 'Thu', 'Veterans Day'],
    ['2032-11-25', 'Thu', 'Thanksgiving Day'],
    ['2032-12-24', 'Fri', 'Christmas Day (Sat 12-25)'],
    ['2032-12-31', 'Fri', "New Year's Day 2033 (Sat 2033-01-01)"],
  ],
  2033: [
    ['2033-01-17', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2033-02-21', 'Mon', "Washington's Birthday"],
    ['2033-05-30', 'Mon', 'Memorial Day'],
    ['2033-06-20', 'Mon', 'Juneteenth National Independence Day (Sun 06-19)'],
    ['2033-07-04', 'Mon', 'Independence Day'],
    ['2033-09-05', 'Mon', 'Labor Day'],
    ['2033-10-10', 'Mon', 'Columbus Day'],
    ['2033-11-11', 'Fri', 'Veterans Day'],
    ['2033-11-24', 'Thu', 'Thanksgiving Day'],
    ['2033-12-26', 'Mon', 'Christmas Day (Sun 12-25)'],
  ],
  2034: [
    ['2034-01-02', 'Mon', "New Year's Day (Sun 01-01)"],
    ['2034-01-16', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2034-02-20', 'Mon', "Washington's Birthday"],
    ['2034-05-29', 'Mon', 'Memorial Day'],
    ['2034-06-19', 'Mon', 'Juneteenth National Independence Day'],
    ['2034-07-04', 'Tue', 'Independence Day'],
    ['2034-09-04', 'Mon', 'Labor Day'],
    ['2034-10-09', 'Mon', 'Columbus Day'],
    ['2034-11-10', 'Fri', 'Veterans Day (Sat 11-11)'],
    ['2034-11-23', 'Thu', 'Thanksgiving Day'],
    ['2034-12-25', 'Mon', 'Christmas Day'],
  ],
  2035: [
    ['2035-01-01', 'Mon', "New Year's Day"],
    ['2035-01-15', 'Mon', 'Birthday of Martin Luther King, Jr.'],
    ['2035-02-19', 'Mon', "Washington's Birthday"],
    ['2035-05-28', 'Mon', 'Memorial Day'],
    ['2035-06-19', 'Tue', 'Juneteenth National Independence Day'],
    ['2035-07-04', 'Wed', 'Independence Day'],
    ['2035-09-03', 'Mon', 'Labor Day'],
    ['2035-10-08', 'Mon', 'Columbus Day'],
    ['2035-11-12', 'Mon', 'Veterans Day (Sun 11-11)'],
    ['2035-11-22', 'Thu', 'Thanksgiving Day'],
    ['2035-12-25', 'Tue', 'Christmas Day'],
  ],
};

const YEARS = Object.keys(OPM_OBSERVED).map(Number);

/** Every local date of a year, 'YYYY-MM-DD'. */
function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

const WEEKDAY = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' });

describe('the default calendar', () => {
  it('is Eastern time with the observed US federal holidays of every year, by rule', () => {
    expect(NY).toEqual({ timeZone: 'America/New_York', holidays: [], usFederalHolidays: true });
    expect(businessCalendarSchema.safeParse(NY).success).toBe(true);
  });

  it('the table itself is consistent: each date is on the weekday it names, a weekday, in its year', () => {
    for (const year of YEARS) {
      for (const [date, weekday] of OPM_OBSERVED[year]!) {
        expect(date.startsWith(`${year}-`), date).toBe(true);
        expect(WEEKDAY.format(new Date(`${date}T12:00:00Z`)), date).toBe(weekday);
        expect(['Sat', 'Sun']).not.toContain(weekday);
      }
    }
  });

  it.each(YEARS)('gives exactly the dates OPM publishes for %i', (year) => {
    expect(usFederalHolidaysObservedIn(year)).toEqual(OPM_OBSERVED[year]!.map(([date]) => date));
  });

  it.each(YEARS)('takes those dates off in %i, and no other weekday', (year) => {
    const off = new Set(OPM_OBSERVED[year]!.map(([date]) => date));
    for (const date of datesOf(year)) {
      const weekday = WEEKDAY.format(new Date(`${date}T12:00:00Z`));
      expect(isBusinessDay(date, NY), date).toBe(weekday !== 'Sat' && weekday !== 'Sun' && !off.has(date));
    }
  });

  it("observes a Saturday New Year's Day on Friday December 31 of the year before", () => {
    // 2028-01-01 and 2033-01-01 are Saturdays: 2027 and 2032 get 12 holidays, 2028 and 2033 get 10.
    expect(usFederalHolidaysObservedIn(2027)).toContain('2027-12-31');
    expect(usFederalHolidaysObservedIn(2032)).toContain('2032-12-31');
    expect(YEARS.map((year) => usFederalHolidaysObservedIn(year).length)).toEqual([11, 12, 10, 11, 11, 11, 12, 10, 11, 11]);
    expect(isBusinessDay('2032-12-31', NY)).toBe(false);
    expect(isBusinessDay('2033-01-03', NY)).toBe(true);
    // A Sunday New Year's Day moves to Monday January 2 (2034), within its own year.
    expect(usFederalHolidaysObservedIn(2033)).not.toContain('2034-01-02');
  });

  it('counts deadlines past 2027 around the observed dates', () => {
    // Friday 2033-12-23 + 1: Christmas (Sunday) is observed Monday 12-26.
    expectInstant(addBusinessDays(new Date('2033-12-23T10:00:00-05:00'), 1, NY), '2033-12-27T10:00:00-05:00');
    // Thursday 2032-12-30 + 1: Friday 12-31 is New Year's Day 2033 observed.
    expectInstant(addBusinessDays(new Date('2032-12-30T10:00:00-05:00'), 1, NY), '2033-01-03T10:00:00-05:00');
    // From Monday 2035-11-05: Veterans Day (Sun 11-11) is observed Monday 11-12, then Thanksgiving 11-22.
    expectInstant(addBusinessDays(new Date('2035-11-05T09:00:00-05:00'), 10, NY), '2035-11-20T09:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2035-11-05T09:00:00-05:00'), 12, NY), '2035-11-23T09:00:00-05:00');
  });

  it('is frozen, so a caller cannot change the default for everyone', () => {
    expect(Object.isFrozen(NY)).toBe(true);
    expect(Object.isFrozen(NY.holidays)).toBe(true);
    expect(Object.isFrozen(usFederalHolidaysObservedIn(2030))).toBe(true);
  });

  it('refuses something that is not a year', () => {
    expect(() => usFederalHolidaysObservedIn(2030.5)).toThrow(RangeError);
  });
});

describe('a configured calendar', () => {
  it('replaces the default: only its own dates, unless it asks for the federal holidays too', () => {
    const own: BusinessCalendar = { timeZone: 'America/New_York', holidays: ['2030-03-15'] };
    expect(isBusinessDay('2030-03-15', own)).toBe(false);
    expect(isBusinessDay('2030-07-04', own)).toBe(true); // Independence Day is not in this calendar
    const both: BusinessCalendar = { ...own, usFederalHolidays: true };
    expect(isBusinessDay('2030-03-15', both)).toBe(false);
    expect(isBusinessDay('2030-07-04', both)).toBe(false);
    expect(isBusinessDay('2030-03-15', NY)).toBe(true);
  });

  it('comes from BUSINESS_CALENDAR, validated', () => {
    expect(loadConfig({}).approvalDeadlines.calendar).toBe(NY);
    const configured = loadConfig({ BUSINESS_CALENDAR: '{"timeZone":"Europe/Paris","holidays":["2030-07-14"]}' }).approvalDeadlines
      .calendar;
    expect(configured).toEqual({ timeZone: 'Europe/Paris', holidays: ['2030-07-14'] });
    expect(isBusinessDay('2030-12-25', configured)).toBe(true);
    const withFederal = loadConfig({ BUSINESS_CALENDAR: '{"timeZone":"America/Chicago","holidays":[],"usFederalHolidays":true}' });
    expect(isBusinessDay('2030-12-25', withFederal.approvalDeadlines.calendar)).toBe(false);
    expect(() => loadConfig({ BUSINESS_CALENDAR: '{"timeZone":"America/Chicago","holidays":[],"usFederalHolidays":"yes"}' })).toThrow();
  });
});

describe('businessCalendarSchema', () => {
  it('accepts a known IANA zone and real dates', () => {
    expect(businessCalendarSchema.safeParse({ timeZone: 'Europe/Paris', holidays: ['2026-07-14'] }).success).toBe(true);
  });

  it.each([
    ['an unknown zone', { timeZone: 'Mars/Olympus_Mons', holidays: [] }],
    ['a date that does not exist', { timeZone: 'America/New_York', holidays: ['2026-02-30'] }],
    ['a date in another format', { timeZone: 'America/New_York', holidays: ['07/04/2026'] }],
    ['an extra field', { timeZone: 'America/New_York', holidays: [], weekend: ['FRI'] }],
  ])('refuses %s', (_label, value) => {
    expect(businessCalendarSchema.safeParse(value).success).toBe(false);
  });
});

describe('isBusinessDay', () => {
  it('is true Monday to Friday and false on Saturday and Sunday', () => {
    expect(['2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05', '2026-02-06'].map((d) => isBusinessDay(d, NY))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(isBusinessDay('2026-02-07', NY)).toBe(false);
    expect(isBusinessDay('2026-02-08', NY)).toBe(false);
  });

  it('is false on a listed holiday and true on the same date in a calendar without it', () => {
    expect(isBusinessDay('2026-12-25', NY)).toBe(false);
    expect(isBusinessDay('2026-07-03', NY)).toBe(false); // Independence Day observed
    expect(isBusinessDay('2026-12-25', NY_NO_HOLIDAYS)).toBe(true);
  });

  it('refuses something that is not a date', () => {
    expect(() => isBusinessDay('2026-13-01', NY)).toThrow(RangeError);
    expect(() => isBusinessDay('tomorrow', NY)).toThrow(RangeError);
  });
});

describe('addBusinessDays', () => {
  it('counts weekdays and keeps the local time of day', () => {
    const monday = new Date('2026-02-02T10:15:30.250-05:00');
    expectInstant(addBusinessDays(monday, 0, NY), '2026-02-02T10:15:30.250-05:00');
    expectInstant(addBusinessDays(monday, 1, NY), '2026-02-03T10:15:30.250-05:00');
    expectInstant(addBusinessDays(monday, 4, NY), '2026-02-06T10:15:30.250-05:00');
    expectInstant(addBusinessDays(monday, 5, NY), '2026-02-09T10:15:30.250-05:00'); // the weekend skipped
    expectInstant(addBusinessDays(monday, 10, NY_NO_HOLIDAYS), '2026-02-16T10:15:30.250-05:00');
  });

  it('skips holidays', () => {
    // Monday 2026-02-16 is Washington's Birthday.
    expectInstant(addBusinessDays(new Date('2026-02-13T10:00:00-05:00'), 1, NY), '2026-02-17T10:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2026-02-02T10:00:00-05:00'), 10, NY), '2026-02-17T10:00:00-05:00');
    // Thursday 2026-11-26 is Thanksgiving.
    expectInstant(addBusinessDays(new Date('2026-11-25T09:00:00-05:00'), 1, NY), '2026-11-27T09:00:00-05:00');
    // Friday 2026-07-03 is Independence Day observed; Saturday 07-04 itself was never a business day.
    expectInstant(addBusinessDays(new Date('2026-07-02T16:00:00-04:00'), 1, NY), '2026-07-06T16:00:00-04:00');
  });

  it('from Friday evening, gives the next business day at the same evening time', () => {
    const fridayEvening = new Date('2026-02-06T18:30:00-05:00');
    expectInstant(addBusinessDays(fridayEvening, 1, NY), '2026-02-09T18:30:00-05:00');
    expectInstant(addBusinessDays(new Date('2026-02-06T23:59:59.999-05:00'), 1, NY), '2026-02-09T23:59:59.999-05:00');
  });

  it('reads the date in the calendar time zone, not in UTC', () => {
    // Saturday 03:00 UTC is still Friday 22:00 in New York.
    const fridayNightInNewYork = new Date('2026-02-07T03:00:00Z');
    expect(localDateOf(fridayNightInNewYork, NY.timeZone)).toBe('2026-02-06');
    expectInstant(addBusinessDays(fridayNightInNewYork, 1, NY), '2026-02-09T22:00:00-05:00');
    // The same instant in Tokyo is Saturday noon: counting starts Monday 00:00 there.
    const tokyo: BusinessCalendar = { timeZone: 'Asia/Tokyo', holidays: [] };
    expectInstant(addBusinessDays(fridayNightInNewYork, 1, tokyo), '2026-02-10T00:00:00+09:00');
  });

  it('from a Saturday or Sunday, starts counting at 00:00 on Monday, so whole business days elapse', () => {
    const saturday = new Date('2026-02-07T10:00:00-05:00');
    expectInstant(addBusinessDays(saturday, 0, NY), '2026-02-09T00:00:00-05:00');
    expectInstant(addBusinessDays(saturday, 1, NY), '2026-02-10T00:00:00-05:00');
    expectInstant(addBusinessDays(saturday, 5, NY), '2026-02-17T00:00:00-05:00'); // Monday 02-16 a holiday
    expectInstant(addBusinessDays(new Date('2026-02-08T23:00:00-05:00'), 1, NY), '2026-02-10T00:00:00-05:00');
  });

  it('from a holiday, starts counting at 00:00 on the next business day', () => {
    // Martin Luther King Day, Monday 2026-01-19.
    expectInstant(addBusinessDays(new Date('2026-01-19T11:00:00-05:00'), 1, NY), '2026-01-21T00:00:00-05:00');
    // Thanksgiving, Thursday 2026-11-26: Friday 11-27 is a business day.
    expectInstant(addBusinessDays(new Date('2026-11-26T14:00:00-05:00'), 1, NY), '2026-11-30T00:00:00-05:00');
  });

  it('keeps the local time across the spring DST change (2026-03-08 in New York)', () => {
    const friday = new Date('2026-03-06T10:00:00-05:00'); // EST
    const monday = addBusinessDays(friday, 1, NY);
    expectInstant(monday, '2026-03-09T10:00:00-04:00'); // EDT
    expect(wall(monday)).toBe('2026-03-09 10:00:00');
    expect(monday.getTime() - friday.getTime()).toBe(71 * 3_600_000);
    // 02:30 does not exist on Sunday 03-08, but does on Monday 03-09.
    expectInstant(addBusinessDays(new Date('2026-03-06T02:30:00-05:00'), 1, NY), '2026-03-09T02:30:00-04:00');
    // From a start on the switch day itself (a Sunday): Monday 00:00 EDT, plus one.
    expectInstant(addBusinessDays(new Date('2026-03-08T03:30:00-04:00'), 1, NY), '2026-03-10T00:00:00-04:00');
  });

  it('keeps the local time across the autumn DST change (2026-11-01 in New York)', () => {
    const friday = new Date('2026-10-30T10:00:00-04:00'); // EDT
    const monday = addBusinessDays(friday, 1, NY);
    expectInstant(monday, '2026-11-02T10:00:00-05:00'); // EST
    expect(wall(monday)).toBe('2026-11-02 10:00:00');
    expect(monday.getTime() - friday.getTime()).toBe(73 * 3_600_000);
    // 01:30 happens twice on Sunday 11-01 but once on Monday 11-02.
    expectInstant(addBusinessDays(new Date('2026-10-30T01:30:00-04:00'), 1, NY), '2026-11-02T01:30:00-05:00');
    // Twelve business days straddling the change keep 16:45 local (Veterans Day, Wednesday 11-11, skipped).
    const deadline = addBusinessDays(new Date('2026-10-26T16:45:00-04:00'), 12, NY);
    expect(wall(deadline)).toBe('2026-11-12 16:45:00');
  });

  it('moves a local time that falls in a DST gap forward by the gap, and takes the earlier of a repeated one', () => {
    // Israel springs forward on a Friday: 02:00 → 03:00 on 2026-03-27.
    const jerusalem: BusinessCalendar = { timeZone: 'Asia/Jerusalem', holidays: [] };
    const inGap = addBusinessDays(new Date('2026-03-26T02:30:00+02:00'), 1, jerusalem);
    expectInstant(inGap, '2026-03-27T03:30:00+03:00');
    expect(wall(inGap, jerusalem.timeZone)).toBe('2026-03-27 03:30:00');
    // Egypt falls back at midnight ending Thursday 2026-10-29: 23:00–24:00 happens twice.
    const cairo: BusinessCalendar = { timeZone: 'Africa/Cairo', holidays: [] };
    expectInstant(addBusinessDays(new Date('2026-10-28T23:30:00+03:00'), 1, cairo), '2026-10-29T23:30:00+03:00');
    // Egypt springs forward at midnight starting Friday 2026-04-24: 00:30 does not exist that day.
    expectInstant(addBusinessDays(new Date('2026-04-23T00:30:00+02:00'), 1, cairo), '2026-04-24T01:30:00+03:00');
  });

  it('crosses the year end, skipping Christmas and New Year observed dates', () => {
    expectInstant(addBusinessDays(new Date('2026-12-24T10:00:00-05:00'), 1, NY), '2026-12-28T10:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2026-12-30T10:00:00-05:00'), 1, NY), '2026-12-31T10:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2026-12-30T10:00:00-05:00'), 2, NY), '2027-01-04T10:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2026-12-21T09:00:00-05:00'), 10, NY), '2027-01-06T09:00:00-05:00');
    // 2027: Christmas observed Friday 12-24, New Year's Day 2028 observed Friday 12-31.
    expectInstant(addBusinessDays(new Date('2027-12-23T10:00:00-05:00'), 1, NY), '2027-12-27T10:00:00-05:00');
    expectInstant(addBusinessDays(new Date('2027-12-30T10:00:00-05:00'), 1, NY), '2028-01-03T10:00:00-05:00');
  });

  it('refuses a negative or fractional count, an invalid start and an unknown zone', () => {
    const start = new Date('2026-02-02T10:00:00-05:00');
    expect(() => addBusinessDays(start, -1, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(start, 1.5, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(start, Number.NaN, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(new Date('not a date'), 1, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(start, 1, { timeZone: 'Nowhere/Nothing', holidays: [] })).toThrow(RangeError);
  });

  it('does not modify its start', () => {
    const start = new Date('2026-02-02T10:00:00-05:00');
    addBusinessDays(start, 3, NY);
    expectInstant(start, '2026-02-02T10:00:00-05:00');
  });
});

describe('businessDaysBetween', () => {
  it('counts whole business days elapsed', () => {
    const monday = new Date('2026-02-02T10:00:00-05:00');
    expect(businessDaysBetween(monday, new Date('2026-02-02T23:00:00-05:00'), NY)).toBe(0);
    expect(businessDaysBetween(monday, new Date('2026-02-03T09:59:59.999-05:00'), NY)).toBe(0);
    expect(businessDaysBetween(monday, new Date('2026-02-03T10:00:00-05:00'), NY)).toBe(1);
    expect(businessDaysBetween(monday, new Date('2026-02-08T12:00:00-05:00'), NY)).toBe(4); // Sunday
    expect(businessDaysBetween(monday, new Date('2026-02-17T10:00:00-05:00'), NY)).toBe(10); // holiday 02-16 skipped
  });

  it('is 0 when the end is not after the start', () => {
    const monday = new Date('2026-02-02T10:00:00-05:00');
    expect(businessDaysBetween(monday, monday, NY)).toBe(0);
    expect(businessDaysBetween(monday, new Date('2026-01-01T00:00:00-05:00'), NY)).toBe(0);
  });

  it('counts nothing for a weekend until the next business day has fully elapsed', () => {
    const saturday = new Date('2026-02-07T10:00:00-05:00');
    expect(businessDaysBetween(saturday, new Date('2026-02-09T23:59:59-05:00'), NY)).toBe(0);
    expect(businessDaysBetween(saturday, new Date('2026-02-10T00:00:00-05:00'), NY)).toBe(1);
  });

  it('counts across the DST changes by local time', () => {
    expect(businessDaysBetween(new Date('2026-03-06T10:00:00-05:00'), new Date('2026-03-09T09:59:00-04:00'), NY)).toBe(0);
    expect(businessDaysBetween(new Date('2026-03-06T10:00:00-05:00'), new Date('2026-03-09T10:00:00-04:00'), NY)).toBe(1);
    expect(businessDaysBetween(new Date('2026-10-30T10:00:00-04:00'), new Date('2026-11-02T09:59:00-05:00'), NY)).toBe(0);
    expect(businessDaysBetween(new Date('2026-10-30T10:00:00-04:00'), new Date('2026-11-02T10:00:00-05:00'), NY)).toBe(1);
  });

  it('is the inverse of addBusinessDays, in every time zone', () => {
    const calendars: BusinessCalendar[] = [
      NY,
      { timeZone: 'Asia/Jerusalem', holidays: [] },
      { timeZone: 'Africa/Cairo', holidays: ['2026-04-23'] },
      { timeZone: 'Australia/Lord_Howe', holidays: [] }, // a half-hour DST shift
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-10-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 45 }),
        fc.constantFrom(...calendars),
        (start, days, calendar) => {
          const deadline = addBusinessDays(start, days, calendar);
          expect(deadline.getTime()).toBeGreaterThanOrEqual(start.getTime());
          expect(businessDaysBetween(start, deadline, calendar)).toBe(days);
          if (days > 0) expect(businessDaysBetween(start, new Date(deadline.getTime() - 1), calendar)).toBe(days - 1);
          expect(addBusinessDays(start, days + 1, calendar).getTime()).toBeGreaterThan(deadline.getTime());
          expect(isBusinessDay(localDateOf(deadline, calendar.timeZone), calendar)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
