import { describe, expect, it } from 'vitest';
import { couponWords, discountTenths } from './coupon-words.js';

describe('coupon words', () => {
  it('writes 满减 with its threshold', () => {
    expect(couponWords({ kind: 'threshold', value: 20, threshold: 199 })).toBe('满 199 减 20');
    expect(couponWords({ kind: 'threshold', value: 20, threshold: 199 }, 'en')).toBe(
      '¥20 off orders of ¥199+',
    );
  });
  it('writes 直减 in yuan', () => {
    expect(couponWords({ kind: 'amount', value: 20 })).toBe('直减 20 元');
    expect(couponWords({ kind: 'amount', value: 9.9 })).toBe('直减 9.9 元');
  });
  it('writes a discount as 折, never as a percentage off', () => {
    expect(couponWords({ kind: 'discount', value: 0.8 })).toBe('8 折');
    expect(couponWords({ kind: 'discount', value: 0.85 })).toBe('8.5 折');
    expect(couponWords({ kind: 'discount', value: 0.88 })).toBe('8.8 折');
    expect(couponWords({ kind: 'discount', value: 0.8 }, 'en')).toBe('8 折 (pay 80%)');
    expect(couponWords({ kind: 'discount', value: 0.8 })).not.toMatch(/%|减/);
  });
  it('keeps float noise out of the tenths', () => {
    expect(discountTenths(0.7)).toBe('7');
    expect(discountTenths(0.95)).toBe('9.5');
    expect(discountTenths(0.333)).toBe('3.33');
  });
});
