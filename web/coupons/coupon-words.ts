import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import type { CouponTemplate } from '../api/types';

/**
 * 「8 折」 as typed into the form → the rate the server stores (0.8). A number below 1 is taken as the rate
 * itself (0.8), one from 1 up as 折 (8, 8.5); anything that is not a discount (0, 10 and more, three
 * decimals of a rate) is undefined.
 */
export function discountRate(zhe: number | null | undefined): number | undefined {
  if (typeof zhe !== 'number' || !Number.isFinite(zhe) || zhe <= 0 || zhe >= 10) return undefined;
  const rate = zhe < 1 ? zhe : zhe / 10;
  const hundredths = Math.round(rate * 100);
  if (Math.abs(rate * 100 - hundredths) > 1e-6 || hundredths <= 0 || hundredths >= 100) return undefined;
  return hundredths / 100;
}

const num = (n: number) => String(Math.round(n * 100) / 100);

/**
 * Terms in words while the form is filled in (a saved template's words come from the server, `words`):
 * 「满 199 减 20」, 「直减 20 元」, 「8 折」. Empty while a needed number is missing.
 */
export function termsText(
  t: TFunction,
  terms: { kind: CouponTemplate['kind']; value?: number | null; threshold?: number | null },
): string {
  const { kind, value, threshold } = terms;
  if (!value) return '';
  if (kind === 'threshold')
    return threshold ? t('coupon.words.threshold', { threshold: num(threshold), value: num(value) }) : '';
  if (kind === 'discount') return t('coupon.words.discount', { zhe: num(value * 10) });
  return t('coupon.words.amount', { value: num(value) });
}

/** A coupon API refusal in the marketer's words, by the field the server names. */
export function couponErrorText(t: TFunction, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403) return t('coupon.error.forbidden');
    if (e.field && ['value', 'threshold', 'stock', 'addStock', 'name', 'validDays'].includes(e.field))
      return t(`coupon.error.${e.field}`);
    if (e.code === 'not_found') return t('coupon.error.notFound');
  }
  return t('coupon.error.other', { message: (e as Error).message });
}
