import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { type AppProcess, startAppProcess } from '../testing/app-process.js';
import { freshDatabase } from '../testing/fresh-database.js';

const METRICS_TOKEN = `metrics-${randomUUID()}`;
const PASSWORD = 'a long password';

/** One request with headers fetch() may not send (Host), answered as status, headers and text. */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The process as it serves the network: which Host names it answers to (DNS rebinding), which address a
 * client has behind a trusted proxy, the headers every answer carries, and who may read /metrics.
 * A first start (nobody has an account) behind one trusted proxy, with a metrics token.
 */
describe('the HTTP edge of a running app', () => {
  let app: AppProcess;
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: ReturnType<typeof createDb>;
  let dataDir: string;
  let port: string;
  let metricsBase: string;

  beforeAll(async () => {
    fresh = await freshDatabase(inject('databaseUrl'), { migrate: false });
    db = createDb(fresh.url, { max: 2 });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-edge-'));
    app = await startAppProcess({
      mode: 'api',
      env: {
        DATABASE_URL: fresh.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `edge-${randomUUID().slice(0, 8)}`,
        YUTANG_DATA_DIR: dataDir,
        YUTANG_ADMIN_EMAIL: '',
        YUTANG_ADMIN_PASSWORD: '',
        YUTANG_TRUST_PROXY: '1',
        YUTANG_ALLOWED_HOSTS: 'yutang.example.com, *.brand.test',
        YUTANG_METRICS_TOKEN: METRICS_TOKEN,
      },
    });
    port = new URL(app.baseUrl).port;
    metricsBase = new URL(app.metricsUrl).origin;
  });
  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await fresh?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('answers 421 to a host it does not serve: a rebound name cannot take over the first start', async () => {
    const rebound = `rebind.attacker.test:${port}`;
    // what the attacker's page sends once its name resolves to this machine: same-origin in every way
    const takeover = await raw(`${app.baseUrl}/api/auth/setup`, {
      method: 'POST',
      headers: { host: rebound, origin: `http://${rebound}`, 'sec-fetch-site': 'same-origin' },
      body: { email: 'attacker@attacker.test', password: PASSWORD },
    });
    expect(takeover.status).toBe(421);
    expect(takeover.headers['content-type']).toMatch(/^text\/plain/);
    expect(takeover.text.length).toBeLessThan(200);
    expect(await db.selectFrom('users').select('email').execute()).toEqual([]);
    // every part of the app: the web UI, health, metrics (even with its token), unknown paths
    for (const [p, headers] of [
      ['/', {}],
      ['/api/health', {}],
      ['/api/auth/session', {}],
      ['/metrics', { authorization: `Bearer ${METRICS_TOKEN}` }],
      ['/nowhere', {}],
    ] as const) {
      const res = await raw(`${app.baseUrl}${p}`, { headers: { host: rebound, ...headers } });
      expect(res.status, p).toBe(421);
    }
    expect((await raw(`${metricsBase}/metrics`, { headers: { host: rebound } })).status).toBe(421);
    // names that only look like an allowed one
    for (const host of [
      'brand.test',
      'yutang.example.com.attacker.test',
      'localhost.attacker.test',
      'evil-brand.test',
    ])
      expect((await raw(`${app.baseUrl}/api/health`, { headers: { host } })).status, host).toBe(421);
    // behind the trusted proxy the name the browser used counts as well
    const forwarded = await raw(`${app.baseUrl}/api/health`, {
      headers: { host: `localhost:${port}`, 'x-forwarded-host': rebound },
    });
    expect(forwarded.status).toBe(421);
  });

  it('answers loopback names, IP addresses (nothing to rebind) and the configured hosts', async () => {
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      'LOCALHOST',
      // the LAN or container address a health check or a colleague uses
      '192.168.1.20:3000',
      '[fd00::20]:3000',
      'yutang.example.com',
      'Yutang.Example.com.',
      'ops.brand.test:443',
    ]) {
      const res = await raw(`${app.baseUrl}/api/health`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
    const proxied = await raw(`${app.baseUrl}/api/health`, {
      headers: { host: '127.0.0.1:3000', 'x-forwarded-host': 'yutang.example.com' },
    });
    expect(proxied.status).toBe(200);
    // the real first start still works, from the app's own address
    const made = await raw(`${app.baseUrl}/api/auth/setup`, {
      method: 'POST',
      headers: { origin: app.baseUrl },
      body: { email: 'boss@brand.test', password: PASSWORD },
    });
    expect(made.status).toBe(201);
  });

  it('behind one trusted proxy takes the address the proxy saw, not one the client wrote', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await raw(`${app.baseUrl}/api/auth/sign-in`, {
        method: 'POST',
        // the client writes any hop it likes; the proxy appends the address it saw
        headers: { origin: app.baseUrl, 'x-forwarded-for': `10.${i}.0.1, 203.0.113.7` },
        body: { email: 'boss@brand.test', password: `guess ${i}` },
      });
      statuses.push(res.status);
    }
    // the default limit (5 per account and address in 15 minutes) holds
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const rows = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'auth.sign_in')
      .execute();
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => (r.detail as { ip?: string }).ip))).toEqual(new Set(['203.0.113.7']));
  });

  it('sends CSP, frame, sniffing and referrer headers on every answer, and no-store on the API', async () => {
    const answers = {
      web: await raw(`${app.baseUrl}/`),
      health: await raw(`${app.baseUrl}/api/health`),
      session: await raw(`${app.baseUrl}/api/auth/session`),
      notFound: await raw(`${app.baseUrl}/api/nowhere`),
      refused: await raw(`${app.baseUrl}/api/health`, { headers: { host: 'rebind.attacker.test' } }),
    };
    for (const [what, res] of Object.entries(answers)) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp, what).toContain("default-src 'self'");
      expect(csp, what).toContain("frame-ancestors 'none'");
      expect(csp, what).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers['x-frame-options'], what).toBe('DENY');
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      expect(res.headers['referrer-policy'], what).toBe('no-referrer');
    }
    for (const what of ['health', 'session', 'notFound'] as const)
      expect(answers[what].headers['cache-control'], what).toBe('no-store');
  });

  it('serves /metrics only with its bearer token, on the app port and the metrics port', async () => {
    for (const base of [app.baseUrl, metricsBase]) {
      expect((await raw(`${base}/metrics`)).status, base).toBe(401);
      expect(
        (await raw(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-token' } })).status,
        base,
      ).toBe(401);
      const ok = await raw(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(ok.status, base).toBe(200);
      expect(ok.text).toContain('yutang_http_requests_total');
    }
  });
});
