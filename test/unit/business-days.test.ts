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
  US_FEDERAL_HOLIDAYS_2026_2027,
  type BusinessCalendar,
} from '../../domain/business-days';

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

describe('the default calendar', () => {
  it('is Eastern time with the observed US federal holidays of 2026 and 2027', () => {
    expect(NY.timeZone).toBe('America/New_York');
    expect(NY.holidays).toEqual(US_FEDERAL_HOLIDAYS_2026_2027);
    expect(businessCalendarSchema.safeParse(NY).success).toBe(true);
  });

  it('lists exactly the dates 5 U.S.C. 6103 gives, moved off weekends as OPM observes them', () => {
    const nth = (year: number, month: number, weekday: number, n: number): number => {
      const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
      return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
    };
    const last = (year: number, month: number, weekday: number): number => {
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const lastWeekday = new Date(Date.UTC(year, month - 1, days)).getUTCDay();
      return days - ((lastWeekday - weekday + 7) % 7);
    };
    const observed = (year: number, month: number, day: number): string => {
      const date = new Date(Date.UTC(year, month - 1, day));
      const shift = date.getUTCDay() === 6 ? -1 : date.getUTCDay() === 0 ? 1 : 0;
      return new Date(date.getTime() + shift * 86_400_000).toISOString().slice(0, 10);
    };
    const iso = (year: number, month: number, day: number): string => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
    const expected: string[] = [];
    for (const year of [2026, 2027, 2028]) {
      expected.push(
        observed(year, 1, 1),
        iso(year, 1, nth(year, 1, 1, 3)),
        iso(year, 2, nth(year, 2, 1, 3)),
        iso(year, 5, last(year, 5, 1)),
        observed(year, 6, 19),
        observed(year, 7, 4),
        iso(year, 9, nth(year, 9, 1, 1)),
        iso(year, 10, nth(year, 10, 1, 2)),
        observed(year, 11, 11),
        iso(year, 11, nth(year, 11, 4, 4)),
        observed(year, 12, 25),
      );
    }
    const in2026And2027 = expected.filter((d) => d >= '2026-01-01' && d <= '2027-12-31').sort();
    expect([...US_FEDERAL_HOLIDAYS_2026_2027].sort()).toEqual(in2026And2027);
    expect(US_FEDERAL_HOLIDAYS_2026_2027).toContain('2027-12-31'); // New Year's Day 2028 is a Saturday
    expect(US_FEDERAL_HOLIDAYS_2026_2027).toHaveLength(23);
  });

  it('is frozen, so a caller cannot change the default for everyone', () => {
    expect(Object.isFrozen(NY)).toBe(true);
    expect(Object.isFrozen(US_FEDERAL_HOLIDAYS_2026_2027)).toBe(true);
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
