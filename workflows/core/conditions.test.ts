import { describe, expect, it } from 'vitest';
import { compare, evaluateCondition, matchesFilters } from './conditions.js';

describe('compare', () => {
  it.each([
    [5, 'eq', 5, true],
    ['5', 'eq', 5, true],
    ['gold', 'eq', 'gold', true],
    ['gold', 'neq', 'silver', true],
    [5, 'neq', 5, false],
    [10, 'gt', 9, true],
    ['10', 'gt', '9', true], // numeric, not lexical
    [10, 'gte', 10, true],
    [3, 'lt', 4, true],
    [4, 'lte', 4, true],
    [5, 'lt', 4, false],
    ['上海市', 'contains', '上海', true],
    [['a', 'b'], 'contains', 'b', true],
    [['a'], 'contains', 'c', false],
    ['x', 'exists', undefined, true],
    ['', 'exists', undefined, false],
    [undefined, 'exists', undefined, false],
    [undefined, 'eq', 1, false],
    [undefined, 'gt', 1, false],
    [undefined, 'neq', 1, true],
    [true, 'eq', 'true', true],
  ] as const)('%j %s %j → %s', (actual, op, expected, result) => {
    expect(compare(actual, op, expected)).toBe(result);
  });
});

describe('conditions', () => {
  const member = { tags: ['vip', 'new'], attributes: { level: 3, address: { city: '杭州' } } };
  it('tests tags', () => {
    expect(evaluateCondition({ kind: 'tag', op: 'has', tag: 'vip' }, member)).toBe(true);
    expect(evaluateCondition({ kind: 'tag', op: 'has_not', tag: 'vip' }, member)).toBe(false);
    expect(evaluateCondition({ kind: 'tag', op: 'has_not', tag: 'lost' }, member)).toBe(true);
  });
  it('tests nested attributes and combinations', () => {
    expect(
      evaluateCondition({ kind: 'attribute', key: 'address.city', op: 'eq', value: '杭州' }, member),
    ).toBe(true);
    expect(
      evaluateCondition(
        {
          kind: 'all',
          conditions: [
            { kind: 'attribute', key: 'level', op: 'gte', value: 3 },
            {
              kind: 'any',
              conditions: [
                { kind: 'tag', op: 'has', tag: 'x' },
                { kind: 'tag', op: 'has', tag: 'new' },
              ],
            },
          ],
        },
        member,
      ),
    ).toBe(true);
  });
  it('filters event properties', () => {
    expect(matchesFilters({ amount: 150 }, [{ property: 'amount', op: 'gte', value: 100 }])).toBe(true);
    expect(matchesFilters({ amount: 50 }, [{ property: 'amount', op: 'gte', value: 100 }])).toBe(false);
    expect(matchesFilters({}, undefined)).toBe(true);
  });
});
