import { z } from 'zod';
import { renderTemplate } from '../render/template.js';
import { defineNode, type MemberSnapshot } from './define-node.js';
import { label } from './schemas.js';

export const channels = ['sms', 'wechat', 'wecom', 'email', 'push'] as const;
export type Channel = (typeof channels)[number];

/** Where a channel reaches the member. WeChat/WeCom/push adapters map the brand's member id themselves. */
export function addressFor(channel: Channel, member: MemberSnapshot): string | null {
  if (channel === 'sms') return member.phone;
  if (channel === 'email') return member.email;
  return member.externalId;
}

export default defineNode({
  type: 'message',
  version: 1,
  category: 'action',
  kind: 'action',
  title: { zh: '发送消息', en: 'Send message' },
  description: {
    zh: '通过短信、公众号模板消息、企微导购、邮件或 App 推送触达会员；每次运行每个节点只发一次',
    en: 'Reach the member by SMS, WeChat template, WeCom via guide, email or app push; sent once per run and node',
  },
  icon: 'MessageOutlined',
  color: '#2563eb',
  config: z.object({
    channel: z
      .enum(channels)
      .default('sms')
      .meta({ ...label('渠道', 'Channel'), 'x-widget': 'channel' }),
    title: z.string().max(120).optional().meta(label('标题', 'Title')),
    body: z
      .string()
      .trim()
      .min(1, 'write the message')
      .max(2000)
      .meta({ ...label('内容', 'Body'), 'x-widget': 'messageBody' }),
  }),
  defaults: { channel: 'sms', body: '' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '{{channel}}：{{body}}', en: '{{channel}}: {{body}}' },
  check(config) {
    if ((config.channel === 'email' || config.channel === 'wechat') && !config.title?.trim()) {
      return [{ field: 'title', message: `a ${config.channel} message needs a title` }];
    }
    return [];
  },
  async run(ctx, config) {
    const key = ctx.idempotencyKey;
    let row = await ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) {
      const to = addressFor(config.channel, ctx.member);
      const skipReason =
        ctx.member.consent[config.channel] === false
          ? 'no_consent'
          : to
            ? null
            : `no_${config.channel}_address`;
      const scope = { member: ctx.member, coupon: ctx.vars.coupon ?? null };
      // Insert-or-find on the unique key: two racing attempts end with one row.
      row = await ctx.db
        .insertInto('messages')
        .values({
          workspace_id: ctx.workspaceId,
          run_id: ctx.runId,
          journey_id: ctx.journeyId,
          node_id: ctx.nodeId,
          member_id: ctx.member.id,
          channel: config.channel,
          to_address: to,
          title: config.title ? renderTemplate(config.title, scope) : null,
          body: renderTemplate(config.body, scope),
          status: skipReason ? 'skipped' : 'queued',
          skip_reason: skipReason,
          idempotency_key: key,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      row ??= await ctx.db
        .selectFrom('messages')
        .selectAll()
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
    }
    if (row.status === 'queued') {
      // The provider gets the same key on every attempt, so a crash between send and update cannot double-send.
      const sent = await ctx.channels.send({
        channel: row.channel,
        to: row.to_address,
        title: row.title,
        body: row.body,
        idempotencyKey: key,
      });
      row = await ctx.db
        .updateTable('messages')
        .set({ status: 'sent', provider_message_id: sent.providerMessageId, sent_at: ctx.now() })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return {
      output: 'next',
      detail: { messageId: row.id, channel: row.channel, status: row.status, skipReason: row.skip_reason },
    };
  },
});
