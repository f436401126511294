import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressFolder } from '../web-build/precompress.js';
import { createServerApp } from './server-app.js';
import { acceptedEncodings } from './web-assets.js';

const config = { allowedHosts: [], publicUrl: null, trustProxy: 0, metricsToken: null };
const bigJson = {
  rows: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `会员 ${i}`, phone: '13800000000' })),
};
const api = new Hono().get('/rows', (c) => c.json(bigJson)).get('/tiny', (c) => c.json({ ok: true }));

let root: string;
const script = `console.log(${JSON.stringify('鱼塘'.repeat(2000))});\n`;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'yutang-web-'));
  await mkdir(join(root, 'assets'));
  await writeFile(
    join(root, 'index.html'),
    `<!doctype html><script type="module" src="/assets/app-abc123.js"></script>${' '.repeat(2000)}`,
  );
  await writeFile(join(root, 'assets', 'app-abc123.js'), script);
  await writeFile(join(root, 'assets', 'logo-abc123.png'), Buffer.alloc(2000, 7));
  await precompressFolder(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (app: Hono, path: string, headers: Record<string, string> = {}) =>
  app.request(`http://localhost${path}`, { headers });

describe('the web UI as served', () => {
  it('sends hashed assets precompressed (brotli, else gzip) and cached for a year, immutable', async () => {
    const app = createServerApp({ config, api, webRoot: root });
    const br = await get(app, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(br.headers.get('content-type')).toMatch(/^text\/javascript/);
    const brBytes = new Uint8Array(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(script.length / 10);
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.length);

    const gz = await get(app, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(script);
    // a different representation, a different tag
    expect(gz.headers.get('etag')).not.toBe(br.headers.get('etag'));

    const plain = await get(app, '/assets/app-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(script);
    // images are not compressed again, but are cached the same
    const png = await get(app, '/assets/logo-abc123.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(png.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // the security headers stay on everything
    expect(br.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(br.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('asks again for index.html every visit (no-cache) and answers 304 while it is unchanged', async () => {
    const app = createServerApp({ config, api, webRoot: root });
    const first = await get(app, '/', { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('content-encoding')).toBe('gzip');
    const etag = first.headers.get('etag')!;
    const again = await get(app, '/', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // a new build changes the file: the old tag no longer matches
    await utimes(join(root, 'index.html'), new Date(), new Date(Date.now() + 5000));
    const rebuilt = await get(app, '/', { 'if-none-match': etag });
    expect(rebuilt.status).toBe(200);
    // the hash router's other paths get the shell too, uncached
    const deep = await get(app, '/some/client/path');
    expect(deep.status).toBe(200);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    expect(await deep.text()).toContain('/assets/app-abc123.js');
  });

  it('answers 404 for an asset the build does not have (an old tab’s chunk), never the HTML shell', async () => {
    const app = createServerApp({ config, api, webRoot: root });
    const gone = await get(app, '/assets/editor-old999.js');
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/.vite/manifest.json', '/assets/..%2F..%2Fetc%2Fpasswd'])
      expect((await get(app, path)).status, path).toBe(404);
    // the URL parser folds an encoded `..` before us: what is left is an app path, answered with the shell
    const folded = await get(app, '/%2e%2e/%2e%2e/etc/passwd');
    expect(await folded.text()).toContain('/assets/app-abc123.js');
  });

  it('gzips API answers above a kilobyte for clients that accept it, and keeps them no-store', async () => {
    const app = createServerApp({ config, api, webRoot: root });
    const res = await get(app, '/api/rows', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(JSON.parse(gunzipSync(bytes).toString())).toEqual(bigJson);
    expect(bytes.length).toBeLessThan(JSON.stringify(bigJson).length / 5);
    const identity = await get(app, '/api/rows');
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(await identity.json()).toEqual(bigJson);
  });

  it('reads Accept-Encoding with its q-values', () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')]).toEqual(['gzip', 'deflate', 'br', 'zstd']);
    expect([...acceptedEncodings('br;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedEncodings(undefined)]).toEqual([]);
  });
});
