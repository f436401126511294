import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

/**
 * queued → sending → sent | failed | unknown. `sending` is written before the provider is called; a send
 * still `sending` after a crash has an unknown outcome and is not blindly sent again (see message.node.ts).
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'skipped', 'failed', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

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
  /** the channel id whose provider sent it, or `sandbox` when the workspace configured none */
  provider: string | null;
  /** when an attempt claimed the send (status `sending`): a claim younger than the lease is still running */
  sending_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** the provider's refusal, as it said it */
  error: string | null;
  /** what a callback or a poll says after the provider took it: `pending` until delivered, failed or expired */
  delivery_status: DeliveryStatus | null;
  delivery_updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** the journey version and split variant (output id) the run was on: what the message funnel is keyed by */
  version: number | null;
  variant: string | null;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'expired'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A workspace's credentials for one channel's provider: sealed, never returned; `fields` names what is set. */
export interface ChannelCredentialTable {
  workspace_id: string;
  channel: string;
  sealed: string;
  fields: ColumnType<string[], string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type MessageRow = Selectable<MessageTable>;

/** A message to staff (a guide's reminder): one row per idempotency key, claimed before the provider is called. */
export interface StaffMessageTable {
  idempotency_key: string;
  workspace_id: string;
  channel: string;
  to_address: string;
  body: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  provider_message_id: string | null;
  error: string | null;
  created_at: CreatedAt;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
