import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { loadChannelCredentials } from '../channels/channel-settings.service.js';
import { type EmailCredentials, sendMail } from '../channels/email.channel.js';
import { workspaceProviderNetwork } from '../channels/provider-fetch.js';
import { logger } from '../infra/logger.js';
import { escapeHtml } from '../render/template.js';
import type { AuthConfig } from './auth-config.js';
import { isHttps } from './sessions.js';

/** How a mail to an account's address went: `not_configured` — the workspace has no email channel. */
export type MailOutcome = 'sent' | 'not_configured' | 'failed';

export type AccountMailKind = 'verify' | 'reset';

/** How long the links live (README: Security). */
export const LINK_HOURS: Record<AccountMailKind, number> = { verify: 24, reset: 1 };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * Where links in account mails point: `YUTANG_PUBLIC_URL`, else the address of this request only when it is this
 * machine's own (loopback). A request's Host header is the caller's to choose: a reset link built from a forged
 * Host would carry the token to the forger's server when the owner clicks it. Null: no mail goes out.
 */
export function mailLinkBase(c: Context, config: AuthConfig): string | null {
  if (config.publicUrl) return config.publicUrl;
  const host = new URL(c.req.url).host;
  if (!LOOPBACK.test(host)) {
    logger.warn({ host }, 'no account mail: set YUTANG_PUBLIC_URL so that links in mails point at Yutang');
    return null;
  }
  return `${isHttps(c, config) ? 'https' : 'http'}://${host}`;
}

const WORDS: Record<
  AccountMailKind,
  { subject: string; zh: (ws: string) => string; en: (ws: string) => string; button: [string, string] }
> = {
  verify: {
    subject: '鱼塘：确认你的邮箱 / Yutang: confirm your email',
    zh: (ws) =>
      `请确认这是你的邮箱：你在鱼塘的账号要向工作区「${ws}」证明它（加入该工作区或恢复访问时需要）。`,
    en: (ws) =>
      `Please confirm this address is yours: your Yutang account is proving it to the workspace “${ws}”.`,
    button: ['确认邮箱', 'Confirm my email'],
  },
  reset: {
    subject: '鱼塘：重置密码 / Yutang: reset your password',
    zh: (ws) => `有人（希望是你）要求重置你在鱼塘的密码。这封邮件经工作区「${ws}」的邮件服务发出。`,
    en: (ws) =>
      `Someone (we hope you) asked to reset your Yutang password. This mail went through the workspace “${ws}”.`,
    button: ['设置新密码', 'Set a new password'],
  },
};

/** The mail: Chinese first, then English; the link once as a button and once as text. */
function compose(kind: AccountMailKind, workspaceName: string, link: string) {
  const w = WORDS[kind];
  const ws = escapeHtml(workspaceName);
  const href = escapeHtml(link);
  const hours = LINK_HOURS[kind];
  const zhNote = `链接 ${hours} 小时内有效，只能使用一次。如果不是你本人操作，请忽略这封邮件，不要点击。`;
  const enNote = `The link works once, for ${hours} hour${hours > 1 ? 's' : ''}. If you did not ask for it, ignore this mail.`;
  const html = [
    `<p>${w.zh(ws)}</p>`,
    `<p><a href="${href}">${w.button[0]}</a></p>`,
    `<p>${zhNote}</p>`,
    '<hr>',
    `<p>${w.en(ws)}</p>`,
    `<p><a href="${href}">${w.button[1]}</a></p>`,
    `<p>${enNote}</p>`,
    `<p style="color:#888">${href}</p>`,
  ].join('\n');
  const text = [w.zh(workspaceName), link, zhNote, '', w.en(workspaceName), link, enNote].join('\n');
  return { subject: w.subject, html, text };
}

/**
 * Mails a link to an account's address through `workspaceId`'s email channel (its SMTP account). Never throws
 * for the mail itself: the caller tells the person what happened.
 */
export async function sendAccountMail(
  db: Kysely<Database>,
  input: { workspaceId: string; workspaceName: string; to: string; kind: AccountMailKind; link: string },
): Promise<MailOutcome> {
  const credentials = await loadChannelCredentials(db, input.workspaceId, 'email');
  if (!credentials) return 'not_configured';
  const mail = compose(input.kind, input.workspaceName, input.link);
  try {
    // the workspace's SMTP host is an outbound address like any provider's (issue 14, M1)
    const network = await workspaceProviderNetwork(db, input.workspaceId);
    const sent = await sendMail(credentials as EmailCredentials, { to: input.to, ...mail }, network);
    if ('providerId' in sent) return 'sent';
    logger.warn({ workspaceId: input.workspaceId, error: sent.failure.message }, 'account mail refused');
  } catch (err) {
    logger.warn({ workspaceId: input.workspaceId, error: (err as Error).message }, 'account mail failed');
  }
  return 'failed';
}
