import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { CouponKind, CouponTemplateRow } from '../../db/tables/coupon.table.js';
import { couponWords } from './coupon-words.js';

type Db = Kysely<Database>;

/** A coupon template as the API answers it: its terms in words, and issued / redeemed / remaining. */
export interface CouponTemplateView {
  id: string;
  name: string;
  kind: CouponKind;
  /** yuan off, or the rate paid for a discount (0.8) */
  value: number;
  threshold: number | null;
  /** 「满 199 减 20」, 「直减 20 元」, 「8 折」 */
  words: { zh: string; en: string };
  validDays: number;
  /** null: unlimited */
  stock: number | null;
  issued: number;
  redeemed: number;
  /** null: unlimited */
  remaining: number | null;
  status: 'active' | 'stopped';
  stoppedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function couponTemplateView(row: CouponTemplateRow): CouponTemplateView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    value: row.value,
    threshold: row.threshold,
    words: { zh: couponWords(row, 'zh'), en: couponWords(row, 'en') },
    validDays: row.valid_days,
    stock: row.stock,
    issued: row.issued,
    redeemed: row.redeemed,
    remaining: row.stock === null ? null : Math.max(0, row.stock - row.issued),
    status: row.status,
    stoppedAt: row.stopped_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewCouponTemplate {
  name: string;
  kind: CouponKind;
  value: number;
  threshold?: number | null;
  validDays: number;
  stock?: number | null;
}

export async function listCouponTemplates(db: Db, workspaceId: string, status?: 'active' | 'stopped') {
  let q = db.selectFrom('coupon_templates').selectAll().where('workspace_id', '=', workspaceId);
  if (status) q = q.where('status', '=', status);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(1000).execute();
}

export function findCouponTemplate(db: Db, workspaceId: string, id: string) {
  return db
    .selectFrom('coupon_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function insertCouponTemplate(db: Db, workspaceId: string, t: NewCouponTemplate) {
  return db
    .insertInto('coupon_templates')
    .values({
      workspace_id: workspaceId,
      name: t.name,
      kind: t.kind,
      value: t.value,
      threshold: t.kind === 'threshold' ? (t.threshold ?? null) : null,
      valid_days: t.validDays,
      stock: t.stock ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type TemplateChange =
  | { ok: true; row: CouponTemplateRow }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'stock_below_issued'; issued: number };

/**
 * Name, validity and stock of a template. Its kind and value are not changed: coupons already issued carry
 * its terms (a new offer is a new template). Stock is topped up by `addStock` or set by `stock` (null:
 * unlimited), never below what was already issued; the row is locked so a concurrent issue cannot slip under.
 */
export async function updateCouponTemplate(
  trx: Db,
  workspaceId: string,
  id: string,
  change: { name?: string; validDays?: number; stock?: number | null; addStock?: number },
): Promise<TemplateChange> {
  const row = await trx
    .selectFrom('coupon_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  let stock = change.stock === undefined ? row.stock : change.stock;
  if (change.addStock) stock = stock === null ? null : stock + change.addStock;
  if (stock !== null && stock < row.issued)
    return { ok: false, reason: 'stock_below_issued', issued: row.issued };
  const updated = await trx
    .updateTable('coupon_templates')
    .set({
      name: change.name ?? row.name,
      valid_days: change.validDays ?? row.valid_days,
      stock,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ok: true, row: updated };
}

/** Stop issuing (coupons already issued stay redeemable) or start again. */
export function setCouponTemplateStatus(
  trx: Db,
  workspaceId: string,
  id: string,
  status: 'active' | 'stopped',
) {
  return trx
    .updateTable('coupon_templates')
    .set({ status, stopped_at: status === 'stopped' ? sql`now()` : null, updated_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export interface RedeemedCoupon {
  code: string;
  orderId: string;
  redeemedAt: Date;
  templateId: string;
  templateName: string;
  words: { zh: string; en: string };
  /** the member's external id */
  memberId: string;
  journeyId: string | null;
  nodeId: string | null;
  /** this call found the coupon already redeemed by the same order (a retry) */
  repeated: boolean;
}

export type Redemption =
  | { ok: true; coupon: RedeemedCoupon }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'other_order'; redeemedAt: Date }
  | { ok: false; reason: 'expired'; expiresAt: Date }
  | { ok: false; reason: 'below_threshold'; threshold: number };

/**
 * Redeem a coupon for an order, exactly once: the coupon row is locked, a second call with the same order
 * answers what the first did, another order is refused. The template's redeemed count moves in the same
 * transaction.
 */
export async function redeemCoupon(
  db: Db,
  workspaceId: string,
  code: string,
  order: { orderId: string; amount?: number },
  now = new Date(),
): Promise<Redemption> {
  return db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom('coupons as x')
      .innerJoin('coupon_templates as t', 't.id', 'x.template_id')
      .innerJoin('members as m', 'm.id', 'x.member_id')
      .select([
        'x.id',
        'x.code',
        'x.status',
        'x.expires_at',
        'x.redeemed_at',
        'x.redeemed_order_id',
        'x.journey_id',
        'x.node_id',
        't.id as templateId',
        't.name as templateName',
        't.kind',
        't.value',
        't.threshold',
        'm.external_id as memberId',
      ])
      .where('x.workspace_id', '=', workspaceId)
      .where('x.code', '=', code)
      .forUpdate('x')
      .executeTakeFirst();
    if (!c) return { ok: false, reason: 'not_found' };
    const view = (orderId: string, redeemedAt: Date, repeated: boolean): Redemption => ({
      ok: true,
      coupon: {
        code: c.code,
        orderId,
        redeemedAt,
        templateId: c.templateId,
        templateName: c.templateName,
        words: { zh: couponWords(c, 'zh'), en: couponWords(c, 'en') },
        memberId: c.memberId,
        journeyId: c.journey_id,
        nodeId: c.node_id,
        repeated,
      },
    });
    if (c.status === 'redeemed' && c.redeemed_at) {
      return c.redeemed_order_id === order.orderId
        ? view(order.orderId, c.redeemed_at, true)
        : { ok: false, reason: 'other_order', redeemedAt: c.redeemed_at };
    }
    if (c.expires_at && c.expires_at.getTime() <= now.getTime())
      return { ok: false, reason: 'expired', expiresAt: c.expires_at };
    if (c.kind === 'threshold' && order.amount !== undefined && order.amount < (c.threshold ?? 0))
      return { ok: false, reason: 'below_threshold', threshold: c.threshold ?? 0 };
    await trx
      .updateTable('coupons')
      .set({ status: 'redeemed', redeemed_at: now, redeemed_order_id: order.orderId })
      .where('id', '=', c.id)
      .execute();
    await trx
      .updateTable('coupon_templates')
      .set({ redeemed: sql`redeemed + 1` })
      .where('id', '=', c.templateId)
      .execute();
    return view(order.orderId, now, false);
  });
}
