import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Json, UpdatedAt } from './workspace.table.js';

/** A saved audience (人群): a rule tree (engine/segments/rules.ts) and what can change its membership. */
export interface SegmentTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: Generated<string>;
  rule: Json<Record<string, unknown>>;
  /** membership can change with time alone ("no order in 90 days"): the schedule re-evaluates it */
  time_based: Generated<boolean>;
  /** events whose arrival can change membership: ingest re-evaluates the member */
  event_names: ColumnType<string[], string[] | undefined, string[]>;
  /** tags, attributes or consent appear in the rule: a member update re-evaluates the member */
  member_fields: Generated<boolean>;
  /** audiences the rule refers to */
  depends_on: ColumnType<string[], string[] | undefined, string[]>;
  /** audiences seeded on first start */
  system_key: string | null;
  evaluated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One stay of a member in an audience; its id is the entry a segment trigger starts a run for. */
export interface SegmentMemberTable {
  id: Generated<string>;
  segment_id: string;
  member_id: string;
  workspace_id: string;
  entered_at: ColumnType<Date, Date | string | undefined, never>;
  left_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** when the journeys this entry triggers were entered; null until then (the schedule retries) */
  journeys_entered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Per member and event name, kept at ingest: how often, first and last time. */
export interface MemberEventStatsTable {
  member_id: string;
  name: string;
  workspace_id: string;
  count: number;
  first_at: ColumnType<Date, Date | string, Date | string>;
  last_at: ColumnType<Date, Date | string, Date | string>;
}

/** A one-off entry of a member list or an audience into a journey, paced by a workflow. */
export interface BroadcastTable {
  id: Generated<string>;
  workspace_id: string;
  journey_id: string;
  source: Json<{ kind: 'list'; count: number } | { kind: 'segment'; segmentId: string }>;
  per_minute: number;
  total: Generated<number>;
  entered: Generated<number>;
  skipped: Generated<number>;
  status: Generated<(typeof BROADCAST_STATUSES)[number]>;
  error: string | null;
  created_at: CreatedAt;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface BroadcastMemberTable {
  broadcast_id: string;
  member_id: string;
  /** null until its turn: 'entered' or the reason it was not */
  outcome: string | null;
}

/** An entry a journey refused (outside its entry window, over its hourly limit), with the reason. */
export interface EntrySkipTable {
  journey_id: string;
  member_id: string;
  workspace_id: string;
  reason: string;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export type SegmentRow = Selectable<SegmentTable>;

/** Every status a broadcast can have. */
export const BROADCAST_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
