import { z } from 'zod';
import { enumLabels, label } from '../nodes/schemas.js';
import { type DeliveryUpdate, defineChannel } from './define-channel.js';
import { postWithToken } from './weixin-token.js';

/**
 * WeChat official account (公众号): template messages (`POST /cgi-bin/message/template/send`) or subscription
 * notifications (`POST /cgi-bin/message/subscribe/bizsend`, for members who subscribed to that template), with the
 * template id and its fields, to the member's openid for this account. A template message's outcome is reported
 * later as a `TEMPLATESENDJOBFINISH` event (XML) to the account's server URL, which may point at our callback; a
 * subscription notification has no message id to report on.
 */
const credentials = z.object({
  appId: z.string().trim().min(1).max(64).meta(label('AppID', 'AppID')),
  appSecret: z.string().trim().min(1).max(128).meta(label('AppSecret', 'AppSecret')),
  endpoint: z.url().max(300).default('https://api.weixin.qq.com').meta(label('接口地址', 'Endpoint')),
});

const message = z.object({
  kind: z
    .enum(['template', 'subscribe'])
    .default('template')
    .meta({
      ...label('消息类型', 'Kind'),
      ...enumLabels({
        template: { zh: '模板消息', en: 'Template message' },
        subscribe: { zh: '订阅通知（会员已订阅该模板）', en: 'Subscription notification' },
      }),
    }),
  templateId: z.string().trim().min(1).max(128).meta(label('模板 ID', 'Template id')),
  data: z
    // values typed in the form as numbers (a keyValue editor reads "5" as 5) are text to the provider
    .record(z.string().regex(/^\w{1,40}$/), z.union([z.string().max(200), z.number()]).transform(String))
    .default({})
    .meta(
      label('模板字段（如 thing1、time2，可用变量）', 'Template fields (thing1, time2 …; variables allowed)'),
    ),
  url: z.url().max(500).optional().meta(label('点击跳转链接', 'Link')),
});

/** Where the openid is kept on the member (set by the brand's system or an import). */
export const WECHAT_OPENID_ATTRIBUTE = 'wechat_openid';

const tokenUrl = (c: z.infer<typeof credentials>) =>
  `${c.endpoint}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(c.appId)}&secret=${encodeURIComponent(c.appSecret)}`;

export default defineChannel({
  id: 'wechat',
  order: 20,
  label: { zh: '公众号', en: 'WeChat' },
  description: {
    zh: '公众号模板消息：模板 ID + 模板字段，发给会员在本公众号的 openid',
    en: 'Official account template message: template id + fields, to the member’s openid',
  },
  addressLabel: { zh: '会员属性 wechat_openid', en: 'member attribute wechat_openid' },
  address: (m) => {
    const openid = m.attributes?.[WECHAT_OPENID_ATTRIBUTE];
    return typeof openid === 'string' && openid ? openid : null;
  },
  sandboxAddress(m) {
    return this.address(m) ?? m.externalId;
  },
  credentials,
  publicFields: ['appId', 'endpoint'],
  message,
  preview: (m) => `${m.templateId} ${JSON.stringify(m.data)}`,
  async send(ctx, { idempotencyKey, address, message: m }) {
    const c = ctx.credentials;
    const data = Object.fromEntries(Object.entries(m.data).map(([k, v]) => [k, { value: v }]));
    if (m.kind === 'subscribe') {
      const sub = await postWithToken(
        ctx.fetch,
        tokenUrl(c),
        ctx.now,
        (token) =>
          `${c.endpoint}/cgi-bin/message/subscribe/bizsend?access_token=${encodeURIComponent(token)}`,
        { touser: address, template_id: m.templateId, ...(m.url ? { page: m.url } : {}), data },
      );
      if ('failure' in sub) return sub; // 43101: the member did not subscribe (or refused) — permanent
      // bizsend answers no message id: ours names it, and no report will follow
      return { providerId: `bizsend:${idempotencyKey}`, pending: false };
    }
    const out = await postWithToken(
      ctx.fetch,
      tokenUrl(c),
      ctx.now,
      (token) => `${c.endpoint}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
      {
        touser: address,
        template_id: m.templateId,
        ...(m.url ? { url: m.url } : {}),
        data,
      },
    );
    if ('failure' in out) return out;
    return { providerId: String(out.answer.msgid) };
  },
  /** `<xml>…<Event>TEMPLATESENDJOBFINISH</Event><MsgID>…</MsgID><Status>success|failed:user block|…</Status></xml>` */
  parseCallback(body) {
    const field = (name: string) =>
      new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([^\\]]*)\\]\\]>|([^<]*))\\s*</${name}>`).exec(body);
    const pick = (name: string) => {
      const m = field(name);
      return m ? (m[1] ?? m[2] ?? '').trim() : null;
    };
    if (pick('Event') !== 'TEMPLATESENDJOBFINISH') return [];
    const id = pick('MsgID');
    const status = pick('Status') ?? '';
    if (!id) return [];
    const update: DeliveryUpdate =
      status === 'success'
        ? { providerId: id, status: 'delivered' }
        : { providerId: id, status: 'failed', error: status };
    return [update];
  },
});
