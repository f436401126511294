import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHarness, isRateLimited } from '../testing/channel-harness.js';
import { fakeWeixin } from '../testing/fake-providers.js';

/** WeChat official account template messages (`message/template/send`) against a local fake. */
describe('wechat channel (template message)', () => {
  let h: Awaited<ReturnType<typeof channelHarness>>;
  let fake: Awaited<ReturnType<typeof fakeWeixin>>;
  const config = {
    channel: 'wechat',
    content: {
      templateId: 'tmpl-order-shipped',
      data: { thing1: '{{member.name}}', time2: '2026-11-25' },
      url: 'https://brand.example/orders',
    },
    quietHours: 'ignore',
  };
  const sends = () => fake.calls.filter((c) => c.path === 'message/template/send');

  beforeAll(async () => {
    h = await channelHarness();
    fake = await fakeWeixin({ id: 'wx-app', secrets: ['app-secret'] });
    await h.stack.ok('PUT', '/channel-settings/wechat', {
      appId: 'wx-app',
      appSecret: 'app-secret',
      endpoint: fake.url,
    });
  });
  afterAll(async () => {
    await fake?.close();
    await h?.stack.stop();
  });

  it('sends the template with its fields to the member’s openid; msgid is the provider id', async () => {
    await h.member('wx-ok', { name: '小美', attributes: { wechat_openid: 'oABC123' } });
    await h.send('wx-ok', 'm1', config);
    expect(sends().at(-1)?.body).toEqual({
      touser: 'oABC123',
      template_id: 'tmpl-order-shipped',
      url: 'https://brand.example/orders',
      data: { thing1: { value: '小美' }, time2: { value: '2026-11-25' } },
    });
    expect(await h.message('wx-ok', 'm1')).toMatchObject({
      status: 'sent',
      provider: 'wechat',
      delivery_status: 'pending',
    });
  });

  it('a member without an openid is skipped by the guard (no_address), nothing is sent', async () => {
    await h.member('wx-none', { name: '无' });
    const before = sends().length;
    const r = await h.send('wx-none', 'm1', config);
    expect(r.guard).toMatchObject({ kind: 'skip', reason: 'no_address' });
    expect(sends().length).toBe(before);
  });

  it('a duplicate send with the same key calls WeChat once', async () => {
    await h.member('wx-dup', { attributes: { wechat_openid: 'oDUP' } });
    const before = sends().length;
    await Promise.all([h.send('wx-dup', 'm1', config), h.send('wx-dup', 'm1', config)]);
    await h.send('wx-dup', 'm1', config);
    expect(sends().length - before).toBe(1);
  });

  it('43004 (the member does not follow the account) fails the step with WeChat’s message', async () => {
    await h.member('wx-bad', { attributes: { wechat_openid: 'oGONE' } });
    fake.script('message/template/send', { errcode: 43004, errmsg: 'require subscribe' });
    const err = await h.send('wx-bad', 'm1', config).catch((e) => e);
    expect(err.name).toBe('NodeFailure');
    expect(err.message).toContain('43004: require subscribe');
    expect((await h.message('wx-bad', 'm1')).status).toBe('failed');
  });

  it('45009 (quota reached) is retried later, then sent once', async () => {
    await h.member('wx-limit', { attributes: { wechat_openid: 'oLIM' } });
    fake.script('message/template/send', { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    const before = sends().length;
    expect(isRateLimited(await h.send('wx-limit', 'm1', config).catch((e) => e))).toBe(true);
    await h.send('wx-limit', 'm1', config);
    expect((await h.message('wx-limit', 'm1')).status).toBe('sent');
    expect(sends().length - before).toBe(2);
  });

  it('a subscription notification goes to bizsend; 43101 (not subscribed) fails the step', async () => {
    const sub = {
      ...config,
      content: { ...config.content, kind: 'subscribe', url: 'https://brand.example/p' },
    };
    await h.member('wx-sub', { name: '小订', attributes: { wechat_openid: 'oSUB' } });
    await h.send('wx-sub', 'm1', sub);
    const call = fake.calls.filter((c) => c.path === 'message/subscribe/bizsend').at(-1);
    expect(call?.body).toEqual({
      touser: 'oSUB',
      template_id: 'tmpl-order-shipped',
      page: 'https://brand.example/p',
      data: { thing1: { value: '小订' }, time2: { value: '2026-11-25' } },
    });
    // no message id, no report coming: sent, not pending
    expect(await h.message('wx-sub', 'm1')).toMatchObject({ status: 'sent', delivery_status: null });

    await h.member('wx-unsub', { attributes: { wechat_openid: 'oUNSUB' } });
    fake.script('message/subscribe/bizsend', { errcode: 43101, errmsg: 'user refuse to accept the msg' });
    const err = await h.send('wx-unsub', 'm1', sub).catch((e) => e);
    expect(err.name).toBe('NodeFailure');
    expect(err.message).toContain('43101');
  });

  it('TEMPLATESENDJOBFINISH on the callback marks delivery (XML, as WeChat posts it)', async () => {
    const row = await h.message('wx-ok', 'm1');
    const { channels } = await h.stack.ok('GET', '/channel-settings');
    const path: string = channels.find((c: { channel: string }) => c.channel === 'wechat').callbackPath;
    const xml = `<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oABC123]]></FromUserName><CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>${row.provider_message_id}</MsgID><Status><![CDATA[failed:user block]]></Status></xml>`;
    const res = await h.stack.app.request(path, {
      method: 'POST',
      body: xml,
      headers: { 'content-type': 'text/xml' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(await h.message('wx-ok', 'm1')).toMatchObject({
      delivery_status: 'failed',
      error: 'failed:user block',
    });
  });
});
