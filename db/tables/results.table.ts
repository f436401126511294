import type { ColumnType, Generated } from 'kysely';
import type { Json } from './workspace.table.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A run's conversion: at most one per run (engine/results/conversions.ts writes it). */
export interface ConversionTable {
  run_id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  member_id: string;
  /** split node id → the variant the run took there */
  variants: Json<Record<string, string>>;
  held_out: boolean;
  entered_at: Timestamp;
  /** the run's entry day in the workspace's time zone: conversions are counted on their cohort's day */
  day: ColumnType<string, string, string>;
  converted_at: Timestamp;
  /** the goal's value in 分 (0 when the event had none); bigint, read as a number */
  value_fen: ColumnType<number, number | string | bigint, never>;
  has_value: boolean;
  event_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** Kept by triggers (db/migrations/0017); sum over shards. numeric columns are read as decimal strings. */
export interface JourneyDailyResultTable {
  journey_id: string;
  version: number;
  day: ColumnType<string, string, string>;
  split_node_id: string;
  variant: string;
  shard: number;
  entered: number;
  converted: number;
  revenue_fen: string;
  revenue_sq: string;
  no_value: number;
}

export interface JourneyNodeCountTable {
  journey_id: string;
  version: number;
  node_id: string;
  /** passed (key: output) · skipped, deferred (key: reason) · ended (key: why) · waiting · failed · converted_downstream */
  metric: string;
  key: string;
  shard: number;
  n: number;
}

export interface SplitDecisionTable {
  id: Generated<number>;
  workspace_id: string;
  journey_id: string;
  node_id: string;
  variant: string;
  decided_by: 'auto' | 'manual';
  /** `user:<id>` of a marketer's pick; null for the auto-winner */
  actor: string | null;
  numbers: Json<Record<string, unknown>>;
  decided_at: ColumnType<Date, Date | string | undefined, never>;
  cleared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cleared_by: string | null;
}
