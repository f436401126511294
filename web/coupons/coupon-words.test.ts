import { describe, expect, it } from 'vitest';
import { discountRate } from './coupon-words';

describe('discountRate: 「8 折」 as typed', () => {
  it('reads 折 and rates alike', () => {
    expect(discountRate(8)).toBe(0.8);
    expect(discountRate(8.5)).toBe(0.85);
    expect(discountRate(0.8)).toBe(0.8);
    expect(discountRate(0.85)).toBe(0.85);
    expect(discountRate(9.9)).toBe(0.99);
  });
  it('refuses what is not a discount (the issue’s 80 for 8 折 among them)', () => {
    for (const v of [0, 10, 80, -1, 0.005, 8.55, Number.NaN, undefined, null])
      expect(discountRate(v)).toBeUndefined();
  });
});
