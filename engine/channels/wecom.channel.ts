import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { MemberSnapshot } from '../nodes/define-node.js';
import { label } from '../nodes/schemas.js';
import { type DeliveryUpdate, defineChannel, type SendFailure } from './define-channel.js';
import { AddressRefused, workspaceProviderNetwork } from './provider-fetch.js';
import { postWithToken, type WeixinAnswer } from './weixin-token.js';

/**
 * WeCom (企业微信). A message to a customer goes through the guide who owns them: `add_msg_template` creates a
 * mass-send task (chat_type `single`) that the guide confirms in WeCom; until then the message is `pending`, and
 * the poll (`get_groupmsg_task`, then `get_groupmsg_send_result`) turns it `delivered`, `failed` or — not
 * confirmed within `taskExpiryHours` — `expired`. WeCom lets a customer receive only a few such messages a month:
 * `monthlyQuota` makes that a budget the guard stage keeps. Staff get app messages (`message/send`), see
 * `sendWecomAppMessage` (task reminders).
 */
const credentials = z.object({
  corpId: z.string().trim().min(1).max(64).meta(label('企业 ID（corpid）', 'Corp id')),
  contactSecret: z.string().trim().min(1).max(128).meta(label('客户联系 Secret', 'Customer-contact secret')),
  agentId: z.number().int().positive().optional().meta(label('自建应用 AgentId', 'App agent id')),
  agentSecret: z.string().trim().min(1).max(128).optional().meta(label('自建应用 Secret', 'App secret')),
  taskExpiryHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72)
    .meta(label('导购未确认多久后视为过期（小时）', 'Hours before an unconfirmed task expires')),
  endpoint: z.url().max(300).default('https://qyapi.weixin.qq.com').meta(label('接口地址', 'Endpoint')),
});
type Credentials = z.infer<typeof credentials>;

const message = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'write the message the guide will send')
    .max(4000)
    .meta({
      ...label('消息内容（导购确认后发出，可用变量）', 'Text (sent once the guide confirms)'),
      'x-widget': 'textarea',
    }),
});

/** The customer's id in WeCom, kept on the member. */
export const WECOM_EXTERNAL_USERID_ATTRIBUTE = 'wecom_external_userid';

/**
 * Who sends to this member: the WeCom userid of their owning guide (an active one), else the member attribute
 * `guide_wecom_userid` (brands that keep the relation only in their CRM); `setWecomSenderResolver` replaces it.
 */
export type WecomSenderResolver = (db: Kysely<Database>, member: MemberSnapshot) => Promise<string | null>;
let resolveSender: WecomSenderResolver = async (db, member) => {
  const guide = await db
    .selectFrom('members as m')
    .innerJoin('guides as g', 'g.id', 'm.guide_id')
    .select('g.wecom_userid')
    .where('m.id', '=', member.id)
    .where('g.active', '=', true)
    .executeTakeFirst();
  if (guide?.wecom_userid) return guide.wecom_userid;
  const id = member.attributes?.guide_wecom_userid;
  return typeof id === 'string' && id ? id : null;
};
export function setWecomSenderResolver(resolver: WecomSenderResolver): void {
  resolveSender = resolver;
}

const tokenUrl = (c: Credentials, secret: string) =>
  `${c.endpoint}/cgi-bin/gettoken?corpid=${encodeURIComponent(c.corpId)}&corpsecret=${encodeURIComponent(secret)}`;
const api = (c: Credentials, path: string) => (token: string) =>
  `${c.endpoint}/cgi-bin/${path}?access_token=${encodeURIComponent(token)}`;

export default defineChannel({
  id: 'wecom',
  order: 30,
  label: { zh: '企微导购', en: 'WeCom' },
  description: {
    zh: '通过会员的专属导购发企业微信 1 对 1 消息：创建群发任务，导购在企业微信确认后发出',
    en: 'A 1:1 WeCom message through the member’s guide: a mass-send task the guide confirms',
  },
  addressLabel: {
    zh: '会员属性 wecom_external_userid（及其导购）',
    en: 'member attribute wecom_external_userid (and their guide)',
  },
  address: (m) => {
    const id = m.attributes?.[WECOM_EXTERNAL_USERID_ATTRIBUTE];
    return typeof id === 'string' && id ? id : null;
  },
  sandboxAddress(m) {
    return this.address(m) ?? m.externalId;
  },
  credentials,
  publicFields: ['corpId', 'agentId', 'taskExpiryHours', 'endpoint'],
  message,
  preview: (m) => m.text,
  fromText: ({ body }) => ({ text: body }),
  monthlyQuota: { setting: 'wecomMonthlyQuota', default: 4 },
  // no guide, nobody to send it: skipped like a missing address, not a failed run
  skipReason: async (db, member) => ((await resolveSender(db, member)) ? null : 'no_guide'),
  async send(ctx, { address, message: m, member }) {
    const c = ctx.credentials;
    const sender = await resolveSender(ctx.db, member);
    if (!sender) return { skip: 'no_guide' };
    const out = await postWithToken(
      ctx.fetch,
      tokenUrl(c, c.contactSecret),
      ctx.now,
      api(c, 'externalcontact/add_msg_template'),
      {
        chat_type: 'single',
        external_userid: [address],
        sender,
        text: { content: m.text },
      },
    );
    if ('failure' in out) return out;
    const failList = (out.answer.fail_list as string[] | undefined) ?? [];
    if (failList.includes(address) || typeof out.answer.msgid !== 'string')
      return {
        failure: {
          kind: 'permanent',
          message: `guide ${sender} cannot reach this customer (fail_list)`,
          code: 'fail_list',
        },
      };
    return { providerId: out.answer.msgid, pending: true };
  },
  async poll(ctx, pending) {
    const c = ctx.credentials;
    const updates: DeliveryUpdate[] = [];
    for (const { providerId, sentAt } of pending) {
      const task = await postWithToken(
        ctx.fetch,
        tokenUrl(c, c.contactSecret),
        ctx.now,
        api(c, 'externalcontact/get_groupmsg_task'),
        {
          msgid: providerId,
          limit: 1000,
        },
      );
      if ('failure' in task) continue; // asked again on the next poll
      const tasks = (task.answer.task_list as { userid: string; status: number }[] | undefined) ?? [];
      const sent = tasks.find((t) => t.status === 2);
      if (!sent) {
        const expired = ctx.now().getTime() - sentAt.getTime() > c.taskExpiryHours * 3_600_000;
        if (expired)
          updates.push({
            providerId,
            status: 'expired',
            error: 'the guide did not confirm the task in time',
          });
        continue;
      }
      const result = await postWithToken(
        ctx.fetch,
        tokenUrl(c, c.contactSecret),
        ctx.now,
        api(c, 'externalcontact/get_groupmsg_send_result'),
        {
          msgid: providerId,
          userid: sent.userid,
          limit: 1000,
        },
      );
      if ('failure' in result) continue;
      const list = (result.answer.send_list as { status: number }[] | undefined) ?? [];
      // 1 sent; 2 not the guide's contact; 3 the customer already got a mass message (platform limit)
      const status = list[0]?.status;
      if (status === 1) updates.push({ providerId, status: 'delivered' });
      else if (status === 2)
        updates.push({ providerId, status: 'failed', error: 'not a contact of the guide' });
      else if (status === 3)
        updates.push({ providerId, status: 'failed', error: 'over the platform’s mass-message limit' });
    }
    return updates;
  },
});

/**
 * An app message (`message/send`, text) to a staff member, e.g. a guide's task reminder. Exactly once per
 * `idempotencyKey`: the key is claimed in `staff_messages` before WeCom is called, and a second call with the same
 * key returns the first result without calling WeCom. Without WeCom credentials (or an app configured) it is
 * recorded as a sandbox send. A permanent or rate-limit refusal is returned (and recorded), not thrown.
 *
 * @example
 * await sendWecomAppMessage(db, workspaceId, 'zhangsan', '今天有 3 个会员任务待完成', `reminder:${taskId}:1`);
 */
export async function sendWecomAppMessage(
  db: Kysely<Database>,
  workspaceId: string,
  userid: string,
  text: string,
  idempotencyKey: string,
): Promise<{ status: 'sent'; providerId: string } | { status: 'failed' | 'queued'; failure: SendFailure }> {
  // Loaded on use: the settings service imports the registry, which is still loading this file at import time.
  const { loadChannelCredentials } = await import('./channel-settings.service.js');
  const claimed = await db
    .insertInto('staff_messages')
    .values({
      idempotency_key: idempotencyKey,
      workspace_id: workspaceId,
      channel: 'wecom',
      to_address: userid,
      body: text,
      status: 'sending',
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  if (!claimed) {
    const row = await db
      .selectFrom('staff_messages')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirstOrThrow();
    if (row.status === 'sent') return { status: 'sent', providerId: row.provider_message_id ?? '' };
    if (row.status !== 'queued')
      return {
        status: 'failed',
        failure: { kind: 'permanent', message: row.error ?? `already ${row.status}` },
      };
    // a rate-limited earlier attempt: try again under a fresh claim
    const again = await db
      .updateTable('staff_messages')
      .set({ status: 'sending' })
      .where('idempotency_key', '=', idempotencyKey)
      .where('status', '=', 'queued')
      .returning('idempotency_key')
      .executeTakeFirst();
    if (!again)
      return { status: 'failed', failure: { kind: 'transient', message: 'another attempt is sending it' } };
  }
  const c = (await loadChannelCredentials(db, workspaceId, 'wecom')) as Credentials | null;
  let outcome: { providerId: string } | { failure: SendFailure };
  if (!c?.agentId || !c.agentSecret) outcome = { providerId: `sandbox-wecom-app-${idempotencyKey}` };
  else {
    // the endpoint is a workspace setting: the workspace's address policy applies (provider-fetch.ts)
    const network = await workspaceProviderNetwork(db, workspaceId);
    const out = await postWithToken(
      network.fetch,
      tokenUrl(c, c.agentSecret),
      () => new Date(),
      api(c, 'message/send'),
      {
        touser: userid,
        msgtype: 'text',
        agentid: c.agentId,
        text: { content: text },
      },
    ).catch((err) => {
      // nothing was sent, and no retry will send it while the endpoint is an address the workspace may not call
      if (err instanceof AddressRefused)
        return { failure: { kind: 'permanent' as const, message: err.message, code: err.code } };
      throw err;
    });
    outcome = 'failure' in out ? out : appMessageOutcome(out.answer, userid);
  }
  if ('failure' in outcome) {
    const status = outcome.failure.kind === 'permanent' ? 'failed' : 'queued';
    await db
      .updateTable('staff_messages')
      .set({ status, error: outcome.failure.message })
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
    return { status, failure: outcome.failure };
  }
  await db
    .updateTable('staff_messages')
    .set({ status: 'sent', provider_message_id: outcome.providerId, sent_at: new Date() })
    .where('idempotency_key', '=', idempotencyKey)
    .execute();
  return { status: 'sent', providerId: outcome.providerId };
}

function appMessageOutcome(
  answer: WeixinAnswer,
  userid: string,
): { providerId: string } | { failure: SendFailure } {
  const invalid = String(answer.invaliduser ?? '').split('|');
  if (invalid.includes(userid))
    return { failure: { kind: 'permanent', message: `invaliduser: ${userid}`, code: 'invaliduser' } };
  return { providerId: String(answer.msgid ?? '') };
}
