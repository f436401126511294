import type { ColumnType, Selectable } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** A tracked short link: one per send (its idempotency key) and destination URL; `/l/<code>` redirects to `url`. */
export interface LinkTable {
  code: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  node_id: string;
  run_id: string;
  member_id: string;
  /** the split variant (output id) the run took before this message, if any */
  variant: string | null;
  /** the send's idempotency key (messages.idempotency_key) */
  send_key: string;
  url: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  clicks: ColumnType<number, number | undefined, number>;
  first_clicked_at: Timestamp;
  last_clicked_at: Timestamp;
}

/** A member who clicked a node's message: counted once per journey version, node and variant ('' = none). */
export interface LinkClickerTable {
  journey_id: string;
  version: number;
  node_id: string;
  variant: string;
  member_id: string;
  at: CreatedAt;
}

/**
 * The message funnel, kept as messages and clicks are written (db/migrations/0018-links.ts): per journey, version,
 * node, channel, variant ('' = none), workspace-local day of the send and shard (sum the shards).
 */
export interface MessageFunnelTable {
  workspace_id: string;
  journey_id: string;
  version: number;
  node_id: string;
  channel: string;
  variant: string;
  day: ColumnType<string, string, string>;
  shard: number;
  sent: number;
  failed: number;
  skipped: number;
  /** sent messages whose provider reports delivery */
  tracked: number;
  delivered: number;
  undelivered: number;
  clicks: number;
  clicked_members: number;
  converted: number;
}

export type LinkRow = Selectable<LinkTable>;
