import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Json, UpdatedAt } from './workspace.table.js';

/**
 * Stored run statuses. The interpreter (workflows/core/interpreter.ts) produces them; db/ imports nothing
 * above it, so this is its own copy and a type test (engine/contracts.test.ts) keeps the two equal.
 */
export type RunStatus = 'running' | 'waiting' | 'completed' | 'converted' | 'exited' | 'failed' | 'cancelled';
export type StepStatus = 'ok' | 'waiting' | 'failed' | 'skipped' | 'deferred' | 'converted' | 'exited';

export interface RunTable {
  id: Generated<string>;
  workspace_id: string;
  journey_id: string;
  version: number;
  member_id: string;
  /** 1 for the first entry of this member into this journey; part of the workflow id */
  entry_no: number;
  workflow_id: string;
  status: Generated<RunStatus>;
  current_node_id: string | null;
  /** when a timer of the run fires next (waits), for "what is next and when" */
  next_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  trigger_event_id: string | null;
  exit_reason: string | null;
  error: string | null;
  started_at: CreatedAt;
  updated_at: UpdatedAt;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RunStepTable {
  run_id: string;
  /** position in the run's path, assigned by the interpreter: a retried write is a no-op */
  seq: number;
  workspace_id: string;
  node_id: string;
  node_type: string;
  /** the output taken; null while waiting or when the step failed */
  output: string | null;
  status: StepStatus;
  /** why a step was skipped, deferred or ended the run (quiet_hours, frequency_cap, no_consent, goal…) */
  reason: string | null;
  /** the run's journey, so per-node counts of a journey are read without joining every run */
  journey_id: string | null;
  detail: Json<Record<string, unknown>>;
  at: ColumnType<Date, Date | string, never>;
}

export type RunRow = Selectable<RunTable>;
export type RunStepRow = Selectable<RunStepTable>;

/** Runs of a journey by status, kept by a trigger on `runs` (16 shards a status; sum them). */
export interface JourneyRunCountTable {
  journey_id: string;
  status: string;
  shard: number;
  n: number;
}
