import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMetricsApp, createServerApp } from './server-app.js';

const config = { allowedHosts: [], publicUrl: null, trustProxy: 0, metricsToken: null };
const api = new Hono().get('/key', (c) => c.json({ key: 'shown once' }));

describe('what PORT and the metrics port serve', () => {
  it('keeps /metrics off PORT without a token, and serves it on the metrics port', async () => {
    const app = createServerApp({ config, api, webRoot: 'no-such-folder' });
    const refused = await app.request('http://localhost/metrics');
    expect(refused.status).toBe(404);
    expect(await refused.text()).toMatch(/YUTANG_METRICS_PORT/);
    const metrics = createMetricsApp({ config, health: () => ({ worker: true }) });
    const served = await metrics.request('http://127.0.0.1:9464/metrics');
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('process_cpu_seconds_total');
    expect(await (await metrics.request('http://127.0.0.1:9464/health')).json()).toEqual({
      ok: true,
      worker: true,
    });
    expect((await metrics.request('http://rebind.attacker.test:9464/metrics')).status).toBe(421);
  });

  it('sends the security headers on every answer and no-store on the API', async () => {
    const app = createServerApp({ config, api, webRoot: 'no-such-folder' });
    const key = await app.request('http://localhost/api/key');
    expect(key.headers.get('cache-control')).toBe('no-store');
    for (const res of [key, await app.request('http://localhost/')]) {
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });
});
