import { wallTime } from '../time/local-time.js';
import { compareFact, factNumber, lookupFact } from './compare.js';
import type { SegmentRule } from './rules.js';

const DAY = 86_400_000;

/** What the in-memory evaluator knows of one member (engine/segments/facts.ts loads just what a rule needs). */
export interface SegmentFacts {
  now: number;
  /** the member's zone, else the workspace's: dates are the member's dates */
  timezone: string;
  tags: string[];
  attributes: Record<string, unknown>;
  consent: Record<string, boolean>;
  registeredAt: number;
  /** events by name, at least as far back as the longest window a rule asks about */
  events: Record<string, { at: number; properties: Record<string, unknown> }[]>;
  /** last time of each event name (member_event_stats), null: never */
  lastAt: Record<string, number | null>;
  /** audiences the member is in now */
  segments: string[];
}

/** A calendar date as days since 1970-01-01 (UTC), so dates compare and add as integers. */
function dayNumber(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / DAY;
}

/** 'YYYY-MM-DD…' → day number, or null (as the SQL function yt_date does). */
export function parseDateFact(v: unknown): { y: number; m: number; d: number; n: number } | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(5, 7));
  const d = Number(v.slice(8, 10));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return null;
  return { y, m, d, n: dayNumber(y, m, d) };
}

/** The same month and day in another year; 29 February becomes the 28th in a common year (as Postgres adds years). */
function inYear(date: { m: number; d: number }, year: number): number {
  const last = new Date(Date.UTC(year, date.m, 0)).getUTCDate();
  return dayNumber(year, date.m, Math.min(date.d, last));
}

export function evaluateRule(rule: SegmentRule, f: SegmentFacts): boolean {
  switch (rule.kind) {
    case 'all':
      return rule.rules.every((r) => evaluateRule(r, f));
    case 'any':
      return rule.rules.some((r) => evaluateRule(r, f));
    case 'tag':
      return f.tags.includes(rule.tag) === (rule.op === 'has');
    case 'attribute':
      return compareFact(lookupFact(f.attributes, rule.key), rule.op, rule.value);
    case 'attribute_date': {
      const date = parseDateFact(lookupFact(f.attributes, rule.key));
      if (!date) return false;
      const w = wallTime(f.now, f.timezone);
      const today = dayNumber(w.year, w.month, w.day);
      switch (rule.op) {
        case 'within_next_days':
          return date.n >= today && date.n <= today + rule.days;
        case 'within_last_days':
          return date.n >= today - rule.days && date.n <= today;
        case 'more_than_days_ago':
          return date.n < today - rule.days;
        case 'anniversary_within_days': {
          let next = inYear(date, w.year);
          if (next < today) next = inYear(date, w.year + 1);
          return next <= today + rule.days;
        }
      }
      return false;
    }
    case 'consent':
      return (f.consent[rule.channel] !== false) === rule.value;
    case 'event_count':
    case 'event_sum': {
      const since = f.now - rule.days * DAY;
      const matching = (f.events[rule.event] ?? []).filter(
        (e) =>
          e.at > since &&
          e.at <= f.now &&
          (rule.where ?? []).every((w) => compareFact(lookupFact(e.properties, w.property), w.op, w.value)),
      );
      const total =
        rule.kind === 'event_count'
          ? matching.length
          : matching.reduce((s, e) => s + (factNumber(lookupFact(e.properties, rule.property)) ?? 0), 0);
      return compareCount(total, rule.op, rule.value);
    }
    case 'last_event': {
      const last = f.lastAt[rule.event] ?? null;
      const since = f.now - (rule.days ?? 0) * DAY;
      switch (rule.op) {
        case 'within_days':
          return last !== null && last > since;
        case 'none_within_days':
          return last === null || last <= since;
        case 'more_than_days_ago':
          return last !== null && last <= since;
        case 'never':
          return last === null;
        case 'ever':
          return last !== null;
      }
      return false;
    }
    case 'registered': {
      const since = f.now - rule.days * DAY;
      return rule.op === 'more_than_days_ago' ? f.registeredAt < since : f.registeredAt >= since;
    }
    case 'segment':
      return f.segments.includes(rule.segmentId) === (rule.op === 'in');
  }
}

function compareCount(a: number, op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq', b: number): boolean {
  switch (op) {
    case 'gte':
      return a >= b;
    case 'gt':
      return a > b;
    case 'lte':
      return a <= b;
    case 'lt':
      return a < b;
    case 'eq':
      return a === b;
  }
}
