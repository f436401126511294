import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Json } from './workspace.table.js';

export interface CouponTemplateTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  kind: 'amount' | 'percent';
  /** yuan for `amount`, percent off for `percent` */
  value: number;
  valid_days: number;
  /** null: unlimited */
  stock: number | null;
  issued: Generated<number>;
  created_at: CreatedAt;
}

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
}

export type CouponTemplateRow = Selectable<CouponTemplateTable>;
export type CouponRow = Selectable<CouponTable>;

export interface NodeEffectTable {
  idempotency_key: string;
  workspace_id: string;
  run_id: string | null;
  node_id: string;
  result: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}
