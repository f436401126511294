import { z } from 'zod';
import { memberAddress } from '../channels/channel-settings.service.js';
import { CHANNELS, channelEnumMeta } from '../channels/channels.js';
import { renderMessage, sendOutboxMessage } from '../channels/deliver.js';
import { channels } from '../channels/registry.js';
import { linkBaseUrl, linkTtlMs } from '../links/link-base.js';
import { ensureSendLinks, runVersionAndVariant } from '../links/links.repository.js';
import { linkProblems, rendersHtml, renderTemplate, templateLinks } from '../render/template.js';
import { defineNode, type NodeRunContext } from './define-node.js';
import { enumLabels, label } from './schemas.js';

const config = z.object({
  channel: z
    .enum(CHANNELS)
    .default('sms')
    .meta({ ...label('渠道', 'Channel'), 'x-widget': 'channel', ...channelEnumMeta }),
  /**
   * The message form of the chosen channel (GET /api/channels: its `messageSchema`), e.g. an SMS template code and
   * parameters. A workspace that configured the channel's provider sends this; the sandbox reads it too.
   */
  content: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ ...label('消息内容', 'Message'), 'x-widget': 'channelContent' }),
  title: z.string().max(120).optional().meta(label('标题', 'Title')),
  body: z
    .string()
    .trim()
    .min(1, 'write the message')
    .max(2000)
    .optional()
    .meta({
      ...label('内容（沙箱 / 无需模板的渠道）', 'Body (sandbox / channels without a template)'),
      'x-widget': 'messageBody',
    }),
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

/** `{{link "…"}}` must name an http(s) address: checked at publish, with the field it is in. */
function linkFieldProblems(c: MessageConfig): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const { field, text } of messageTexts(c))
    for (const message of linkProblems(text)) problems.push({ field, message });
  return problems;
}

type Links = Map<string, string>;

function previewOf(
  def: NonNullable<ReturnType<typeof channels.get>>,
  content: Record<string, unknown>,
  scope: Record<string, unknown>,
  links: Links,
): string {
  const parsed = def.message.safeParse(content);
  if (!parsed.success) return JSON.stringify(content).slice(0, 2000);
  return def.preview(renderMessage(parsed.data, scope, def.htmlFields, '', links)).slice(0, 2000);
}

/** Every string of the message, with where it sits (`body`, `content.params.url`): what links are read from. */
function* messageTexts(c: MessageConfig): Generator<{ field: string; text: string }> {
  if (c.title) yield { field: 'title', text: c.title };
  if (c.body) yield { field: 'body', text: c.body };
  const walk = function* (value: unknown, path: string): Generator<{ field: string; text: string }> {
    if (typeof value === 'string') yield { field: path, text: value };
    else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* walk(v, `${path}.${i}`);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
  };
  if (c.content) yield* walk(c.content, 'content');
}

/**
 * The member's short links for this send (`{{link "…"}}` anywhere in the message): made on the first attempt,
 * the same codes on every retry (engine/links/links.repository.ts).
 */
async function sendLinks(
  ctx: NodeRunContext,
  c: MessageConfig,
  run: { version: number; variant: string | null },
): Promise<Links> {
  const written = new Set<string>();
  for (const { text } of messageTexts(c)) for (const url of templateLinks(text)) written.add(url);
  if (written.size === 0) return new Map();
  return ensureSendLinks(
    ctx.db,
    {
      workspaceId: ctx.workspaceId,
      journeyId: ctx.journeyId,
      version: run.version,
      nodeId: ctx.nodeId,
      runId: ctx.runId,
      memberId: ctx.member.id,
      variant: run.variant,
      sendKey: ctx.idempotencyKey,
    },
    [...written],
    { base: linkBaseUrl(), ttlMs: linkTtlMs(), now: ctx.now() },
  );
}

/** The outbox row for this run and node (one per idempotency key), created on first sight. */
async function outboxRow(
  ctx: NodeRunContext,
  c: MessageConfig,
  status: 'queued' | 'skipped',
  skipReason: string | null,
  run: { version: number; variant: string | null },
  links: Links = new Map(),
) {
  const key = ctx.idempotencyKey;
  const scope = { member: ctx.member, coupon: ctx.vars.coupon ?? null, vars: ctx.vars };
  const def = channels.get(c.channel);
  const link = (url: string) => links.get(url);
  // What ops read in the outbox: the form's preview on a channel with one (an SMS template and its parameters)
  const text = c.content && def ? previewOf(def, c.content, scope, links) : (c.body ?? '');
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
      to_address: await memberAddress(ctx.db, ctx.workspaceId, c.channel, ctx.member),
      title: c.title ? renderTemplate(c.title, scope, { links: link }) : null,
      // member values are escaped where the channel renders HTML (email), never the template itself
      body:
        c.content && def ? text : renderTemplate(text, scope, { html: rendersHtml(c.channel), links: link }),
      status,
      version: run.version,
      variant: run.variant,
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
  // the text, or the channel's form (an SMS template) when the node has no text
  summary: { zh: '{{channel}}：{{body|content}}', en: '{{channel}}: {{body|content}}' },
  check(c) {
    const def = channels.get(c.channel);
    if (c.content && def) {
      // the channel's own form: problems point into it (content.templateCode)
      const parsed = def.message.safeParse(c.content);
      return parsed.success
        ? linkFieldProblems(c)
        : parsed.error.issues.map((i) => ({ field: ['content', ...i.path].join('.'), message: i.message }));
    }
    if (!c.body) return [{ field: 'body', message: 'write the message' }];
    if ((c.channel === 'email' || c.channel === 'wechat') && !c.title?.trim()) {
      return [{ field: 'title', message: `a ${c.channel} message needs a title` }];
    }
    return linkFieldProblems(c);
  },
  guard: (c) => ({ channel: c.channel, quietHours: c.quietHours, overCap: c.overCap }),
  // A skipped message is still a row in the outbox, so ops see what was held back and why.
  async onSkip(ctx, c, reason) {
    await outboxRow(ctx, c, 'skipped', reason, await runVersionAndVariant(ctx.db, ctx.runId));
  },
  // the provider's own skip (WeCom configured, member without a guide) as the real send would record it
  simulate: (c, sim) => {
    const skip = sim.channelSkip?.(c.channel) ?? null;
    return skip ? { output: 'next', detail: { status: 'skipped', skipReason: skip } } : { output: 'next' };
  },
  /**
   * Exactly once per idempotency key (engine/channels/deliver.ts): queued → sending (claimed by one attempt) →
   * sent | failed | unknown. A permanent provider error fails the step with the provider's message; a rate limit
   * is retried after the provider's delay; the sandbox sends when the workspace configured no provider.
   */
  async run(ctx, c) {
    const run = await runVersionAndVariant(ctx.db, ctx.runId);
    const links = await sendLinks(ctx, c, run);
    const created = await outboxRow(ctx, c, 'queued', null, run, links);
    const row = await sendOutboxMessage(ctx, {
      row: created,
      content: c.content ?? null,
      text: c.body ? { title: c.title ?? null, body: c.body } : null,
      links,
    });
    return {
      output: 'next',
      detail: { messageId: row.id, channel: row.channel, status: row.status, skipReason: row.skip_reason },
    };
  },
});
