import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json } from './workspace.table.js';

export interface EventTable {
  id: Generated<string>;
  workspace_id: string;
  member_id: string;
  /** the sender's id for de-duplication; unique per workspace */
  client_id: string | null;
  name: string;
  properties: Json<Record<string, unknown>>;
  occurred_at: ColumnType<Date, Date | string, never>;
  received_at: ColumnType<Date, Date | string | undefined, never>;
  /** null until its runs were started and signals delivered; a sweeper retries the rest */
  processed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  process_error: string | null;
}

export type EventRow = Selectable<EventTable>;
