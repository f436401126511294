import { describe, expect, it } from 'vitest';
import { parseGoalValue, readProperty } from './goal-value.js';

const fen = (raw: unknown) => {
  const v = parseGoalValue(raw);
  return v.kind === 'value' ? v.fen : v.kind;
};

describe('goal value in 分', () => {
  it('reads numbers and numeric strings exactly, without float drift', () => {
    expect(fen(199.9)).toBe(19990n);
    expect(fen(0.29)).toBe(29n);
    expect(fen('0.29')).toBe(29n);
    expect(fen('1,000')).toBe('none');
    expect(fen(' 88 ')).toBe(8800n);
    expect(fen('-12.5')).toBe(-1250n);
    expect(fen(0)).toBe(0n);
  });

  it('rounds a third decimal half away from zero', () => {
    expect(fen('1.005')).toBe(101n);
    expect(fen('1.004')).toBe(100n);
    expect(fen('-1.005')).toBe(-101n);
  });

  it('missing or not a number is no value', () => {
    for (const raw of [undefined, null, '', 'abc', true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, '1e5'])
      expect(fen(raw)).toBe('none');
  });

  it('past a bigint of 分 is an overflow', () => {
    expect(fen('92233720368547758.07')).toBe(9_223_372_036_854_775_807n);
    expect(fen('92233720368547758.08')).toBe('overflow');
    expect(fen(1e17)).toBe('overflow');
    expect(fen(1e300)).toBe('overflow');
  });

  it('reads nested properties by a dotted name', () => {
    expect(readProperty({ order: { amount: 5 } }, 'order.amount')).toBe(5);
    expect(readProperty({ 'order.amount': 7 }, 'order.amount')).toBe(7);
    expect(readProperty({ order: 3 }, 'order.amount')).toBeUndefined();
  });
});
