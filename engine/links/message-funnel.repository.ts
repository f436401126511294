import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Where a node's "delivered" comes from: `provider` — every sent message's provider reports delivery;
 * `partial` — some do (a provider set up part-way); `none` — none does (the sandbox, a channel without delivery
 * reports), so `delivered` is null rather than a number nobody measured.
 */
export type DeliverySource = 'provider' | 'partial' | 'none';

/** One message node (and split variant, and channel) of a journey, summed over the days asked for. */
export interface MessageFunnelRow {
  nodeId: string;
  channel: string;
  /** the split group (output id) the members were in; null when no split came before the message */
  variant: string | null;
  /** taken by the provider (or the sandbox) */
  sent: number;
  /** reported delivered; null when no provider reports delivery for these messages (see deliverySource) */
  delivered: number | null;
  deliverySource: DeliverySource;
  /** sent messages whose provider reports delivery: what `delivered` is out of */
  deliveryTracked: number;
  /** reported not delivered (failed or expired) after the provider took them */
  undelivered: number;
  /** refused by the provider: never sent */
  failed: number;
  /** held back by a guard-rail (consent, quiet hours, caps, holdout): never sent, the reason is on the message */
  skipped: number;
  /** members who clicked a tracked link of this node's message (once each per journey version) */
  clickedMembers: number;
  /** every counted click (double taps within a few seconds count once) */
  clicks: number;
  /** members who got this message and whose run then converted (the journey's goal) */
  converted: number;
}

export interface FunnelFilter {
  version?: number;
  /** workspace-local days of the send, inclusive, `YYYY-MM-DD` */
  from?: string;
  to?: string;
}

/**
 * The message funnel of a journey from its counters (db/migrations/0018-links.ts): a handful of rows per node and
 * day, never a scan of the outbox. Days are the workspace's, of the send: a click or a conversion counts on the
 * day its message went out, so every figure of a row is about the same messages.
 */
export async function messageFunnel(
  db: Kysely<Database>,
  workspaceId: string,
  journeyId: string,
  filter: FunnelFilter,
): Promise<MessageFunnelRow[]> {
  let q = db
    .selectFrom('message_funnel')
    .select([
      'node_id',
      'channel',
      'variant',
      sql<number>`sum(sent)::int`.as('sent'),
      sql<number>`sum(tracked)::int`.as('tracked'),
      sql<number>`sum(delivered)::int`.as('delivered'),
      sql<number>`sum(undelivered)::int`.as('undelivered'),
      sql<number>`sum(failed)::int`.as('failed'),
      sql<number>`sum(skipped)::int`.as('skipped'),
      sql<number>`sum(clicked_members)::int`.as('clicked_members'),
      sql<number>`sum(clicks)::int`.as('clicks'),
      sql<number>`sum(converted)::int`.as('converted'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .groupBy(['node_id', 'channel', 'variant'])
    .orderBy('node_id')
    .orderBy('variant')
    .orderBy('channel');
  if (filter.version !== undefined) q = q.where('version', '=', filter.version);
  if (filter.from) q = q.where('day', '>=', filter.from);
  if (filter.to) q = q.where('day', '<=', filter.to);
  const rows = await q.execute();
  return rows.map((r) => {
    const deliverySource: DeliverySource =
      r.tracked === 0 ? 'none' : r.tracked < r.sent ? 'partial' : 'provider';
    return {
      nodeId: r.node_id,
      channel: r.channel,
      variant: r.variant === '' ? null : r.variant,
      sent: r.sent,
      delivered: deliverySource === 'none' ? null : r.delivered,
      deliverySource,
      deliveryTracked: r.tracked,
      undelivered: r.undelivered,
      failed: r.failed,
      skipped: r.skipped,
      clickedMembers: r.clicked_members,
      clicks: r.clicks,
      converted: r.converted,
    };
  });
}
