/**
 * Wall-clock arithmetic in a member's time zone, with the platform's tz database (Intl).
 *
 * It never runs inside workflow code: deadlines computed here are computed on the worker, in activities,
 * and recorded in the run's history (see workflows/journey.workflow.ts). A replay reads them back, so it
 * cannot diverge when a worker with a newer or older tz database replays an old run. The simulator and
 * the guard stage use the same functions.
 */

export interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall time at an instant in a zone. */
export function wallTime(instant: Date | number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAY[parts.weekday] ?? 1,
  };
}

/** ms the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(t: number, timeZone: string): number {
  const w = wallTime(t, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

type Wall = Omit<WallTime, 'weekday'>;
const sameWall = (a: Wall, b: Wall) =>
  a.year === b.year &&
  a.month === b.month &&
  a.day === b.day &&
  a.hour === b.hour &&
  a.minute === b.minute &&
  a.second === b.second;

/**
 * The instant a wall time happens in a zone. When clocks go back and the wall time happens twice, the
 * first; when clocks go forward and it never happens, the wall time shifted by the gap (02:30 → 03:30).
 */
export function instantOf(w: Wall, timeZone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const before = offsetAt(asUtc - 86_400_000, timeZone);
  const after = offsetAt(asUtc + 86_400_000, timeZone);
  const candidates = [...new Set([asUtc - before, asUtc - after])].sort((a, b) => a - b);
  const valid = candidates.filter((c) => sameWall(wallTime(c, timeZone), w));
  if (valid.length) return valid[0];
  return asUtc - before; // in the gap: the offset before the change moves it past the gap
}

/** "HH:MM" or "HH:MM:SS" → [h, m, s]. */
export function parseTimeOfDay(at: string): [number, number, number] {
  const [h, m, s] = at.split(':').map(Number);
  return [h, m, s ?? 0];
}

function addDays(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoWeekday(w: Wall): number {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The next time the wall clock in `timeZone` shows `at` (strictly after `from`), on one of `weekdays`
 * (ISO, 1 = Monday) when given.
 */
export function nextTimeOfDay(
  from: Date | number,
  timeZone: string,
  at: string,
  weekdays?: number[],
): number {
  const t = new Date(from).getTime();
  const [hour, minute, second] = parseTimeOfDay(at);
  const today = wallTime(t, timeZone);
  const days = weekdays?.length ? new Set(weekdays) : null;
  for (let i = 0; i <= 8; i++) {
    const day = addDays({ ...today, hour, minute, second }, i);
    if (days && !days.has(isoWeekday(day))) continue;
    const instant = instantOf(day, timeZone);
    if (instant > t) return instant;
  }
  throw new Error(`no ${at} within 8 days in ${timeZone}`);
}

/** `months` calendar months after `from` in the zone, at the same wall time; 31 Jan + 1 month = 28/29 Feb. */
export function addMonths(from: Date | number, timeZone: string, months: number): number {
  const w = wallTime(from, timeZone);
  const whole = Math.trunc(months);
  const index = w.year * 12 + (w.month - 1) + whole;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const target = instantOf({ ...w, year, month, day: Math.min(w.day, lastDay) }, timeZone);
  // A fractional remainder (1.5 months) counts as 30-day months.
  return target + Math.round((months - whole) * 30 * 86_400_000);
}

/** Is the wall time at `instant` inside the daily window [start, end) (which may wrap past midnight)? */
export function inDailyWindow(instant: Date | number, timeZone: string, start: string, end: string): boolean {
  const w = wallTime(instant, timeZone);
  const now = w.hour * 3600 + w.minute * 60 + w.second;
  const [sh, sm, ss] = parseTimeOfDay(start);
  const [eh, em, es] = parseTimeOfDay(end);
  const s = sh * 3600 + sm * 60 + ss;
  const e = eh * 3600 + em * 60 + es;
  return s < e ? now >= s && now < e : now >= s || now < e;
}
