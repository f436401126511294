import { describe, expect, it } from 'vitest';
import { addMonths, inDailyWindow, instantOf, nextTimeOfDay, wallTime } from './local-time.js';

const iso = (t: number) => new Date(t).toISOString();

describe('local time', () => {
  it('finds the next 09:00 in Shanghai (UTC+8, no DST)', () => {
    // 2026-03-01 10:00 Shanghai = 02:00Z → next 09:00 is the next day, 01:00Z
    expect(iso(nextTimeOfDay(Date.parse('2026-03-01T02:00:00Z'), 'Asia/Shanghai', '09:00'))).toBe(
      '2026-03-02T01:00:00.000Z',
    );
    // 08:00 Shanghai → 09:00 the same day
    expect(iso(nextTimeOfDay(Date.parse('2026-03-01T00:00:00Z'), 'Asia/Shanghai', '09:00'))).toBe(
      '2026-03-01T01:00:00.000Z',
    );
  });

  it('is strictly after: exactly at the time means the next day', () => {
    expect(iso(nextTimeOfDay(Date.parse('2026-03-01T01:00:00Z'), 'Asia/Shanghai', '09:00'))).toBe(
      '2026-03-02T01:00:00.000Z',
    );
  });

  it('keeps to weekdays (1 = Monday)', () => {
    // Friday 2026-03-06 20:00 Shanghai → next Monday 10:00
    const fri = Date.parse('2026-03-06T12:00:00Z');
    expect(wallTime(fri, 'Asia/Shanghai').weekday).toBe(5);
    expect(iso(nextTimeOfDay(fri, 'Asia/Shanghai', '10:00', [1, 2, 3, 4, 5]))).toBe(
      '2026-03-09T02:00:00.000Z',
    );
    expect(iso(nextTimeOfDay(fri, 'Asia/Shanghai', '10:00', [7]))).toBe('2026-03-08T02:00:00.000Z');
  });

  it('keeps the wall time across a spring-forward change (New York, 8 March 2026)', () => {
    // Saturday 7 March 09:30 EST (14:30Z) → Sunday 09:30 EDT (13:30Z): 23 hours later, same wall time
    const next = nextTimeOfDay(Date.parse('2026-03-07T14:30:00Z'), 'America/New_York', '09:30');
    expect(iso(next)).toBe('2026-03-08T13:30:00.000Z');
    expect(wallTime(next, 'America/New_York')).toMatchObject({ hour: 9, minute: 30, day: 8 });
  });

  it('keeps the wall time across a fall-back change (New York, 1 November 2026)', () => {
    const next = nextTimeOfDay(Date.parse('2026-10-31T13:30:00Z'), 'America/New_York', '09:30');
    expect(iso(next)).toBe('2026-11-01T14:30:00.000Z'); // 25 hours later
  });

  it('shifts a wall time that does not exist (in the spring-forward gap) past the gap', () => {
    const t = instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 }, 'America/New_York');
    expect(wallTime(t, 'America/New_York')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('takes the first of a wall time that happens twice (fall back)', () => {
    const t = instantOf(
      { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 },
      'America/New_York',
    );
    expect(iso(t)).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT, not 01:30 EST
  });

  it('gives members in different zones their own 09:00', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(iso(nextTimeOfDay(now, 'Asia/Shanghai', '09:00'))).toBe('2026-06-01T01:00:00.000Z');
    expect(iso(nextTimeOfDay(now, 'Europe/Berlin', '09:00'))).toBe('2026-06-01T07:00:00.000Z');
    expect(iso(nextTimeOfDay(now, 'America/Los_Angeles', '09:00'))).toBe('2026-06-01T16:00:00.000Z');
  });

  it('adds calendar months in the member zone, clamping to the month end', () => {
    // 31 January 10:00 Shanghai + 1 month = 28 February 10:00 (2026 is not a leap year)
    const jan31 = Date.parse('2026-01-31T02:00:00Z');
    expect(iso(addMonths(jan31, 'Asia/Shanghai', 1))).toBe('2026-02-28T02:00:00.000Z');
    expect(iso(addMonths(Date.parse('2028-01-31T02:00:00Z'), 'Asia/Shanghai', 1))).toBe(
      '2028-02-29T02:00:00.000Z',
    );
    expect(iso(addMonths(jan31, 'Asia/Shanghai', 12))).toBe('2027-01-31T02:00:00.000Z');
    // across DST in Berlin: 10:00 CET in February → 10:00 CEST in April
    const feb = Date.parse('2026-02-15T09:00:00Z');
    expect(wallTime(addMonths(feb, 'Europe/Berlin', 2), 'Europe/Berlin')).toMatchObject({
      month: 4,
      day: 15,
      hour: 10,
    });
  });

  it('tells whether a moment is in a daily window, also one across midnight', () => {
    const at = (h: number) => Date.UTC(2026, 0, 1, h - 8); // hour h in Shanghai
    expect(inDailyWindow(at(22), 'Asia/Shanghai', '21:00', '09:00')).toBe(true);
    expect(inDailyWindow(at(3), 'Asia/Shanghai', '21:00', '09:00')).toBe(true);
    expect(inDailyWindow(at(9), 'Asia/Shanghai', '21:00', '09:00')).toBe(false);
    expect(inDailyWindow(at(12), 'Asia/Shanghai', '21:00', '09:00')).toBe(false);
    expect(inDailyWindow(at(13), 'Asia/Shanghai', '12:00', '14:00')).toBe(true);
  });
});
