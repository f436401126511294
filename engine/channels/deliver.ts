import { ApplicationFailure } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MessageRow } from '../../db/tables/message.table.js';
import { RATE_LIMITED } from '../../workflows/activities.js';
import { logger } from '../infra/logger.js';
import { isLocalBase } from '../links/link-base.js';
import type { NodeRunContext } from '../nodes/define-node.js';
import { NodeFailure } from '../nodes/node-failure.js';
import { renderTemplate } from '../render/template.js';
import { loadChannelCredentials } from './channel-settings.service.js';
import type { ChannelDefinition, DeliveryUpdate, SendFailure } from './define-channel.js';
import { AddressRefused, workspaceProviderNetwork } from './provider-fetch.js';
import { channels } from './registry.js';

/**
 * How long a claim (`sending`) is taken to belong to an attempt still running. Longer than the activity's
 * start-to-close timeout, so a timed-out attempt still talking to the provider is not raced by the next one.
 */
export const SENDING_LEASE_MS = 60_000;
/** How long an attempt that finds another one sending waits for its answer before retrying later. */
const SETTLE_WAIT_MS = 5_000;

/** The Temporal failure type of a rate-limited send: retried after the provider's delay, outside the attempt budget. */
export const RATE_LIMITED_FAILURE = RATE_LIMITED;

/**
 * When a rate-limited send is asked again: the provider's delay, else a minute. `YUTANG_CHANNEL_RETRY_AFTER_MS`
 * overrides it (tests shorten the clock; an operator may lengthen it for a provider with a daily limit).
 */
function retryAfterMs(failure: SendFailure): number {
  const override = Number(process.env.YUTANG_CHANNEL_RETRY_AFTER_MS);
  if (Number.isFinite(override) && override > 0) return override;
  return failure.retryAfterMs ?? 60_000;
}

/** Fill `{{variables}}` into every string of a message form; `htmlFields` get their values HTML-escaped. */
export function renderMessage<T>(
  value: T,
  scope: Record<string, unknown>,
  htmlFields: string[] = [],
  key = '',
  /** the send's short links by destination as written (`{{link "…"}}`); without one a link renders as its URL */
  links?: ReadonlyMap<string, string>,
): T {
  if (typeof value === 'string')
    return renderTemplate(value, scope, {
      html: htmlFields.includes(key),
      links: links && ((url) => links.get(url)),
    }) as T;
  if (Array.isArray(value)) return value.map((v) => renderMessage(v, scope, htmlFields, key, links)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderMessage(v, scope, htmlFields, key || k, links)]),
    ) as T;
  return value;
}

export interface OutboxMessage {
  row: MessageRow;
  /** the message form on this channel (`content`), or null for a text message (body / title) */
  content: Record<string, unknown> | null;
  /** the node's text message, unrendered: what channels with `fromText` send when there is no form */
  text?: { title: string | null; body: string } | null;
  /** the send's short links by destination as written (`{{link "…"}}`, engine/links/) */
  links?: ReadonlyMap<string, string>;
}

/**
 * Send one outbox row exactly once. The row moves queued → sending → sent | failed | unknown; `sending` is claimed
 * with a conditional update, so of two attempts with the same key only one calls the provider. Another attempt
 * finding the claim waits for its answer (or retries later); one finding a claim past its lease — an attempt
 * that died between calling the provider and recording the answer — marks the outcome `unknown` and fails the
 * step for ops to check, unless the provider de-duplicates by key (the sandbox), which is simply asked again.
 *
 * With credentials for the channel the workspace's provider sends it; without, the sandbox (`ctx.channels`).
 */
export async function sendOutboxMessage(ctx: NodeRunContext, msg: OutboxMessage): Promise<MessageRow> {
  let row = msg.row;
  const def = channels.get(row.channel);
  const credentials = def ? await loadChannelCredentials(ctx.db, ctx.workspaceId, row.channel) : null;
  const dedup = credentials && def ? !!def.deduplicatesByKey : ctx.channels.deduplicatesByKey;

  for (let waited = 0; ; ) {
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'skipped') return row;
    if (row.status === 'unknown')
      throw new NodeFailure(
        'send_outcome_unknown',
        'an earlier attempt may have sent this message; check with the provider, then retry or cancel',
      );
    if (row.status === 'queued') {
      const claimed = await ctx.db
        .updateTable('messages')
        .set({ status: 'sending', sending_at: ctx.now(), provider: credentials ? row.channel : 'sandbox' })
        .where('id', '=', row.id)
        .where('status', '=', 'queued')
        .returningAll()
        .executeTakeFirst();
      if (claimed) {
        row = claimed;
        break;
      }
    } else if (row.status === 'sending') {
      if (dedup) break; // asking again with the same key cannot make a second message
      const age = ctx.now().getTime() - (row.sending_at?.getTime() ?? 0);
      if (age > SENDING_LEASE_MS) {
        await ctx.db.updateTable('messages').set({ status: 'unknown' }).where('id', '=', row.id).execute();
        row = { ...row, status: 'unknown' };
        continue;
      }
      if (waited >= SETTLE_WAIT_MS)
        throw new Error('another attempt is sending this message; asking again later');
      await new Promise((r) => setTimeout(r, 100));
      waited += 100;
    }
    row = await ctx.db.selectFrom('messages').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  }

  if (!def || !credentials) return sendBySandbox(ctx, row);
  return sendByProvider(ctx, row, msg, def, credentials);
}

async function sendBySandbox(ctx: NodeRunContext, row: MessageRow): Promise<MessageRow> {
  try {
    const sent = await ctx.channels.send({
      channel: row.channel,
      to: row.to_address,
      title: row.title,
      body: row.body,
      idempotencyKey: ctx.idempotencyKey,
    });
    return await ctx.db
      .updateTable('messages')
      .set({ status: 'sent', provider_message_id: sent.providerMessageId, sent_at: ctx.now() })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (err instanceof NodeFailure) {
      // The provider refused it for good: no retry will change that.
      await ctx.db
        .updateTable('messages')
        .set({ status: 'failed', error: err.message })
        .where('id', '=', row.id)
        .execute();
    }
    throw err;
  }
}

async function sendByProvider(
  ctx: NodeRunContext,
  row: MessageRow,
  msg: OutboxMessage,
  def: ChannelDefinition,
  rawCredentials: Record<string, unknown>,
): Promise<MessageRow> {
  const fail = async (failure: SendFailure): Promise<never> => {
    await ctx.db
      .updateTable('messages')
      .set({ status: 'failed', error: failure.message })
      .where('id', '=', row.id)
      .execute();
    throw new NodeFailure(`channel_${failure.code ?? failure.kind}`, `${def.label.zh}：${failure.message}`);
  };
  const credentials = def.credentials.safeParse(rawCredentials);
  if (!credentials.success)
    return fail({ kind: 'permanent', message: 'the channel’s stored credentials are no longer valid' });
  const content = msg.content ?? (msg.text?.body && def.fromText ? def.fromText(msg.text) : null);
  if (!content)
    return fail({
      kind: 'permanent',
      message: `fill in the ${def.label.en} message form (content) of this node`,
    });
  const form = def.message.safeParse(content);
  if (!form.success)
    return fail({
      kind: 'permanent',
      message: `message form: ${form.error.issues[0]?.path.join('.')} ${form.error.issues[0]?.message}`,
    });
  if (!row.to_address)
    return fail({ kind: 'permanent', message: 'the member has no address on this channel' });
  // a member's phone cannot open this machine: links must point at an address people reach
  if ([...(msg.links?.values() ?? [])].some(isLocalBase))
    return fail({
      kind: 'permanent',
      code: 'link_base_local',
      message:
        'its tracked links would point at this machine (localhost): set YUTANG_LINK_BASE_URL or YUTANG_PUBLIC_URL, then retry',
    });
  const scope = { member: ctx.member, coupon: ctx.vars.coupon ?? null, vars: ctx.vars };

  const network = await workspaceProviderNetwork(ctx.db, ctx.workspaceId);
  const outcome = await def
    .send(
      {
        workspaceId: ctx.workspaceId,
        credentials: credentials.data,
        db: ctx.db,
        ...network,
        now: ctx.now,
      },
      {
        idempotencyKey: ctx.idempotencyKey,
        address: row.to_address,
        message: renderMessage(form.data, scope, def.htmlFields, '', msg.links),
        member: ctx.member,
        vars: ctx.vars,
      },
    )
    .catch(async (err) => {
      // The endpoint is an address the workspace may not call: nothing was sent, and a retry will not change it.
      if (err instanceof AddressRefused)
        return fail({ kind: 'permanent', message: err.message, code: 'address_refused' });
      if (neverConnected(err)) {
        // The provider was never reached (refused, no such host): nothing was sent, so the retry may send.
        const why = String(err?.cause?.code ?? err?.code ?? err?.message);
        await ctx.db
          .updateTable('messages')
          .set({ status: 'queued', sending_at: null, error: why })
          .where('id', '=', row.id)
          .execute();
        throw new Error(`${def.label.zh}：the provider could not be reached (${why})`);
      }
      // The call broke off after it may have reached the provider: nobody can say whether it was sent.
      await ctx.db
        .updateTable('messages')
        .set({ status: 'unknown', error: String(err?.message ?? err) })
        .where('id', '=', row.id)
        .execute();
      throw new NodeFailure(
        'send_outcome_unknown',
        `${def.label.zh}：the provider call broke off (${String(err?.message ?? err)}); check with the provider, then retry or cancel`,
      );
    });

  if ('skip' in outcome) {
    // Not a contact after all: give back the slot the guard took, so caps and quotas do not count it.
    await ctx.db.deleteFrom('contact_ledger').where('idempotency_key', '=', ctx.idempotencyKey).execute();
    return ctx.db
      .updateTable('messages')
      .set({ status: 'skipped', skip_reason: outcome.skip })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if ('providerId' in outcome) {
    const tracked = outcome.pending ?? !!(def.parseCallback || def.poll);
    return ctx.db
      .updateTable('messages')
      .set({
        status: 'sent',
        provider_message_id: outcome.providerId,
        sent_at: ctx.now(),
        error: null,
        delivery_status: tracked ? 'pending' : null,
        delivery_updated_at: tracked ? ctx.now() : null,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  const { failure } = outcome;
  if (failure.kind === 'permanent') return fail(failure);
  // Not taken by the provider: release the claim so the retry sends it.
  await ctx.db
    .updateTable('messages')
    .set({ status: 'queued', sending_at: null, error: failure.message })
    .where('id', '=', row.id)
    .execute();
  if (failure.kind === 'rate_limited')
    throw ApplicationFailure.create({
      type: RATE_LIMITED_FAILURE,
      message: `${def.label.zh}：${failure.message}`,
      nextRetryDelay: retryAfterMs(failure),
      details: [failure.code],
    });
  throw new Error(`${def.label.zh}：${failure.message}`);
}

/** Errors that mean no connection was ever made (provider-fetch's, nodemailer's codes): nothing reached the provider. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ECONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);
function neverConnected(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string }; connected?: boolean } | null;
  // provider-fetch says so itself: the request failed before a connection was made
  if (e?.connected === false) return true;
  return NEVER_CONNECTED.has(e?.cause?.code ?? '') || NEVER_CONNECTED.has(e?.code ?? '');
}

/** Apply what a callback or a poll reported; returns how many messages changed. Only `pending` ones move. */
export async function applyDeliveryUpdates(
  db: Kysely<Database>,
  workspaceId: string,
  channel: string,
  updates: DeliveryUpdate[],
): Promise<number> {
  let changed = 0;
  for (const u of updates) {
    if (u.status === 'pending') continue;
    const r = await db
      .updateTable('messages')
      .set({
        delivery_status: u.status,
        delivery_updated_at: sql`now()`,
        ...(u.error ? { error: u.error.slice(0, 500) } : {}),
      })
      .where('workspace_id', '=', workspaceId)
      .where('channel', '=', channel)
      .where('provider_message_id', '=', u.providerId)
      .where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', '=', 'pending')]))
      .executeTakeFirst();
    changed += Number(r.numUpdatedRows);
  }
  return changed;
}

/**
 * Ask providers that poll (WeCom tasks) about messages still `pending`, at most `limit` a workspace and channel.
 * Runs in the audience schedule's minute pass (engine/segments/audience.service.ts) and on demand.
 */
export async function pollPendingDeliveries(
  db: Kysely<Database>,
  opts: { workspaceId?: string; channel?: string; limit?: number; now?: () => Date } = {},
): Promise<number> {
  const pollers = channels.all().filter((c) => c.poll && (!opts.channel || c.id === opts.channel));
  let changed = 0;
  for (const def of pollers) {
    let q = db
      .selectFrom('messages')
      .select(['workspace_id', 'provider_message_id', 'sent_at'])
      .where('channel', '=', def.id)
      .where('delivery_status', '=', 'pending')
      .where('provider', '=', def.id)
      .orderBy('sent_at')
      .limit(opts.limit ?? 500);
    if (opts.workspaceId) q = q.where('workspace_id', '=', opts.workspaceId);
    const rows = await q.execute();
    const byWorkspace = new Map<string, { providerId: string; sentAt: Date }[]>();
    for (const r of rows) {
      if (!r.provider_message_id || !r.sent_at) continue;
      const list = byWorkspace.get(r.workspace_id) ?? [];
      list.push({ providerId: r.provider_message_id, sentAt: r.sent_at });
      byWorkspace.set(r.workspace_id, list);
    }
    for (const [workspaceId, pending] of byWorkspace) {
      const raw = await loadChannelCredentials(db, workspaceId, def.id);
      const credentials = raw ? def.credentials.safeParse(raw) : null;
      if (!credentials?.success || !def.poll) continue;
      try {
        const updates = await def.poll(
          {
            workspaceId,
            credentials: credentials.data,
            db,
            ...(await workspaceProviderNetwork(db, workspaceId)),
            now: opts.now ?? (() => new Date()),
          },
          pending,
        );
        changed += await applyDeliveryUpdates(db, workspaceId, def.id, updates);
      } catch (err) {
        // one workspace's unreachable provider must not hold up the others: it is asked again next pass
        logger.warn({ workspaceId, channel: def.id, err: String(err) }, 'delivery poll failed');
      }
    }
  }
  return changed;
}
