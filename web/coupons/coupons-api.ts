import { request } from '../api/client';
import type { CouponTemplate } from '../api/types';

const enc = encodeURIComponent;

/** What the coupon form sends: 直减 `amount`, 满减 `threshold` (+ threshold), 折扣 `discount` (the rate paid, 0.8). */
export interface CouponTemplateInput {
  name: string;
  kind: CouponTemplate['kind'];
  value: number;
  threshold?: number | null;
  validDays: number;
  stock?: number | null;
}

export interface CouponTemplatePatch {
  name?: string;
  validDays?: number;
  stock?: number | null;
  addStock?: number;
}

export const couponsApi = {
  list: (status?: 'active' | 'stopped') =>
    request<{ couponTemplates: CouponTemplate[] }>(
      'GET',
      `/coupon-templates${status ? `?status=${status}` : ''}`,
    ).then((r) => r.couponTemplates),
  create: (input: CouponTemplateInput) =>
    request<{ couponTemplate: CouponTemplate }>('POST', '/coupon-templates', input).then(
      (r) => r.couponTemplate,
    ),
  update: (id: string, patch: CouponTemplatePatch) =>
    request<{ couponTemplate: CouponTemplate }>('PUT', `/coupon-templates/${enc(id)}`, patch).then(
      (r) => r.couponTemplate,
    ),
  setStopped: (id: string, stopped: boolean) =>
    request<{ couponTemplate: CouponTemplate }>(
      'POST',
      `/coupon-templates/${enc(id)}/${stopped ? 'stop' : 'resume'}`,
      {},
    ).then((r) => r.couponTemplate),
};
