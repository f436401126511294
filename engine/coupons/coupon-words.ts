import type { CouponKind } from '../../db/tables/coupon.table.js';

/** What a coupon template is worth, as stored. */
export interface CouponTerms {
  kind: CouponKind;
  /** yuan off (`amount`, `threshold`), or the rate paid (`discount`: 0.8) */
  value: number;
  threshold?: number | null;
}

/** 0.8 → "8", 0.85 → "8.5", 0.95 → "9.5": the number before 折 (a rate has at most two decimals that matter). */
export function discountTenths(rate: number): string {
  return String(Math.round(rate * 1000) / 100);
}

const yuan = (n: number) => String(Math.round(n * 100) / 100);

/**
 * A coupon in the words a shopper reads: 「满 199 减 20」, 「直减 20 元」, 「8 折」 — never a percentage off
 * (the issue saw 折扣 80 read 「减 80%」). Messages can use it as `{{coupon.words}}`.
 *
 * @example couponWords({ kind: 'discount', value: 0.8 }, 'zh') // '8 折'
 */
export function couponWords(t: CouponTerms, lang: 'zh' | 'en' = 'zh'): string {
  switch (t.kind) {
    case 'threshold':
      return lang === 'zh'
        ? `满 ${yuan(t.threshold ?? 0)} 减 ${yuan(t.value)}`
        : `¥${yuan(t.value)} off orders of ¥${yuan(t.threshold ?? 0)}+`;
    case 'discount':
      return lang === 'zh'
        ? `${discountTenths(t.value)} 折`
        : `${discountTenths(t.value)} 折 (pay ${yuan(t.value * 100)}%)`;
    default:
      return lang === 'zh' ? `直减 ${yuan(t.value)} 元` : `¥${yuan(t.value)} off`;
  }
}
