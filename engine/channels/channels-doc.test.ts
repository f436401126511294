import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberSnapshot } from '../nodes/define-node.js';
import type { ChannelDefinition } from './define-channel.js';
import { providerNetwork } from './provider-fetch.js';
import { loadChannelRegistry } from './registry.js';

/**
 * docs/channels.md promises a channel in one file: this takes the example out of the markdown as written, drops
 * it next to the built-in channels (imports unchanged, one folder down), loads it through the registry and sends
 * through it against a fake of the app's API. If the doc's code stops working, this fails.
 */
const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../docs/channels.md'), 'utf8');

function exampleCode(): string {
  const marker = doc.indexOf('<!-- example: brand-app.channel.ts -->');
  const m = /```ts\n([\s\S]*?)```/.exec(doc.slice(marker));
  if (marker < 0 || !m) throw new Error('docs/channels.md lost its example');
  return m[1];
}

describe('docs/channels.md example, literally', () => {
  const dir = join(here, `.doc-example-${randomUUID().slice(0, 8)}`);
  let channel: ChannelDefinition;
  let server: Server;
  let url: string;
  const got: { headers: Record<string, unknown>; body: unknown }[] = [];
  const answers: { status: number; body: string; headers?: Record<string, string> }[] = [];

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    // the doc's file sits in engine/channels/; one folder down, its './' imports become '../'
    writeFileSync(join(dir, 'brand-app.channel.ts'), exampleCode().replaceAll("from './", "from '../"));
    const registry = await loadChannelRegistry([dir]);
    channel = registry.get('brand_app') as ChannelDefinition;
    server = createServer(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      got.push({ headers: req.headers, body: JSON.parse(text) });
      const a = answers.shift() ?? { status: 201, body: JSON.stringify({ id: `inbox-${got.length}` }) };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    server?.close();
  });

  const member: MemberSnapshot = {
    id: 'm1',
    externalId: 'u-1001',
    name: '小红',
    phone: null,
    email: null,
    timezone: null,
    attributes: {},
    consent: {},
    tags: [],
  };
  const send = () =>
    channel.send(
      {
        workspaceId: 'ws',
        credentials: channel.credentials.parse({ endpoint: url, token: 'tkn' }),
        db: null as never,
        // a fake on loopback: the test allows private addresses, as a workspace setting would
        ...providerNetwork({ allowPrivate: true }),
        now: () => new Date(),
      },
      {
        idempotencyKey: 'run-1:m:1',
        address: channel.address(member) as string,
        message: channel.message.parse({ title: '会员日', text: '小红，会员日快乐' }),
        member,
        vars: {},
      },
    );

  it('is found by the registry and describes its forms', async () => {
    expect(channel).toBeDefined();
    const registry = await loadChannelRegistry([dir]);
    const info = registry.describe().find((c) => c.id === 'brand_app');
    expect(info?.messageSchema).toMatchObject({ properties: { title: {}, text: {} } });
    expect(info?.publicFields).toEqual(['endpoint']);
    // the built-ins are still there beside it
    expect(registry.ids()).toEqual(expect.arrayContaining(['sms', 'wechat', 'wecom', 'email', 'brand_app']));
  });

  it('sends with the idempotency key and returns the app’s id', async () => {
    const out = await send();
    expect(out).toEqual({ providerId: 'inbox-1' });
    expect(got[0].headers['idempotency-key']).toBe('run-1:m:1');
    expect(got[0].headers.authorization).toBe('Bearer tkn');
    expect(got[0].body).toEqual({ userId: 'u-1001', title: '会员日', text: '小红，会员日快乐' });
  });

  it('classifies a 400 as permanent and a 429 as rate-limited with the Retry-After delay', async () => {
    answers.push({ status: 400, body: '{"error":"unknown user"}' });
    expect(await send()).toMatchObject({
      failure: { kind: 'permanent', message: expect.stringContaining('unknown user') },
    });
    answers.push({ status: 429, body: 'slow down', headers: { 'retry-after': '30' } });
    expect(await send()).toMatchObject({ failure: { kind: 'rate_limited', retryAfterMs: 30_000 } });
  });
});
