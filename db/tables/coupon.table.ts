import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Json } from './workspace.table.js';

export interface CouponTemplateTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  /** `amount` 直减, `threshold` 满减 (value off once an order reaches `threshold`), `discount` 折扣 */
  kind: CouponKind;
  /** yuan off for `amount` and `threshold`; the rate paid for `discount` (0.8 is 「8 折」) */
  value: number;
  /** yuan an order must reach (`threshold` only) */
  threshold: number | null;
  valid_days: number;
  /** null: unlimited */
  stock: number | null;
  issued: Generated<number>;
  redeemed: Generated<number>;
  /** a stopped template issues no more coupons (those issued stay redeemable) */
  status: Generated<'active' | 'stopped'>;
  stopped_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type CouponKind = 'amount' | 'threshold' | 'discount';

export interface CouponTable {
  id: Generated<string>;
  workspace_id: string;
  template_id: string;
  member_id: string;
  run_id: string | null;
  journey_id: string | null;
  node_id: string | null;
  code: string;
  status: Generated<'issued' | 'redeemed' | 'expired'>;
  idempotency_key: string;
  issued_at: CreatedAt;
  expires_at: ColumnType<Date | null, Date | string | null, never>;
  redeemed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** the order that redeemed it: a second call with this order answers the same, another order is refused */
  redeemed_order_id: string | null;
}

export type CouponTemplateRow = Selectable<CouponTemplateTable>;
export type CouponRow = Selectable<CouponTable>;

/** How many events of a name the workspace has received, in 8 shards (a trigger adds each insert). */
export interface EventNameCountTable {
  workspace_id: string;
  name: string;
  shard: number;
  n: ColumnType<number, number, number>;
  last_at: Date;
}

export interface NodeEffectTable {
  idempotency_key: string;
  workspace_id: string;
  run_id: string | null;
  node_id: string;
  result: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}
