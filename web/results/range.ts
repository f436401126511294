import dayjs, { type Dayjs } from 'dayjs';

/** The longest range the results API answers (it refuses more with 400): two years. */
export const MAX_RANGE_YEARS = 2;

export interface DateRange {
  /** YYYY-MM-DD, inclusive */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
}

const DAY = 'YYYY-MM-DD';

/**
 * Today's date in a time zone (the workspace's, which the report counts days in): a browser in another zone
 * would otherwise offer a range that ends yesterday or tomorrow there.
 */
export function todayIn(timeZone: string | undefined, now = new Date()): Dayjs {
  try {
    return dayjs(new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(now));
  } catch {
    return dayjs(now);
  }
}

/**
 * Why a picked range cannot be asked for, or null when it can: reversed, or longer than two years (the
 * API's limit — saying so here spares a round trip and names the limit in the marketer's words).
 */
export function rangeProblem(from: Dayjs, to: Dayjs): 'reversed' | 'too_long' | null {
  if (to.isBefore(from, 'day')) return 'reversed';
  if (to.isAfter(from.add(MAX_RANGE_YEARS, 'year'), 'day')) return 'too_long';
  return null;
}

export function toRange(from: Dayjs, to: Dayjs): DateRange {
  return { from: from.format(DAY), to: to.format(DAY) };
}

/** Every day from `from` to `to`, so a chart shows days without activity as 0 rather than skipping them. */
export function daysOf(range: DateRange, maxDays = 800): string[] {
  const out: string[] = [];
  let d = dayjs(range.from);
  const end = dayjs(range.to);
  while (!d.isAfter(end, 'day') && out.length < maxDays) {
    out.push(d.format(DAY));
    d = d.add(1, 'day');
  }
  return out;
}
