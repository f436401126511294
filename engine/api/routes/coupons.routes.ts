import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import {
  couponTemplateView,
  findCouponTemplate,
  insertCouponTemplate,
  listCouponTemplates,
  redeemCoupon,
  setCouponTemplateStatus,
  updateCouponTemplate,
} from '../../coupons/coupons.repository.js';
import { ingestEvent } from '../../services/events.service.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, int32, parseOrThrow, query, safeText, uuidParam } from '../validate.js';

const yuan = z.number().positive().max(1_000_000);
/** 0.85 is a rate; 0.855 is not a discount anyone prints */
const twoDecimals = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9;

const templateBody = z
  .object({
    name: safeText(100, { min: 1, trim: true, line: true }),
    /** `amount` 直减, `threshold` 满减 (needs `threshold`), `discount` 折扣 */
    kind: z.enum(['amount', 'threshold', 'discount']),
    /** yuan off for `amount` and `threshold`; for `discount` the rate paid, 0.8 for 「8 折」 */
    value: yuan,
    /** 满减: the order amount (yuan) from which `value` comes off */
    threshold: yuan.nullable().optional(),
    validDays: z.number().int().min(1).max(3650),
    /** how many may be issued; null or absent: unlimited */
    stock: int32.min(0).nullable().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'discount' && !(t.value < 1 && twoDecimals(t.value)))
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'a discount is the rate paid, between 0 and 1 with at most two decimals: 0.8 is 8 折',
      });
    if (t.kind === 'threshold' && (t.threshold == null || t.threshold <= t.value))
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: '满减 needs a threshold above the amount off (满 199 减 20)',
      });
    if (t.kind !== 'threshold' && t.threshold != null)
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'only a 满减 (threshold) coupon has a threshold',
      });
  });

const templatePatch = z
  .object({
    name: safeText(100, { min: 1, trim: true, line: true }).optional(),
    validDays: z.number().int().min(1).max(3650).optional(),
    /** set the stock (null: unlimited); never below what was already issued */
    stock: int32.min(0).nullable().optional(),
    /** top the stock up by this many */
    addStock: z.number().int().min(1).max(10_000_000).optional(),
  })
  .refine((p) => p.stock === undefined || p.addStock === undefined, {
    message: 'give stock or addStock, not both',
    path: ['addStock'],
  });

const listQuery = z.object({ status: z.enum(['active', 'stopped']).optional() });
const couponCode = safeText(64, { min: 1, trim: true, line: true });
const redeemBody = z.object({
  /** the order that used the coupon: the same order again answers the same, another order is refused */
  orderId: safeText(128, { min: 1, trim: true, line: true }),
  /** the order's amount (yuan): checked against a 满减 threshold when given */
  amount: z.number().min(0).max(100_000_000).optional(),
  occurredAt: z.coerce.date().min(new Date('2000-01-01')).max(new Date('2100-01-01')).optional(),
});

documented({
  method: 'get',
  path: '/api/coupon-templates',
  summary: 'Coupon templates with their terms in words, issued, redeemed and remaining',
  tag: 'coupons',
  query: listQuery,
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/coupon-templates',
  summary:
    'Create a coupon template: 直减 (amount), 满减 (threshold + amount) or 折扣 (discount, the rate paid: 0.8)',
  tag: 'coupons',
  body: templateBody,
  status: 201,
  permission: 'coupons.edit',
  audit: 'coupon_template.create',
});
documented({
  method: 'get',
  path: '/api/coupon-templates/:id',
  summary: 'One coupon template',
  tag: 'coupons',
  permission: 'journeys.read',
});
documented({
  method: 'put',
  path: '/api/coupon-templates/:id',
  summary:
    'Rename, change validity, set or top up the stock (kind and value stay: issued coupons carry them)',
  tag: 'coupons',
  body: templatePatch,
  permission: 'coupons.edit',
  audit: 'coupon_template.update',
});
documented({
  method: 'post',
  path: '/api/coupon-templates/:id/stop',
  summary: 'Stop issuing: coupon nodes take their 无库存 output with the reason `coupon_stopped`',
  tag: 'coupons',
  permission: 'coupons.edit',
  audit: 'coupon_template.stop',
});
documented({
  method: 'post',
  path: '/api/coupon-templates/:id/resume',
  summary: 'Issue again after a stop',
  tag: 'coupons',
  permission: 'coupons.edit',
  audit: 'coupon_template.resume',
});
documented({
  method: 'post',
  path: '/api/coupons/:code/redeem',
  summary:
    'Redeem a coupon for an order, exactly once (the same order again answers the same; another order: 409); records a `coupon_redeemed` event for the member',
  tag: 'coupons',
  body: redeemBody,
  permission: 'events.ingest',
  // member activity: the coupon row and the coupon_redeemed event are its record
  audit: false,
  rateLimit: 'ingest',
});

export function couponRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/coupon-templates', async (c) => {
    const q = query(c, listQuery);
    const rows = await listCouponTemplates(db, c.get('workspaceId'), q.status);
    return c.json({ couponTemplates: rows.map(couponTemplateView) });
  });

  app.post('/coupon-templates', async (c) => {
    const input = await body(c, templateBody);
    const row = await audited(c, db, async (trx) => {
      const created = await insertCouponTemplate(trx, c.get('workspaceId'), input);
      audit(c).target('coupon_template', created.id).detail({ name: created.name, kind: created.kind });
      return created;
    });
    return c.json({ couponTemplate: couponTemplateView(row) }, 201);
  });

  app.get('/coupon-templates/:id', async (c) => {
    const row = await findCouponTemplate(db, c.get('workspaceId'), uuidParam(c, 'id', 'coupon template'));
    if (!row) throw notFound('coupon template');
    return c.json({ couponTemplate: couponTemplateView(row) });
  });

  app.put('/coupon-templates/:id', async (c) => {
    const id = uuidParam(c, 'id', 'coupon template');
    const input = await body(c, templatePatch);
    const result = await audited(c, db, async (trx) => {
      audit(c).target('coupon_template', id).detail(input);
      return updateCouponTemplate(trx, c.get('workspaceId'), id, input);
    });
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound('coupon template');
      throw new AppError(
        'invalid_input',
        `stock: ${result.issued} are already issued; the stock cannot be less`,
        {
          field: input.addStock ? 'addStock' : 'stock',
        },
      );
    }
    return c.json({ couponTemplate: couponTemplateView(result.row) });
  });

  for (const [action, status] of [
    ['stop', 'stopped'],
    ['resume', 'active'],
  ] as const) {
    app.post(`/coupon-templates/:id/${action}`, async (c) => {
      const id = uuidParam(c, 'id', 'coupon template');
      const row = await audited(c, db, async (trx) => {
        audit(c).target('coupon_template', id);
        return setCouponTemplateStatus(trx, c.get('workspaceId'), id, status);
      });
      if (!row) throw notFound('coupon template');
      return c.json({ couponTemplate: couponTemplateView(row) });
    });
  }

  app.post('/coupons/:code/redeem', async (c) => {
    const ws = c.get('workspaceId');
    const code = parseOrThrow(couponCode, c.req.param('code'), 'code');
    const input = await body(c, redeemBody);
    const r = await redeemCoupon(db, ws, code, input);
    if (!r.ok) {
      switch (r.reason) {
        case 'not_found':
          throw notFound('coupon');
        case 'other_order':
          throw new AppError('conflict', `the coupon was already redeemed by another order`, {
            field: 'orderId',
          });
        case 'expired':
          throw new AppError('conflict', `the coupon expired at ${r.expiresAt.toISOString()}`, {
            field: 'code',
          });
        case 'below_threshold':
          throw new AppError(
            'invalid_input',
            `amount: this coupon needs an order of at least ${r.threshold}`,
            {
              field: 'amount',
            },
          );
      }
    }
    // The redemption is a member event too (a journey goal, a wait, the results report count it), stored with
    // an id derived from the coupon: a retry, or a crash between the two writes, stores it once. If a server
    // is away the event is kept and the sweeper processes it; the redemption stands either way.
    const { coupon } = r;
    const event = await ingestEvent(db, temporal, ws, {
      id: `coupon_redeemed:${coupon.code}`,
      memberId: coupon.memberId,
      name: 'coupon_redeemed',
      occurredAt: input.occurredAt && input.occurredAt < new Date() ? input.occurredAt : coupon.redeemedAt,
      properties: {
        code: coupon.code,
        orderId: coupon.orderId,
        templateId: coupon.templateId,
        templateName: coupon.templateName,
        ...(input.amount !== undefined ? { amount: input.amount } : {}),
        ...(coupon.journeyId ? { journeyId: coupon.journeyId, nodeId: coupon.nodeId } : {}),
      },
    });
    return c.json({ redeemed: true, coupon, event: { id: event.eventId, status: event.status } });
  });

  return app;
}
