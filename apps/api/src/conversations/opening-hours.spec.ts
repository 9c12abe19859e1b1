import { isOpen, isTimeZone, openingDaysProblem } from './opening-hours';

describe('opening hours', () => {
  const hours = { time_zone: 'Europe/Paris', days: { mon: ['09:00-12:00', '14:00-17:30'] } };

  it('is open within a period of the day, in the hours’ time zone', () => {
    // Monday 2026-12-07, 10:00 in Paris is 09:00 UTC.
    expect(isOpen(hours, new Date('2026-12-07T09:00:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-12-07T16:29:00Z'))).toBe(true);
  });

  it('is closed between periods, at a period’s end, on a day left out, and always open without hours', () => {
    expect(isOpen(hours, new Date('2026-12-07T11:30:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-12-07T16:30:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-12-08T09:00:00Z'))).toBe(false);
    expect(isOpen(undefined, new Date('2026-12-08T03:00:00Z'))).toBe(true);
  });

  it('refuses unknown zones, days and malformed or backwards periods', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(openingDaysProblem({ mon: ['09:00-17:00'], sun: [] })).toBeUndefined();
    expect(openingDaysProblem({ someday: ['09:00-17:00'] })).toMatch(/unknown day/);
    expect(openingDaysProblem({ mon: ['9-17'] })).toMatch(/HH:MM-HH:MM/);
    expect(openingDaysProblem({ mon: ['17:00-09:00'] })).toMatch(/ends before/);
    expect(
      openingDaysProblem({
        mon: ['09:00-10:00', '10:00-11:00', '11:00-12:00', '12:00-13:00', '13:00-14:00'],
      }),
    ).toMatch(/at most 4/);
  });
});
