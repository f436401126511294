import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

export type MessageStatus = 'queued' | 'sent' | 'skipped' | 'failed';

/** The outbox: one row per (run, node, visit), enforced by the unique idempotency key. */
export interface MessageTable {
  id: Generated<string>;
  workspace_id: string;
  run_id: string;
  journey_id: string;
  node_id: string;
  member_id: string;
  channel: string;
  to_address: string | null;
  title: string | null;
  body: string;
  status: MessageStatus;
  skip_reason: string | null;
  provider_message_id: string | null;
  idempotency_key: string;
  created_at: CreatedAt;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type MessageRow = Selectable<MessageTable>;
