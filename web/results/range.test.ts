import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { daysOf, rangeProblem, todayIn } from './range';

describe('date ranges', () => {
  it('tells today in the workspace time zone, not the browser’s', () => {
    const at = new Date('2026-12-07T23:40:00Z');
    expect(todayIn('Asia/Shanghai', at).format('YYYY-MM-DD')).toBe('2026-12-08');
    expect(todayIn('America/Los_Angeles', at).format('YYYY-MM-DD')).toBe('2026-12-07');
  });

  it('takes exactly two years and refuses a day more, or a reversed range', () => {
    expect(rangeProblem(dayjs('2024-12-07'), dayjs('2026-12-07'))).toBeNull();
    expect(rangeProblem(dayjs('2024-12-07'), dayjs('2026-12-08'))).toBe('too_long');
    expect(rangeProblem(dayjs('2026-12-07'), dayjs('2026-12-06'))).toBe('reversed');
    expect(rangeProblem(dayjs('2026-12-07'), dayjs('2026-12-07'))).toBeNull();
  });

  it('lists every day of a range, across a month end', () => {
    expect(daysOf({ from: '2026-11-29', to: '2026-12-02' })).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });
});
