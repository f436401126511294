import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudienceDeps } from '../segments/audience.service.js';
import { channelHarness, isRateLimited } from '../testing/channel-harness.js';
import { fakeWeixin } from '../testing/fake-providers.js';
import { pollPendingDeliveries } from './deliver.js';
import { sendWecomAppMessage } from './wecom.channel.js';

/** WeCom 1:1 through the member's guide (add_msg_template), its status poll, the monthly quota, app messages. */
describe('wecom channel', () => {
  let h: Awaited<ReturnType<typeof channelHarness>>;
  let fake: Awaited<ReturnType<typeof fakeWeixin>>;
  const config = { channel: 'wecom', content: { text: '{{member.name}}，新品到店了' }, quietHours: 'ignore' };
  const calls = (path: string) => fake.calls.filter((c) => c.path === path);
  const customer = (id: string, guide: string | null = 'guide01') => ({
    name: `客户${id}`,
    attributes: { wecom_external_userid: `wm${id}`, ...(guide ? { guide_wecom_userid: guide } : {}) },
  });

  beforeAll(async () => {
    h = await channelHarness();
    fake = await fakeWeixin({ id: 'ww-corp', secrets: ['contact-secret', 'app-secret'] });
    await h.stack.ok('PUT', '/channel-settings/wecom', {
      corpId: 'ww-corp',
      contactSecret: 'contact-secret',
      agentId: 1000002,
      agentSecret: 'app-secret',
      taskExpiryHours: 1,
      endpoint: fake.url,
    });
  });
  afterAll(async () => {
    await fake?.close();
    await h?.stack.stop();
  });

  it('creates a single-chat task for the guide with the rendered text; the message waits for the guide (pending)', async () => {
    await h.member('wc-ok', customer('ok'));
    await h.send('wc-ok', 'm1', config);
    const body = calls('externalcontact/add_msg_template').at(-1)?.body;
    expect(body).toEqual({
      chat_type: 'single',
      external_userid: ['wmok'],
      sender: 'guide01',
      text: { content: '客户ok，新品到店了' },
    });
    const row = await h.message('wc-ok', 'm1');
    expect(row).toMatchObject({ status: 'sent', provider: 'wecom', delivery_status: 'pending' });
    expect(row.provider_message_id).toMatch(/^msgGCAAAX/);
  });

  it('polls the task until the guide sent it → delivered; a task never confirmed → expired', async () => {
    const msgid = (await h.message('wc-ok', 'm1')).provider_message_id;
    // not confirmed yet: still pending
    await pollPendingDeliveries(h.stack.db, { workspaceId: h.stack.workspaceId });
    expect((await h.message('wc-ok', 'm1')).delivery_status).toBe('pending');
    fake.script('externalcontact/get_groupmsg_task', {
      errcode: 0,
      errmsg: 'ok',
      task_list: [{ userid: 'guide01', status: 2, send_time: 1552536375 }],
    });
    fake.script('externalcontact/get_groupmsg_send_result', {
      errcode: 0,
      errmsg: 'ok',
      send_list: [{ external_userid: 'wmok', userid: 'guide01', status: 1, send_time: 1552536375 }],
    });
    await h.stack.ok('POST', '/channel-settings/wecom/poll', {});
    expect((await h.message('wc-ok', 'm1')).delivery_status).toBe('delivered');
    expect(calls('externalcontact/get_groupmsg_send_result').at(-1)?.body).toMatchObject({
      msgid,
      userid: 'guide01',
    });

    await h.member('wc-late', customer('late'));
    await h.send('wc-late', 'm1', config);
    const inTwoHours = () => new Date(Date.now() + 2 * 3_600_000);
    await pollPendingDeliveries(h.stack.db, { workspaceId: h.stack.workspaceId, now: inTwoHours });
    const late = await h.message('wc-late', 'm1');
    expect(late.delivery_status).toBe('expired');
  });

  it('a text message (a template journey’s body, no form) goes out as the guide’s text', async () => {
    await h.member('wc-text', customer('text'));
    await h.send('wc-text', 'm1', {
      channel: 'wecom',
      body: '{{member.name}}您好，我是您的专属导购',
      quietHours: 'ignore',
    });
    expect(calls('externalcontact/add_msg_template').at(-1)?.body).toMatchObject({
      text: { content: '客户text您好，我是您的专属导购' },
    });
    expect((await h.message('wc-text', 'm1')).status).toBe('sent');
  });

  it('the audience schedule’s minute pass polls pending tasks too', async () => {
    // earlier tests left tasks pending: settle them, so the scripted answers below are this task's
    await h.stack.db
      .updateTable('messages')
      .set({ delivery_status: 'delivered' })
      .where('delivery_status', '=', 'pending')
      .execute();
    await h.member('wc-pass', customer('pass'));
    await h.send('wc-pass', 'm1', config);
    fake.script('externalcontact/get_groupmsg_task', {
      errcode: 0,
      errmsg: 'ok',
      task_list: [{ userid: 'guide01', status: 2 }],
    });
    fake.script('externalcontact/get_groupmsg_send_result', {
      errcode: 0,
      errmsg: 'ok',
      send_list: [{ external_userid: 'wmpass', userid: 'guide01', status: 3 }],
    });
    const deps = createAudienceDeps(h.stack.db, async () => ({
      client: h.stack.client,
      taskQueue: h.stack.taskQueue,
      namespace: 'default',
      uiUrl: null,
    }));
    await deps.retryPendingEntries();
    // status 3: the customer already had a mass message (the platform's limit)
    expect(await h.message('wc-pass', 'm1')).toMatchObject({ delivery_status: 'failed' });
  });

  it('a duplicate send with the same key creates one task', async () => {
    await h.member('wc-dup', customer('dup'));
    const before = calls('externalcontact/add_msg_template').length;
    await Promise.all([h.send('wc-dup', 'm1', config), h.send('wc-dup', 'm1', config)]);
    await h.send('wc-dup', 'm1', config);
    expect(calls('externalcontact/add_msg_template').length - before).toBe(1);
  });

  it('a permanent error (the customer is not the guide’s contact) fails the step with WeCom’s message', async () => {
    await h.member('wc-bad', customer('bad'));
    fake.script('externalcontact/add_msg_template', {
      errcode: 0,
      errmsg: 'ok',
      fail_list: ['wmbad'],
      msgid: 'x',
    });
    const err = await h.send('wc-bad', 'm1', config).catch((e) => e);
    expect(err.name).toBe('NodeFailure');
    expect(err.message).toContain('fail_list');
    expect((await h.message('wc-bad', 'm1')).status).toBe('failed');

    await h.member('wc-noguide', customer('ng', null));
    // no guide: nobody to send it — skipped with the reason, the run goes on, nothing asked of WeCom
    const before = calls('externalcontact/add_msg_template').length;
    const noGuide = await h.send('wc-noguide', 'm1', config);
    expect(noGuide).toMatchObject({ output: 'next', detail: { status: 'skipped', skipReason: 'no_guide' } });
    expect(calls('externalcontact/add_msg_template').length).toBe(before);
  });

  it('45009 (API limit) is retried later; an expired token (42001) is fetched again transparently', async () => {
    await h.member('wc-limit', customer('limit'));
    fake.script('externalcontact/add_msg_template', { errcode: 45009, errmsg: 'api freq out of limit' });
    const err = await h.send('wc-limit', 'm1', config).catch((e) => e);
    expect(isRateLimited(err)).toBe(true);
    expect((await h.message('wc-limit', 'm1')).status).toBe('queued');
    const tokens = fake.tokensIssued();
    fake.revokeTokens();
    await h.send('wc-limit', 'm1', config);
    expect(await h.message('wc-limit', 'm1')).toMatchObject({ status: 'sent' });
    expect(fake.tokensIssued()).toBe(tokens + 1);
  });

  it('the monthly mass-message allowance is a budget across journeys: over it, the guard skips with platform_quota', async () => {
    await h.stack.ok('PUT', '/settings', {
      timezone: 'Asia/Shanghai',
      quietHours: null,
      frequencyCaps: [],
      wecomMonthlyQuota: 2,
      // a PUT replaces the settings: the fake WeCom on 127.0.0.1 stays reachable
      allowPrivateAddresses: true,
    });
    await h.member('wc-quota', customer('quota'));
    await h.send('wc-quota', 'q1', config);
    await h.send('wc-quota', 'q2', config);
    const third = await h.send('wc-quota', 'q3', config);
    expect(third.guard).toMatchObject({ kind: 'skip', reason: 'platform_quota' });
    expect(await h.message('wc-quota', 'q3')).toMatchObject({
      status: 'skipped',
      skip_reason: 'platform_quota',
    });
  });

  it('sends an app message to staff once per key (task reminders)', async () => {
    const before = calls('message/send').length;
    const a = await sendWecomAppMessage(
      h.stack.db,
      h.stack.workspaceId,
      'guide01',
      '今天有 3 个会员任务',
      'reminder:t1:1',
    );
    const b = await sendWecomAppMessage(
      h.stack.db,
      h.stack.workspaceId,
      'guide01',
      '今天有 3 个会员任务',
      'reminder:t1:1',
    );
    expect(a).toMatchObject({ status: 'sent' });
    expect(b).toEqual(a);
    expect(calls('message/send').length - before).toBe(1);
    expect(calls('message/send').at(-1)?.body).toMatchObject({
      touser: 'guide01',
      msgtype: 'text',
      agentid: 1000002,
    });
    fake.script('message/send', { errcode: 0, errmsg: 'ok', invaliduser: 'nobody' });
    const bad = await sendWecomAppMessage(h.stack.db, h.stack.workspaceId, 'nobody', 'x', 'reminder:t2:1');
    expect(bad).toMatchObject({ status: 'failed', failure: { kind: 'permanent' } });
  });
});
