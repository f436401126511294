import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

/**
 * queued → sending → sent | failed | unknown. `sending` is written before the provider is called; a send
 * still `sending` after a crash has an unknown outcome and is not blindly sent again (see message.node.ts).
 */
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown';

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
