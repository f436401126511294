import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import { z } from 'zod';
import { label } from '../nodes/schemas.js';
import { escapeHtml } from '../render/template.js';
import { defineChannel, type SendFailure } from './define-channel.js';

/**
 * Email over SMTP (nodemailer). Member values in the HTML body are HTML-escaped (the template itself is not:
 * its author writes the markup). The idempotency key goes out as the Message-ID, so a mail system that
 * de-duplicates by Message-ID sees one message.
 */
const credentials = z.object({
  host: z.string().trim().min(1).max(255).meta(label('SMTP 服务器', 'SMTP host')),
  port: z.number().int().min(1).max(65535).default(465).meta(label('端口', 'Port')),
  secure: z.boolean().default(true).meta(label('SSL/TLS', 'SSL/TLS')),
  user: z.string().max(255).optional().meta(label('用户名', 'User')),
  pass: z.string().max(255).optional().meta(label('密码 / 授权码', 'Password')),
  from: z.string().trim().min(3).max(255).meta(label('发件人（如 鱼塘 <noreply@brand.cn>）', 'From')),
});

const message = z.object({
  subject: z.string().trim().min(1, 'write a subject').max(200).meta(label('主题', 'Subject')),
  html: z
    .string()
    .trim()
    .min(1, 'write the email')
    .max(50_000)
    .meta({
      ...label('正文（HTML，变量会被转义）', 'Body (HTML; variables are escaped)'),
      'x-widget': 'textarea',
    }),
});

/** SMTP reply codes: 4xx try again later (421/450/451/452), 5xx refused for good. */
function classifySmtp(err: Error & { responseCode?: number; code?: string }): SendFailure {
  const code = err.responseCode;
  const message = err.message.slice(0, 300);
  if (code === 421 || code === 450 || code === 451 || code === 452)
    return { kind: 'rate_limited', message, code: String(code), retryAfterMs: 60_000 };
  if (code && code >= 500) return { kind: 'permanent', message, code: String(code) };
  // not connected at all: nothing was sent
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET' || err.code === 'EDNS')
    return { kind: 'transient', message, code: err.code };
  if (err.code === 'EAUTH') return { kind: 'permanent', message, code: err.code };
  throw err; // a cut mid-transfer: the outcome is unknown
}

export type EmailCredentials = z.infer<typeof credentials>;

/**
 * One mail through a workspace's SMTP account: what the channel sends to members, and what Yutang sends to an
 * account's address (verification and password-reset links, engine/auth/account-mail.ts).
 */
export async function sendMail(
  c: EmailCredentials,
  mail: { to: string; subject: string; html: string; text?: string; messageId?: string },
  network: { resolveHost(host: string): Promise<string> },
): Promise<{ providerId: string } | { failure: SendFailure }> {
  // the host is a workspace setting: connect to the address the policy checked, TLS still checks the name
  const checked = await network.resolveHost(c.host);
  const transport = createTransport({
    host: checked,
    // SNI and the certificate check use the name, not the address (an IP literal has no name to send)
    ...(isIP(c.host) ? {} : { tls: { servername: c.host } }),
    port: c.port,
    secure: c.secure,
    ...(c.user ? { auth: { user: c.user, pass: c.pass ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    const info = await transport.sendMail({ from: c.from, ...mail });
    return { providerId: info.messageId };
  } catch (err) {
    return { failure: classifySmtp(err as Error) };
  } finally {
    transport.close();
  }
}

export default defineChannel({
  id: 'email',
  order: 40,
  label: { zh: '邮件', en: 'Email' },
  description: { zh: '通过企业 SMTP 发送邮件', en: 'Email through the brand’s SMTP server' },
  addressLabel: { zh: '邮箱', en: 'Email' },
  address: (m) => m.email,
  credentials,
  publicFields: ['host', 'port', 'secure', 'user', 'from'],
  // where the password goes, and whether it goes in the clear
  destinationFields: ['host', 'port', 'secure'],
  message,
  htmlFields: ['html'],
  preview: (m) => m.subject,
  // a text message becomes a plain HTML mail: the author's text escaped, line breaks kept
  fromText: ({ title, body }) => ({
    subject: title || body.slice(0, 60),
    html: `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>`,
  }),
  async send(ctx, { idempotencyKey, address, message: m }) {
    return sendMail(
      ctx.credentials,
      {
        to: address,
        subject: m.subject,
        html: m.html,
        messageId: `<${idempotencyKey.replace(/[^\w.-]/g, '.')}@yutang>`,
      },
      ctx,
    );
  },
});
