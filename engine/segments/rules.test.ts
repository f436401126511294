import { describe, expect, it } from 'vitest';
import { compareFact } from './compare.js';
import { evaluateRule, type SegmentFacts } from './evaluate.js';
import { analyzeRule, findCycle, ruleProblems, type SegmentRule, segmentRule } from './rules.js';

const DAY = 86_400_000;
// 2026-06-15 12:00 in Shanghai
const NOW = Date.parse('2026-06-15T04:00:00Z');
const facts = (over: Partial<SegmentFacts> = {}): SegmentFacts => ({
  now: NOW,
  timezone: 'Asia/Shanghai',
  tags: ['vip'],
  attributes: {
    level: 3,
    city: '上海',
    interests: ['tea', 'wine'],
    birthday: '1990-06-20',
    expires_at: '2026-07-01',
  },
  consent: { sms: false },
  registeredAt: NOW - 10 * DAY,
  events: {
    order_paid: [
      { at: NOW - 2 * DAY, properties: { amount: 300 } },
      { at: NOW - 10 * DAY, properties: { amount: '250' } },
      { at: NOW - 40 * DAY, properties: { amount: 1000 } },
    ],
  },
  lastAt: { order_paid: NOW - 2 * DAY, app_open: null },
  segments: ['s1'],
  ...over,
});
const ok = (rule: SegmentRule, f = facts()) => evaluateRule(rule, f);

describe('audience rules, operator by operator (in memory)', () => {
  it('tags', () => {
    expect(ok({ kind: 'tag', op: 'has', tag: 'vip' })).toBe(true);
    expect(ok({ kind: 'tag', op: 'has_not', tag: 'vip' })).toBe(false);
    expect(ok({ kind: 'tag', op: 'has_not', tag: 'lost' })).toBe(true);
  });

  it('attributes with every comparison, typed by the value', () => {
    expect(ok({ kind: 'attribute', key: 'level', op: 'gte', value: 3 })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'level', op: 'gt', value: 3 })).toBe(false);
    expect(ok({ kind: 'attribute', key: 'level', op: 'lt', value: 4 })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'level', op: 'lte', value: 2 })).toBe(false);
    expect(ok({ kind: 'attribute', key: 'level', op: 'eq', value: '3' })).toBe(true); // text "3" = "3"
    expect(ok({ kind: 'attribute', key: 'city', op: 'neq', value: '北京' })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'city', op: 'contains', value: '上' })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'interests', op: 'contains', value: 'tea' })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'nothing', op: 'exists' })).toBe(false);
    expect(ok({ kind: 'attribute', key: 'nothing', op: 'neq', value: 1 })).toBe(true);
    expect(ok({ kind: 'attribute', key: 'nothing', op: 'eq', value: 1 })).toBe(false);
  });

  it('compares facts predictably: decimal strings as numbers, no prototype keys', () => {
    expect(compareFact(' 12.5 ', 'gt', 12)).toBe(true);
    expect(compareFact('0x10', 'eq', 16)).toBe(false); // not a decimal
    expect(compareFact('true', 'eq', true)).toBe(true);
    expect(compareFact({ a: 1 }, 'eq', 'x')).toBe(false);
    expect(compareFact('', 'exists', undefined)).toBe(false);
  });

  it('dates: upcoming birthday, expiry soon, long ago', () => {
    expect(ok({ kind: 'attribute_date', key: 'birthday', op: 'anniversary_within_days', days: 7 })).toBe(
      true,
    );
    expect(ok({ kind: 'attribute_date', key: 'birthday', op: 'anniversary_within_days', days: 3 })).toBe(
      false,
    );
    expect(ok({ kind: 'attribute_date', key: 'expires_at', op: 'within_next_days', days: 30 })).toBe(true);
    expect(ok({ kind: 'attribute_date', key: 'expires_at', op: 'within_last_days', days: 30 })).toBe(false);
    expect(ok({ kind: 'attribute_date', key: 'birthday', op: 'more_than_days_ago', days: 365 })).toBe(true);
    expect(ok({ kind: 'attribute_date', key: 'city', op: 'more_than_days_ago', days: 1 })).toBe(false); // not a date
  });

  it('consent per channel', () => {
    expect(ok({ kind: 'consent', channel: 'sms', value: false })).toBe(true);
    expect(ok({ kind: 'consent', channel: 'email', value: true })).toBe(true);
  });

  it('event counts and sums within a window, with property filters', () => {
    expect(ok({ kind: 'event_count', event: 'order_paid', days: 30, op: 'gte', value: 2 })).toBe(true);
    expect(ok({ kind: 'event_count', event: 'order_paid', days: 30, op: 'gte', value: 3 })).toBe(false);
    expect(ok({ kind: 'event_count', event: 'order_paid', days: 90, op: 'eq', value: 3 })).toBe(true);
    expect(
      ok({
        kind: 'event_count',
        event: 'order_paid',
        days: 30,
        op: 'eq',
        value: 1,
        where: [{ property: 'amount', op: 'gt', value: 260 }],
      }),
    ).toBe(true);
    expect(
      ok({ kind: 'event_sum', event: 'order_paid', property: 'amount', days: 30, op: 'gte', value: 550 }),
    ).toBe(true);
    expect(
      ok({ kind: 'event_sum', event: 'order_paid', property: 'amount', days: 30, op: 'gt', value: 550 }),
    ).toBe(false);
    expect(ok({ kind: 'event_count', event: 'app_open', days: 30, op: 'eq', value: 0 })).toBe(true);
  });

  it('the last time of an event: within, none within (never included), more than N days ago, never, ever', () => {
    expect(ok({ kind: 'last_event', event: 'order_paid', op: 'within_days', days: 7 })).toBe(true);
    expect(ok({ kind: 'last_event', event: 'order_paid', op: 'none_within_days', days: 1 })).toBe(true);
    expect(ok({ kind: 'last_event', event: 'app_open', op: 'none_within_days', days: 90 })).toBe(true);
    expect(ok({ kind: 'last_event', event: 'app_open', op: 'more_than_days_ago', days: 90 })).toBe(false);
    expect(ok({ kind: 'last_event', event: 'app_open', op: 'never' })).toBe(true);
    expect(ok({ kind: 'last_event', event: 'order_paid', op: 'ever' })).toBe(true);
  });

  it('registration age and other audiences, in groups', () => {
    expect(ok({ kind: 'registered', op: 'more_than_days_ago', days: 7 })).toBe(true);
    expect(ok({ kind: 'registered', op: 'within_days', days: 7 })).toBe(false);
    expect(ok({ kind: 'segment', op: 'in', segmentId: 's1' })).toBe(true);
    expect(
      ok({
        kind: 'any',
        rules: [
          { kind: 'tag', op: 'has', tag: 'lost' },
          {
            kind: 'all',
            rules: [
              { kind: 'tag', op: 'has', tag: 'vip' },
              { kind: 'segment', op: 'not_in', segmentId: 's2' },
            ],
          },
        ],
      }),
    ).toBe(true);
  });
});

describe('audience rule checks', () => {
  it('refuses a window of 0 days and an unknown operator, with the path', () => {
    const r = segmentRule.safeParse({
      kind: 'all',
      rules: [
        { kind: 'tag', op: 'has', tag: 'x' },
        { kind: 'event_count', event: 'order_paid', days: 0, op: 'gte', value: 1 },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['rules', 1, 'days']);
    expect(
      segmentRule.safeParse({ kind: 'attribute', key: 'x', op: 'about', value: 1 }).error!.issues[0].path,
    ).toEqual(['op']);
  });

  it('asks for what the schema cannot: a comparison value, a window for last-event rules, depth', () => {
    expect(
      ruleProblems({
        kind: 'any',
        rules: [
          { kind: 'attribute', key: 'x', op: 'eq' },
          { kind: 'last_event', event: 'o', op: 'within_days' },
        ],
      }),
    ).toEqual([
      { field: 'rule.rules.0.value', message: 'a value is needed for this comparison' },
      { field: 'rule.rules.1.days', message: 'say how many days' },
    ]);
    let deep: SegmentRule = { kind: 'tag', op: 'has', tag: 'x' };
    for (let i = 0; i < 7; i++) deep = { kind: 'all', rules: [deep] };
    expect(ruleProblems(deep)[0].message).toContain('nest at most');
  });

  it('knows what can change membership', () => {
    expect(
      analyzeRule({
        kind: 'all',
        rules: [
          { kind: 'last_event', event: 'order_paid', op: 'none_within_days', days: 90 },
          { kind: 'tag', op: 'has', tag: 'vip' },
          { kind: 'segment', op: 'in', segmentId: 'b' },
        ],
      }),
    ).toEqual({ timeBased: true, eventNames: ['order_paid'], memberFields: true, dependsOn: ['b'] });
    expect(analyzeRule({ kind: 'last_event', event: 'order_paid', op: 'never' }).timeBased).toBe(false);
  });

  it('finds an audience that contains itself through others', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: [] };
    expect(findCycle('a', (x) => deps[x] ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle('d', (x) => deps[x] ?? [])).toBeNull();
  });
});
