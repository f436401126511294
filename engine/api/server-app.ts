import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AuthConfig } from '../auth/auth-config.js';
import { metricsResponse } from '../infra/metrics.js';
import { hostCheck } from './host-check.js';
import { SDK_PATHS } from './sdk-app.js';
import { noStore, securityHeaders } from './security-headers.js';
import { webAssets } from './web-assets.js';

type EdgeConfig = Pick<AuthConfig, 'allowedHosts' | 'publicUrl' | 'trustProxy' | 'metricsToken'>;

/**
 * Everything `PORT` serves, in this order: the security headers on every answer (421s included); the Host
 * allow-list before any route (engine/api/host-check.ts); `/metrics` with its token; the API under /api, its
 * answers gzipped; tracked short links `/l/:code` (engine/api/link-redirect.ts); the event SDKs' endpoints
 * (`/v1/*`, `/sa`: engine/api/sdk-app.ts); the built web UI, precompressed and cached by name
 * (engine/api/web-assets.ts).
 */
export function createServerApp(opts: {
  config: EdgeConfig;
  /** the API (`createApi`), mounted under /api; any env type */
  api: Hono<any>;
  /** the short-link redirects (`linkRedirectRoutes`), served at /l/:code */
  links?: Hono;
  /** the Segment and Sensors endpoints (`createSdkApi`), mounted at the root where those SDKs post */
  sdk?: Hono<any>;
  /** the built web UI (`dist/web`), relative to the working directory */
  webRoot?: string;
}): Hono {
  const { config, api, links, sdk, webRoot = 'dist/web' } = opts;
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', hostCheck(config));
  app.use('/api/*', noStore());
  // Outside every API middleware, so what is compressed is the final answer (masked for viewers, audited).
  // No BREACH-style guessing of a secret shown once through answer sizes: a cross-site page cannot make a
  // browser send the session cookie with a request it chose (SameSite=Lax, Origin checked on changes).
  app.use('/api/*', compress({ encoding: 'gzip' }));
  // Without a token /metrics is for the metrics port only: PORT is the one people (and proxies) reach.
  app.get('/metrics', (c) =>
    config.metricsToken
      ? metricsFor(c, config.metricsToken)
      : c.text('/metrics is served on YUTANG_METRICS_PORT (or here with YUTANG_METRICS_TOKEN)\n', 404),
  );
  app.route('/api', api);
  if (links) app.route('/', links);
  if (sdk) {
    for (const path of SDK_PATHS) app.use(path, noStore());
    app.route('/', sdk);
  }
  if (existsSync(webRoot)) {
    app.use('/*', webAssets(webRoot));
  } else {
    app.get('/', (c) =>
      c.text('The web UI is not built: run `npm run build:web` (npm start does it for you).'),
    );
  }
  return app;
}

/**
 * What `YUTANG_METRICS_PORT` serves in every mode: `/metrics` (with its token when one is set) and
 * `/health`, behind the same Host allow-list and headers as `PORT`.
 */
export function createMetricsApp(opts: { config: EdgeConfig; health: () => Record<string, unknown> }): Hono {
  const { config, health } = opts;
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', hostCheck(config));
  app.get('/metrics', (c) => (config.metricsToken ? metricsFor(c, config.metricsToken) : metricsResponse()));
  app.get('/health', (c) => c.json({ ok: true, ...health() }));
  return app;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The metrics for `Authorization: Bearer <token>`, else 401 (compared in constant time). */
async function metricsFor(c: Context, token: string): Promise<Response> {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (!given || !timingSafeEqual(digest(given), digest(token))) {
    c.header('www-authenticate', 'Bearer realm="metrics"');
    return c.text('send Authorization: Bearer <YUTANG_METRICS_TOKEN>\n', 401);
  }
  return metricsResponse();
}
