import { z } from 'zod';
import { addressFor, CHANNELS, channelEnumMeta } from '../channels/channels.js';
import { rendersHtml, renderTemplate } from '../render/template.js';
import { defineNode, type NodeRunContext } from './define-node.js';
import { NodeFailure } from './node-failure.js';
import { enumLabels, label } from './schemas.js';

const config = z.object({
  channel: z
    .enum(CHANNELS)
    .default('sms')
    .meta({ ...label('渠道', 'Channel'), 'x-widget': 'channel', ...channelEnumMeta }),
  title: z.string().max(120).optional().meta(label('标题', 'Title')),
  body: z
    .string()
    .trim()
    .min(1, 'write the message')
    .max(2000)
    .meta({ ...label('内容', 'Body'), 'x-widget': 'messageBody' }),
  quietHours: z
    .enum(['defer', 'skip', 'ignore'])
    .default('defer')
    .meta({
      ...label('免打扰时段内', 'During quiet hours'),
      ...enumLabels({
        defer: { zh: '顺延到免打扰结束后发送', en: 'Send when quiet hours end' },
        skip: { zh: '不发送', en: 'Skip' },
        ignore: { zh: '照常发送（交易类通知）', en: 'Send anyway (transactional)' },
      }),
    }),
  overCap: z
    .enum(['skip', 'defer'])
    .default('skip')
    .meta({
      ...label('超出频控时', 'Over a frequency cap'),
      ...enumLabels({
        skip: { zh: '不发送', en: 'Skip' },
        defer: { zh: '等到频控释放后发送', en: 'Send when the cap frees' },
      }),
    }),
});
type MessageConfig = z.infer<typeof config>;

/** The outbox row for this run and node (one per idempotency key), created on first sight. */
async function outboxRow(
  ctx: NodeRunContext,
  c: MessageConfig,
  status: 'queued' | 'skipped',
  skipReason: string | null,
) {
  const key = ctx.idempotencyKey;
  const scope = { member: ctx.member, coupon: ctx.vars.coupon ?? null };
  // Insert-or-find on the unique key: two racing attempts end with one row.
  const inserted = await ctx.db
    .insertInto('messages')
    .values({
      workspace_id: ctx.workspaceId,
      run_id: ctx.runId,
      journey_id: ctx.journeyId,
      node_id: ctx.nodeId,
      member_id: ctx.member.id,
      channel: c.channel,
      to_address: addressFor(c.channel, ctx.member),
      title: c.title ? renderTemplate(c.title, scope) : null,
      // member values are escaped where the channel renders HTML (email), never the template itself
      body: renderTemplate(c.body, scope, { html: rendersHtml(c.channel) }),
      status,
      skip_reason: skipReason,
      idempotency_key: key,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return (
    inserted ??
    (await ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow())
  );
}

export default defineNode({
  type: 'message',
  version: 1,
  category: 'action',
  order: 10,
  reachesMember: true,
  title: { zh: '发送消息', en: 'Send message' },
  description: {
    zh: '通过短信、公众号模板消息、企微导购、邮件或 App 推送触达会员；遵守会员授权、免打扰时段和频控，每次运行每个节点只发一次',
    en: 'Reach the member by SMS, WeChat template, WeCom via guide, email or app push; honours consent, quiet hours and frequency caps; sent once per run and node',
  },
  icon: 'MessageOutlined',
  color: '#2563eb',
  config,
  defaults: { channel: 'sms', body: '' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '{{channel}}：{{body}}', en: '{{channel}}: {{body}}' },
  check(c) {
    if ((c.channel === 'email' || c.channel === 'wechat') && !c.title?.trim()) {
      return [{ field: 'title', message: `a ${c.channel} message needs a title` }];
    }
    return [];
  },
  guard: (c) => ({ channel: c.channel, quietHours: c.quietHours, overCap: c.overCap }),
  // A skipped message is still a row in the outbox, so ops see what was held back and why.
  async onSkip(ctx, c, reason) {
    await outboxRow(ctx, c, 'skipped', reason);
  },
  simulate: () => ({ output: 'next' }),
  /**
   * The send moves through queued → sending → sent | failed | unknown, and the provider always receives the
   * run's idempotency key. A row found still `sending` means an earlier attempt died between calling the
   * provider and recording its answer: a provider that de-duplicates by key is simply asked again (same key,
   * no second message); otherwise the outcome is `unknown` and the step fails for ops to check, rather than
   * risk a second message.
   */
  async run(ctx, c) {
    let row = await outboxRow(ctx, c, 'queued', null);
    if (row.status === 'sending' && !ctx.channels.deduplicatesByKey) {
      await ctx.db.updateTable('messages').set({ status: 'unknown' }).where('id', '=', row.id).execute();
      row = { ...row, status: 'unknown' };
    }
    if (row.status === 'unknown')
      throw new NodeFailure(
        'send_outcome_unknown',
        'an earlier attempt may have sent this message; check with the provider, then retry or cancel',
      );
    if (row.status === 'queued' || row.status === 'sending') {
      await ctx.db.updateTable('messages').set({ status: 'sending' }).where('id', '=', row.id).execute();
      try {
        const sent = await ctx.channels.send({
          channel: row.channel,
          to: row.to_address,
          title: row.title,
          body: row.body,
          idempotencyKey: ctx.idempotencyKey,
        });
        row = await ctx.db
          .updateTable('messages')
          .set({ status: 'sent', provider_message_id: sent.providerMessageId, sent_at: ctx.now() })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (err) {
        if (err instanceof NodeFailure) {
          // The provider refused it for good (bad number, template rejected): no retry will change that.
          await ctx.db.updateTable('messages').set({ status: 'failed' }).where('id', '=', row.id).execute();
        }
        throw err;
      }
    }
    return {
      output: 'next',
      detail: { messageId: row.id, channel: row.channel, status: row.status, skipReason: row.skip_reason },
    };
  },
});
