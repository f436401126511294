import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json } from './workspace.table.js';

/** pending: stored, not yet acted on (retried with back-off) · processed · dead: given up, ops replay it */
/** Every status an event can have (the web labels each: web/i18n/server-codes.test.ts). */
export const EVENT_STATUSES = ['pending', 'processed', 'dead'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

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
  status: Generated<EventStatus>;
  /** processing attempts so far; replay resets it */
  attempts: Generated<number>;
  /** when the sweeper may take a pending event (next); null once processed or dead */
  next_attempt_at: Timestamp;
  last_attempt_at: Timestamp;
  /** set when its runs were started and signals delivered */
  processed_at: Timestamp;
  dead_at: Timestamp;
  /** arrival order, exact within a batch (bigint, read as a number: see db/connection.ts) */
  seq: ColumnType<number, never, never>;
  /** the last processing error */
  process_error: string | null;
}

export type EventRow = Selectable<EventTable>;
