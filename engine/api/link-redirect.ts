import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { AuthConfig, Rate } from '../auth/auth-config.js';
import { parseRate } from '../auth/auth-config.js';
import { clientIp } from '../auth/authorize.js';
import { hitRateLimit } from '../auth/rate-limit.js';
import { errorFields, logger } from '../infra/logger.js';
import { followLink } from '../links/link-click.service.js';
import type { TemporalDeps } from '../services/runs.service.js';

const log = logger.child({ component: 'links' });

/** Requests to `/l/…` per address: `YUTANG_LINK_RATE`, default 300 a minute (a store's Wi-Fi is one address). */
export function linkRate(env: NodeJS.ProcessEnv = process.env): Rate {
  return parseRate('YUTANG_LINK_RATE', env.YUTANG_LINK_RATE ?? '300/1m');
}

/** The pages a member may meet instead of the shop: plain, Chinese, no script, nothing to follow. */
function page(title: string, text: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#1f2937;text-align:center;padding:18vh 24px;margin:0}h1{font-size:20px;font-weight:600;margin:0 0 12px}p{font-size:15px;color:#6b7280;line-height:1.6;margin:0}</style>
</head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}
const NOT_FOUND = page(
  '链接不存在或已过期',
  '请确认链接完整无误；活动链接过期后将无法打开。如有疑问，请联系品牌客服。',
);
const TOO_MANY = page('访问过于频繁', '请稍后再试。');
const AWAY = page('服务暂时不可用', '请稍后再打开此链接。');

/**
 * `GET /l/:code` — a tracked short link from a message: 302 to where it leads, the click counted for its member
 * (engine/links/link-click.service.ts). Public (the member has no account), outside /api, limited per address.
 * A code that is malformed, unknown or expired gets a plain 404 page, never a redirect: nobody can make this
 * server send a visitor anywhere that a journey's author did not write.
 */
export function linkRedirectRoutes(deps: {
  db: Kysely<Database>;
  temporal: TemporalDeps;
  auth: AuthConfig;
  rate?: Rate;
  /** clicks on one code closer than this count once (default CLICK_DEDUPE_MS) */
  dedupeMs?: number;
}): Hono {
  const rate = deps.rate ?? linkRate();
  const app = new Hono();
  app.get('/l/:code', async (c) => {
    c.header('cache-control', 'no-store');
    try {
      const ip = clientIp(c, deps.auth) ?? 'unknown';
      const limit = await hitRateLimit(deps.db, `link:${ip}`, rate);
      if (!limit.allowed) {
        c.header('retry-after', String(limit.retryAfterS));
        return c.html(TOO_MANY, 429);
      }
      const outcome = await followLink(deps.db, deps.temporal, c.req.param('code'), {
        // previewers (chat apps unfurling a link) ask with HEAD: they are sent on, not counted
        count: c.req.method === 'GET',
        dedupeMs: deps.dedupeMs,
      });
      if (outcome.kind === 'not_found') {
        log.info({ reason: outcome.reason }, 'short link not found');
        return c.html(NOT_FOUND, 404);
      }
      return c.redirect(outcome.url, 302);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        log.warn(errorFields(err), 'short link: database unreachable');
        c.header('retry-after', '5');
        return c.html(AWAY, 503);
      }
      log.error({ ...errorFields(err), stack: (err as Error).stack }, 'short link failed');
      return c.html(AWAY, 500);
    }
  });
  // `/l`, `/l/`, `/l/a/b`: no code at all
  app.all('/l', (c) => c.html(NOT_FOUND, 404));
  app.all('/l/*', (c) => c.html(NOT_FOUND, 404));
  return app;
}
