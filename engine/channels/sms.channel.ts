import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { label } from '../nodes/schemas.js';
import { type DeliveryUpdate, defineChannel, httpFailure, type SendFailure } from './define-channel.js';

/**
 * SMS through Alibaba Cloud SMS (Dysmsapi `SendSms`, RPC style, HMAC-SHA1 signature). Chinese SMS carries no free
 * text: a pre-approved signature (签名) and template code (模板) with its parameters; the canvas fills the
 * parameters from member fields and run variables (`{{member.name}}`, `{{coupon.code}}`).
 */
const credentials = z.object({
  accessKeyId: z.string().trim().min(1).max(128).meta(label('AccessKey ID', 'AccessKey ID')),
  accessKeySecret: z.string().trim().min(1).max(256).meta(label('AccessKey Secret', 'AccessKey Secret')),
  signName: z.string().trim().min(1).max(64).meta(label('默认短信签名', 'Default signature')),
  endpoint: z.url().max(300).default('https://dysmsapi.aliyuncs.com').meta(label('接口地址', 'Endpoint')),
});

const message = z.object({
  templateCode: z
    .string()
    .trim()
    .regex(/^SMS_\d{3,20}$/, 'an approved template code such as SMS_123456789')
    .meta(label('短信模板 CODE', 'Template code')),
  params: z
    // values typed in the form as numbers (a keyValue editor reads "5" as 5) are text to the provider
    .record(z.string().regex(/^\w{1,40}$/), z.union([z.string().max(200), z.number()]).transform(String))
    .default({})
    .meta(label('模板参数（可用 {{member.name}} 等变量）', 'Template parameters ({{member.name}} …)')),
  signName: z
    .string()
    .trim()
    .max(64)
    .optional()
    .meta(label('短信签名（留空用默认）', 'Signature (blank: default)')),
});

/** Alibaba Cloud's RPC percent-encoding: RFC 3986, with `~` kept and space as %20. */
const percent = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** Sign an RPC request (SignatureVersion 1.0): HMAC-SHA1 over `METHOD&%2F&<sorted, encoded query>`. */
export function signRpc(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${percent(k)}=${percent(params[k])}`)
    .join('&');
  const toSign = `${method}&${percent('/')}&${percent(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}

/** Codes that mean "too many, too fast": the send is asked again later. */
const RATE_LIMITED = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'Throttling.User',
  'Throttling',
  'isv.DAY_LIMIT_CONTROL',
]);
const TRANSIENT = new Set([
  'isp.SYSTEM_ERROR',
  'isp.RAM_PERMISSION_DENY',
  'ServiceUnavailable',
  'InternalError',
]);

export default defineChannel({
  id: 'sms',
  order: 10,
  label: { zh: '短信', en: 'SMS' },
  description: {
    zh: '阿里云短信：已审核的签名 + 模板 CODE + 模板参数（不支持自由文本）',
    en: 'Alibaba Cloud SMS: approved signature + template code + parameters (no free text)',
  },
  addressLabel: { zh: '手机号', en: 'Phone number' },
  address: (m) => m.phone,
  credentials,
  publicFields: ['accessKeyId', 'signName', 'endpoint'],
  message,
  preview: (m) => `${m.templateCode} ${JSON.stringify(m.params)}`,
  async send(ctx, { idempotencyKey, address, message: m }) {
    const params: Record<string, string> = {
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      AccessKeyId: ctx.credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: ctx
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      PhoneNumbers: address,
      SignName: m.signName || ctx.credentials.signName,
      TemplateCode: m.templateCode,
      TemplateParam: JSON.stringify(m.params),
      // our key travels as OutId: the delivery report names it, and a support ticket can find the send
      OutId: idempotencyKey.slice(0, 256),
    };
    params.Signature = signRpc('POST', params, ctx.credentials.accessKeySecret);
    const res = await ctx.fetch(ctx.credentials.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const text = await res.text();
    let answer: { Code?: string; Message?: string; BizId?: string };
    try {
      answer = JSON.parse(text);
    } catch {
      return { failure: httpFailure(res.status, text) };
    }
    if (answer.Code === 'OK' && answer.BizId) return { providerId: answer.BizId };
    return { failure: classify(answer.Code ?? String(res.status), answer.Message ?? text) };
  },
  /** SmsReport pushed over HTTP: a JSON array, one entry per message (`biz_id`, `success`, `err_code`). */
  parseCallback(body) {
    const reports = JSON.parse(body) as {
      biz_id?: string;
      success?: boolean;
      err_code?: string;
      err_msg?: string;
    }[];
    if (!Array.isArray(reports)) throw new Error('expected a JSON array of SmsReport entries');
    return reports
      .filter((r) => typeof r.biz_id === 'string')
      .map(
        (r): DeliveryUpdate => ({
          providerId: r.biz_id as string,
          status: r.success ? 'delivered' : 'failed',
          ...(r.success ? {} : { error: `${r.err_code ?? ''} ${r.err_msg ?? ''}`.trim() }),
        }),
      );
  },
});

function classify(code: string, text: string): SendFailure {
  const message = `${code}: ${text}`;
  if (RATE_LIMITED.has(code)) return { kind: 'rate_limited', message, code, retryAfterMs: 60_000 };
  if (TRANSIENT.has(code)) return { kind: 'transient', message, code };
  // isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL, isv.TEMPLATE_MISSING_PARAMETERS, isv.AMOUNT_NOT_ENOUGH …
  return { kind: 'permanent', message, code };
}
