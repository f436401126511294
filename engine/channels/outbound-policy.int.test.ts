import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHarness } from '../testing/channel-harness.js';
import { sendWecomAppMessage } from './wecom.channel.js';

/**
 * Issue 14, M1: channel endpoints are workspace settings, so a provider call is an outbound call like a webhook.
 * An admin key used to point the WeChat endpoint at a listener of its own while the stored AppSecret was kept;
 * the next send called `GET /cgi-bin/token?…&secret=…` on that listener. Here the workspace does NOT allow
 * private addresses, and listeners on 127.0.0.1 play the attacker's endpoint.
 */
describe('provider calls follow the outbound address policy', () => {
  let h: Awaited<ReturnType<typeof channelHarness>>;
  const APP_SECRET = 'M1-stored-app-secret-0123456789';
  const SMTP_PASS = 'M1-stored-smtp-password';
  const AGENT_SECRET = 'M1-stored-agent-secret';

  /** An HTTP listener that records every request it gets (path with query, and body). */
  async function listener(answer?: (req: IncomingMessage) => { status: number; headers?: object }) {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        const a = answer?.(req) ?? { status: 200 };
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  const wechat = {
    channel: 'wechat',
    content: { templateId: 'tmpl-1', data: { thing1: '{{member.name}}' } },
    quietHours: 'ignore',
  };

  beforeAll(async () => {
    h = await channelHarness({ allowPrivateAddresses: false });
    // configured as the brand did: the real endpoint (nothing is called until a send)
    await h.stack.ok('PUT', '/channel-settings/wechat', { appId: 'wx-m1', appSecret: APP_SECRET });
  });
  afterAll(async () => {
    await h?.stack.stop();
  });

  it('changing the endpoint without typing the AppSecret again is a 422 naming appSecret', async () => {
    const evil = await listener();
    try {
      const res = await h.stack.call('PUT', '/channel-settings/wechat', { endpoint: evil.url });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_settings', field: 'appSecret' });
      expect(res.body.error.message).toMatch(/changing endpoint/);
      // nothing changed: the stored endpoint is still the real one
      const { channels } = await h.stack.ok('GET', '/channel-settings');
      expect(channels.find((c: { channel: string }) => c.channel === 'wechat').values.endpoint).toBe(
        'https://api.weixin.qq.com',
      );
      // a field that says nothing about where requests go keeps the secret without retyping it
      await h.stack.ok('PUT', '/channel-settings/wechat', { appId: 'wx-m1' });
    } finally {
      await evil.close();
    }
  });

  it('a send to an endpoint on 127.0.0.1 is refused: the listener never sees the secret', async () => {
    const evil = await listener();
    try {
      // even typed again (say, by someone who knows it), a loopback endpoint is not called
      await h.stack.ok('PUT', '/channel-settings/wechat', { endpoint: evil.url, appSecret: APP_SECRET });
      await h.member('m1-loopback', { name: '小M', attributes: { wechat_openid: 'oM1' } });
      const err = await h.send('m1-loopback', 'm1', wechat).catch((e) => e);
      expect(err).toMatchObject({ name: 'NodeFailure', code: 'channel_address_refused' });
      expect(err.message).toMatch(/127\.0\.0\.1 \(loopback\)/);
      expect(await h.message('m1-loopback', 'm1')).toMatchObject({ status: 'failed' });
      // a name that resolves to loopback is refused the same way
      await h.stack.ok('PUT', '/channel-settings/wechat', {
        endpoint: evil.url.replace('127.0.0.1', 'localhost'),
        appSecret: APP_SECRET,
      });
      await h.member('m1-localhost', { attributes: { wechat_openid: 'oM1b' } });
      expect(await h.send('m1-localhost', 'm1', wechat).catch((e) => e)).toMatchObject({
        code: 'channel_address_refused',
      });
      expect(evil.seen).toEqual([]);
    } finally {
      await evil.close();
    }
  });

  it('WeCom app messages (task reminders) are refused too: the agent secret never reaches the listener', async () => {
    const evil = await listener();
    try {
      await h.stack.ok('PUT', '/channel-settings/wecom', {
        corpId: 'ww-m1',
        contactSecret: 'M1-contact-secret',
        agentId: 1000002,
        agentSecret: AGENT_SECRET,
        endpoint: evil.url,
      });
      const r = await sendWecomAppMessage(h.stack.db, h.stack.workspaceId, 'guide01', '提醒', 'm1-reminder');
      expect(r).toMatchObject({ status: 'failed', failure: { code: 'address_refused' } });
      expect(evil.seen).toEqual([]);
    } finally {
      await h.stack.ok('DELETE', '/channel-settings/wecom');
      await evil.close();
    }
  });

  it('an SMTP host on 127.0.0.1 is refused before connecting; host or port changes need the password again', async () => {
    let connections = 0;
    const smtp = createTcpServer((socket) => {
      connections++;
      socket.end('220 listener\r\n');
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.address() as AddressInfo).port;
    try {
      await h.stack.ok('PUT', '/channel-settings/email', {
        host: 'smtp.brand.example',
        port: 465,
        user: 'noreply@brand.example',
        pass: SMTP_PASS,
        from: '鱼塘 <noreply@brand.example>',
      });
      for (const change of [{ host: '127.0.0.1' }, { port }, { secure: false }]) {
        const res = await h.stack.call('PUT', '/channel-settings/email', change);
        expect(res.status, JSON.stringify(change)).toBe(422);
        expect(res.body.error.field).toBe('pass');
      }
      await h.stack.ok('PUT', '/channel-settings/email', { from: '鱼塘会员 <noreply@brand.example>' });

      await h.stack.ok('PUT', '/channel-settings/email', {
        host: '127.0.0.1',
        port,
        secure: false,
        pass: SMTP_PASS,
      });
      await h.member('m1-mail', { email: 'm1@member.test' });
      const err = await h
        .send('m1-mail', 'm1', {
          channel: 'email',
          content: { subject: 'hi', html: '<p>hi</p>' },
          quietHours: 'ignore',
        })
        .catch((e) => e);
      expect(err).toMatchObject({ name: 'NodeFailure', code: 'channel_address_refused' });
      expect(connections).toBe(0);
    } finally {
      await h.stack.ok('DELETE', '/channel-settings/email');
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('with private addresses allowed, a provider’s redirect is not followed (the secret stays where it was sent)', async () => {
    const elsewhere = await listener();
    const provider = await listener(() => ({ status: 302, headers: { location: `${elsewhere.url}/steal` } }));
    const { settings } = await h.stack.ok('GET', '/settings');
    await h.stack.ok('PUT', '/settings', { ...settings, allowPrivateAddresses: true });
    try {
      await h.stack.ok('PUT', '/channel-settings/wechat', { endpoint: provider.url, appSecret: APP_SECRET });
      await h.member('m1-redirect', { attributes: { wechat_openid: 'oM1c' } });
      // the 3xx is the provider's answer (no token in it): the send does not go through
      expect(await h.send('m1-redirect', 'm1', wechat).catch((e) => e)).toBeInstanceOf(Error);
      expect(provider.seen[0]).toMatch(/^GET \/cgi-bin\/token\?/); // to the endpoint the admin typed
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await h.stack.ok('PUT', '/settings', { ...settings, allowPrivateAddresses: false });
      await provider.close();
      await elsewhere.close();
    }
  });
});
