import type { ColumnType } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

/** Every contact a guard allowed, across journeys: what frequency caps count. One row per effect key. */
export interface ContactLedgerTable {
  idempotency_key: string;
  workspace_id: string;
  member_id: string;
  channel: string;
  journey_id: string | null;
  run_id: string | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}

/** An effect waiting for a capped slot now; when two compete for the last one, the higher priority wins. */
export interface GuardIntentTable {
  idempotency_key: string;
  workspace_id: string;
  member_id: string;
  channel: string;
  priority: number;
  created_at: CreatedAt;
}
