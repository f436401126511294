import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddress } from './address-policy.js';
import { deliverWebhook, type WebhookRequest } from './deliver.js';
import { verifyWebhookSignature } from './verify.js';

const SECRET = 'a-test-secret-of-some-length';

/** A receiver on loopback: each path answers differently; it records what it got and whether it verified. */
let server: Server;
let base: string;
const received: { path: string; host: string; key: string; verified: boolean; body: string }[] = [];

function answer(req: IncomingMessage, res: ServerResponse, body: string) {
  const path = req.url ?? '/';
  received.push({
    path,
    host: String(req.headers.host),
    key: String(req.headers['idempotency-key']),
    body,
    verified: verifyWebhookSignature({
      secret: SECRET,
      body,
      timestamp: req.headers['x-yutang-timestamp'],
      signature: req.headers['x-yutang-signature'],
    }),
  });
  const port = (server.address() as AddressInfo).port;
  if (path === '/ok')
    return res.writeHead(200, { 'content-type': 'application/json' }).end('{"output":"vip"}');
  if (path === '/bad') return res.writeHead(422).end('{"error":"unknown member"}');
  if (path === '/down') return res.writeHead(503).end('maintenance');
  if (path === '/busy') return res.writeHead(429).end('slow down');
  if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2000);
  if (path === '/to-metadata')
    return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
  if (path === '/to-private') return res.writeHead(307, { location: 'http://10.0.0.7/hook' }).end();
  if (path === '/to-ipv6-loopback') return res.writeHead(307, { location: `http://[::1]:${port}/ok` }).end();
  if (path === '/hop') return res.writeHead(307, { location: '/ok' }).end();
  if (path.startsWith('/loop')) return res.writeHead(307, { location: `/loop${path.length}` }).end();
  res.writeHead(404).end('no such hook');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request = (path: string, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
  url: `${base}${path}`,
  secret: SECRET,
  body: JSON.stringify({ hello: '世界' }),
  idempotencyKey: 'run-1:node-1:1',
  timeoutMs: 1000,
  // the test's receiver is on loopback: this policy lets 127.0.0.1 alone through, every other rule stands
  refuse: (address) => (address === '127.0.0.1' ? null : refusedAddress(address)),
  allowPrivate: false,
  ...extra,
});

describe('webhook delivery', () => {
  it('signs the body: the receiver verifies it, and sees the idempotency key', async () => {
    const out = await deliverWebhook(request('/ok'));
    expect(out).toMatchObject({ kind: 'delivered', status: 200, json: { output: 'vip' }, redirects: 0 });
    const got = received.at(-1)!;
    expect(got).toMatchObject({ path: '/ok', key: 'run-1:node-1:1', verified: true });
    expect(JSON.parse(got.body)).toEqual({ hello: '世界' });
    // a tampered body does not verify
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: `${got.body} `,
        timestamp: String((Date.now() / 1000) | 0),
        signature: 'sha256=00',
      }),
    ).toBe(false);
  });

  it('refuses loopback, private, link-local and metadata addresses, and names that resolve to them', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://10.0.0.1/x',
      'http://192.168.0.10/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:9/x',
      'http://[::ffff:127.0.0.1]:9/x',
      'http://[fd00::1]/x',
      'http://localhost:9/x',
    ]) {
      const out = await deliverWebhook({ ...request('/'), url, refuse: undefined });
      expect(out, url).toMatchObject({ kind: 'rejected', code: 'webhook_address_refused' });
    }
    expect(received.filter((r) => r.path === '/x')).toHaveLength(0);
  });

  it('refuses a redirect to a private address, without calling it', async () => {
    for (const path of ['/to-metadata', '/to-private', '/to-ipv6-loopback']) {
      const out = await deliverWebhook(request(path));
      expect(out, path).toMatchObject({ kind: 'rejected', code: 'webhook_address_refused' });
      expect((out as { message: string }).message).toMatch(/169\.254\.169\.254|10\.0\.0\.7|::1/);
    }
  });

  it('follows a public redirect, and at most three', async () => {
    expect(await deliverWebhook(request('/hop'))).toMatchObject({ kind: 'delivered', redirects: 1 });
    expect(await deliverWebhook(request('/loop'))).toMatchObject({
      kind: 'rejected',
      code: 'webhook_redirect',
    });
    expect(received.filter((r) => r.path.startsWith('/loop'))).toHaveLength(4);
  });

  it('retries 5xx, 429 and timeouts; fails other 4xx with the status and the body', async () => {
    expect(await deliverWebhook(request('/down'))).toMatchObject({
      kind: 'retry',
      message: expect.stringMatching(/HTTP 503.*maintenance/),
    });
    expect(await deliverWebhook(request('/busy'))).toMatchObject({ kind: 'retry' });
    expect(await deliverWebhook(request('/slow', { timeoutMs: 200 }))).toMatchObject({
      kind: 'retry',
      message: expect.stringMatching(/timed out/),
    });
    expect(await deliverWebhook(request('/bad'))).toMatchObject({
      kind: 'rejected',
      code: 'webhook_rejected',
      message: expect.stringMatching(/HTTP 422 .*unknown member/),
    });
  });

  it('with private addresses allowed, reaches a name that resolves to loopback (Host header kept)', async () => {
    const port = (server.address() as AddressInfo).port;
    const out = await deliverWebhook({
      ...request('/ok'),
      url: `http://localhost:${port}/ok`,
      refuse: undefined,
      allowPrivate: true,
    });
    expect(out).toMatchObject({ kind: 'delivered' });
    expect(received.at(-1)!.host).toBe(`localhost:${port}`);
  });
});
