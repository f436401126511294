import { describe, expect, it } from 'vitest';
import type { LeafRule, SegmentRule } from '../api/types';
import { leafInWords, rulesInWords } from './rule-words';

const names: Record<string, string> = { 'a0000000-0000-4000-8000-000000000001': 'VIP 会员' };
const ctx = { segmentName: (id: string) => names[id] };
const VIP = 'a0000000-0000-4000-8000-000000000001';

// every kind and operator the engine's rule schema has (engine/segments/rules.ts), with its Chinese words
const cases: [LeafRule, string][] = [
  [{ kind: 'tag', op: 'has', tag: 'vip' }, '有标签「vip」'],
  [{ kind: 'tag', op: 'has_not', tag: 'vip' }, '没有标签「vip」'],
  [{ kind: 'attribute', key: 'city', op: 'eq', value: '上海' }, 'city 等于 “上海”'],
  [{ kind: 'attribute', key: 'city', op: 'neq', value: '上海' }, 'city 不等于 “上海”'],
  [{ kind: 'attribute', key: 'level', op: 'gt', value: 2 }, 'level 大于 2'],
  [{ kind: 'attribute', key: 'level', op: 'gte', value: 2 }, 'level 大于等于 2'],
  [{ kind: 'attribute', key: 'level', op: 'lt', value: 2 }, 'level 小于 2'],
  [{ kind: 'attribute', key: 'level', op: 'lte', value: 2 }, 'level 小于等于 2'],
  [{ kind: 'attribute', key: 'note', op: 'contains', value: '孕' }, 'note 包含 “孕”'],
  [{ kind: 'attribute', key: 'wecom', op: 'exists' }, 'wecom 有值'],
  [{ kind: 'attribute', key: 'vip', op: 'eq', value: true }, 'vip 等于 true'],
  [{ kind: 'attribute_date', key: 'expires', op: 'within_next_days', days: 30 }, 'expires 在未来 30 天内'],
  [{ kind: 'attribute_date', key: 'paid', op: 'within_last_days', days: 7 }, 'paid 在过去 7 天内'],
  [{ kind: 'attribute_date', key: 'paid', op: 'more_than_days_ago', days: 60 }, 'paid 早于 60 天前'],
  [
    { kind: 'attribute_date', key: 'birthday', op: 'anniversary_within_days', days: 7 },
    'birthday 的周年日在未来 7 天内',
  ],
  [{ kind: 'consent', channel: 'sms', value: true }, '同意接收短信'],
  [{ kind: 'consent', channel: 'wecom', value: false }, '不接收企业微信（已退订）'],
  [
    { kind: 'event_count', event: 'order_paid', days: 30, op: 'gte', value: 3 },
    '近 30 天 order_paid 次数 ≥ 3',
  ],
  [
    { kind: 'event_count', event: 'order_paid', days: 30, op: 'gt', value: 3 },
    '近 30 天 order_paid 次数 > 3',
  ],
  [{ kind: 'event_count', event: 'app_open', days: 7, op: 'lte', value: 1 }, '近 7 天 app_open 次数 ≤ 1'],
  [{ kind: 'event_count', event: 'app_open', days: 7, op: 'lt', value: 1 }, '近 7 天 app_open 次数 < 1'],
  [{ kind: 'event_count', event: 'app_open', days: 7, op: 'eq', value: 0 }, '近 7 天 app_open 次数 = 0'],
  [
    {
      kind: 'event_count',
      event: 'order_paid',
      days: 30,
      op: 'gte',
      value: 1,
      where: [
        { property: 'amount', op: 'gte', value: 100 },
        { property: 'coupon', op: 'exists' },
      ],
    },
    '近 30 天 order_paid（amount 大于等于 100，coupon 有值） 次数 ≥ 1',
  ],
  [
    { kind: 'event_sum', event: 'order_paid', property: 'amount', days: 90, op: 'gte', value: 500 },
    '近 90 天 order_paid 的 amount 合计 ≥ 500',
  ],
  [
    {
      kind: 'event_sum',
      event: 'order_paid',
      property: 'amount',
      days: 90,
      op: 'lt',
      value: 50,
      where: [{ property: 'store', op: 'eq', value: '线上' }],
    },
    '近 90 天 order_paid（store 等于 “线上”） 的 amount 合计 < 50',
  ],
  [{ kind: 'last_event', event: 'order_paid', op: 'within_days', days: 7 }, '近 7 天内发生过 order_paid'],
  [
    { kind: 'last_event', event: 'order_paid', op: 'none_within_days', days: 90 },
    '近 90 天未发生 order_paid',
  ],
  [
    { kind: 'last_event', event: 'order_paid', op: 'more_than_days_ago', days: 90 },
    '最近一次 order_paid 超过 90 天前',
  ],
  [{ kind: 'last_event', event: 'order_paid', op: 'never' }, '从未发生 order_paid'],
  [{ kind: 'last_event', event: 'order_paid', op: 'ever' }, '发生过 order_paid'],
  [{ kind: 'registered', op: 'more_than_days_ago', days: 7 }, '注册超过 7 天'],
  [{ kind: 'registered', op: 'within_days', days: 7 }, '近 7 天内注册'],
  [{ kind: 'segment', op: 'in', segmentId: VIP }, '属于人群「VIP 会员」'],
  [{ kind: 'segment', op: 'not_in', segmentId: VIP }, '不属于人群「VIP 会员」'],
];

describe('rule words', () => {
  it.each(cases)('%j reads %s', (rule, words) => {
    expect(leafInWords(rule, ctx)).toBe(words);
  });

  it('says so when an audience it refers to is unknown (deleted, or not loaded)', () => {
    expect(leafInWords({ kind: 'segment', op: 'in', segmentId: VIP })).toBe('属于人群（未知人群）');
  });

  it('marks a missing day count instead of printing undefined', () => {
    expect(leafInWords({ kind: 'last_event', event: 'x', op: 'within_days' })).toBe('近 ? 天内发生过 x');
  });

  it('joins groups with 且 / 或 and brackets inner groups', () => {
    const rule: SegmentRule = {
      kind: 'all',
      rules: [
        { kind: 'registered', op: 'more_than_days_ago', days: 7 },
        {
          kind: 'any',
          rules: [
            { kind: 'last_event', event: 'order_paid', op: 'never' },
            { kind: 'tag', op: 'has', tag: 'lapsed' },
          ],
        },
      ],
    };
    expect(rulesInWords(rule)).toBe('注册超过 7 天 且 （从未发生 order_paid 或 有标签「lapsed」）');
  });

  it('reads a one-rule group as its rule, and an empty group as empty', () => {
    expect(
      rulesInWords({
        kind: 'all',
        rules: [{ kind: 'last_event', event: 'order_paid', op: 'more_than_days_ago', days: 90 }],
      }),
    ).toBe('最近一次 order_paid 超过 90 天前');
    expect(rulesInWords({ kind: 'any', rules: [] })).toBe('（空条件组）');
  });

  it('speaks English when asked', () => {
    expect(
      rulesInWords(
        {
          kind: 'any',
          rules: [
            { kind: 'event_sum', event: 'order_paid', property: 'amount', days: 90, op: 'gte', value: 500 },
            { kind: 'consent', channel: 'sms', value: false },
          ],
        },
        { lang: 'en' },
      ),
    ).toBe('total amount of order_paid ≥ 500 in the last 90 days or opted out of SMS');
  });
});
