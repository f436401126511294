import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Json, UpdatedAt } from './workspace.table.js';

export const JOURNEY_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/** The canvas state is the journey document: React Flow's own shape. */
export interface JourneyDocument {
  nodes: { id: string; type: string; position: { x: number; y: number }; data: Record<string, unknown> }[];
  edges: { id: string; source: string; sourceHandle?: string | null; target: string }[];
  /** journey-wide settings (goal, exit criteria, priority); may be incomplete in a draft */
  settings?: Record<string, unknown>;
}

/**
 * A compiled plan as stored. Its shape is the workflows' contract (workflows/plan.ts), which db/ does not
 * import: readers go through engine/repositories/journey.repository.ts (`versionPlan`), which upgrades and types it.
 */
export interface StoredPlan {
  planVersion: number;
  [key: string]: unknown;
}

export interface JourneyTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: Generated<string>;
  status: Generated<JourneyStatus>;
  /** the draft document; may be incomplete */
  draft: Json<JourneyDocument>;
  /** the version new members enter; null until first publish */
  current_version: number | null;
  /** true when the draft differs from the current version */
  has_unpublished_changes: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface JourneyVersionTable {
  journey_id: string;
  version: number;
  workspace_id: string;
  document: Json<JourneyDocument>;
  plan: Json<StoredPlan>;
  note: string | null;
  /** denormalized from the plan so event ingestion finds journeys by index */
  trigger_event: string | null;
  /** how members enter ('event', 'segment', 'date', 'manual'), and the audience a segment trigger watches */
  trigger_kind: string | null;
  trigger_segment_id: string | null;
  published_at: ColumnType<Date, Date | string | undefined, never>;
  /** who published it: `user:<id>` or `key:<id>` (null before accounts existed) */
  published_by: string | null;
  /** their email or key name at the time */
  published_by_name: string | null;
}

export type JourneyRow = Selectable<JourneyTable>;
export type JourneyVersionRow = Selectable<JourneyVersionTable>;

/** A member once placed in a journey's holdout group stays there on re-entry. */
export interface JourneyHoldoutTable {
  journey_id: string;
  member_id: string;
  workspace_id: string;
  run_id: string | null;
  created_at: CreatedAt;
}
