import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../infra/free-port.js';
import { channelHarness, isRateLimited } from '../testing/channel-harness.js';
import { type AliyunAnswer, fakeAliyunSms } from '../testing/fake-providers.js';

/** SMS through the Aliyun SendSms shape, against a local fake that checks the signature like the real API. */
describe('sms channel (Aliyun SendSms)', () => {
  let h: Awaited<ReturnType<typeof channelHarness>>;
  let fake: Awaited<ReturnType<typeof fakeAliyunSms>>;
  const content = {
    templateCode: 'SMS_271525576',
    params: { name: '{{member.name}}', city: '{{member.attributes.city|上海}}' },
  };
  const config = { channel: 'sms', content, quietHours: 'ignore' };
  const sendCalls = () => fake.calls.filter((c) => c.path === 'SendSms');

  beforeAll(async () => {
    h = await channelHarness();
    fake = await fakeAliyunSms({ accessKeyId: 'LTAI-test', accessKeySecret: 'secret-xyz' });
    const res = await h.stack.ok('PUT', '/channel-settings/sms', {
      accessKeyId: 'LTAI-test',
      accessKeySecret: 'secret-xyz',
      signName: '鱼塘',
      endpoint: fake.url,
    });
    expect(res.channel).toMatchObject({ configured: true, values: { signName: '鱼塘', endpoint: fake.url } });
  });
  afterAll(async () => {
    await fake?.close();
    await h?.stack.stop();
  });

  it('never returns the secret: settings show which fields are set, and the stored row is sealed', async () => {
    const { channels } = await h.stack.ok('GET', '/channel-settings');
    const sms = channels.find((c: { channel: string }) => c.channel === 'sms');
    expect(sms.fieldsSet).toContain('accessKeySecret');
    expect(JSON.stringify(channels)).not.toContain('secret-xyz');
    const row = await h.stack.db
      .selectFrom('channel_credentials')
      .selectAll()
      .where('workspace_id', '=', h.stack.workspaceId)
      .executeTakeFirstOrThrow();
    expect(row.sealed).not.toContain('secret-xyz');
    expect(row.sealed).not.toContain('LTAI-test');
  });

  it('sends the template with parameters filled from the member, signed; the provider id is the BizId', async () => {
    await h.member('sms-ok', { name: '小红', phone: '13900000001', attributes: { city: '杭州' } });
    const result = await h.send('sms-ok', 'm1', config);
    expect(result.output).toBe('next');
    const row = await h.message('sms-ok', 'm1');
    expect(row).toMatchObject({ status: 'sent', provider: 'sms', to_address: '13900000001' });
    expect(row.provider_message_id).toMatch(/\^0$/);
    const call = sendCalls().at(-1)?.body as Record<string, string>;
    expect(call).toMatchObject({
      PhoneNumbers: '13900000001',
      SignName: '鱼塘',
      TemplateCode: 'SMS_271525576',
    });
    expect(JSON.parse(call.TemplateParam)).toEqual({ name: '小红', city: '杭州' });
    expect(h.sandboxSends).toHaveLength(0);
  });

  it('a duplicate send with the same key never calls the provider twice, even concurrently', async () => {
    await h.member('sms-dup', { name: '阿明', phone: '13900000002' });
    const before = sendCalls().length;
    const results = await Promise.all([h.send('sms-dup', 'm1', config), h.send('sms-dup', 'm1', config)]);
    await h.send('sms-dup', 'm1', config);
    expect(sendCalls().length - before).toBe(1);
    expect(new Set(results.map((r) => r.detail?.messageId)).size).toBe(1);
  });

  it('a permanent error fails the step with the provider’s message, and is not sent again', async () => {
    await h.member('sms-bad', { phone: '1390000' });
    fake.script('SendSms', {
      body: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' },
    } satisfies AliyunAnswer);
    const err = await h.send('sms-bad', 'm1', config).catch((e) => e);
    expect(err.name).toBe('NodeFailure');
    expect(err.message).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    expect(err.message).toContain('非法手机号');
    const row = await h.message('sms-bad', 'm1');
    expect(row).toMatchObject({ status: 'failed' });
    expect(row.error).toContain('非法手机号');
    const before = sendCalls().length;
    await h.send('sms-bad', 'm1', config);
    expect(sendCalls().length).toBe(before);
  });

  it('a rate-limit answer is retried later (a retryable failure with a delay), then sent once', async () => {
    await h.member('sms-limit', { phone: '13900000003' });
    fake.script('SendSms', {
      body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' },
    });
    const before = sendCalls().length;
    const err = await h.send('sms-limit', 'm1', config).catch((e) => e);
    expect(isRateLimited(err)).toBe(true);
    expect(err.nextRetryDelay).toBeTruthy();
    expect((await h.message('sms-limit', 'm1')).status).toBe('queued');
    await h.send('sms-limit', 'm1', config);
    expect(await h.message('sms-limit', 'm1')).toMatchObject({ status: 'sent' });
    expect(sendCalls().length - before).toBe(2);
  });

  it('an attempt that died mid-call (a claim past its lease) is never sent blindly again: outcome unknown', async () => {
    await h.member('sms-crash', { phone: '13900000007' });
    fake.script('SendSms', { body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: 'limit' } });
    await h.send('sms-crash', 'm1', config).catch(() => {});
    // as a worker that claimed the send two minutes ago and died before recording the answer leaves it
    const row = await h.message('sms-crash', 'm1');
    await h.stack.db
      .updateTable('messages')
      .set({ status: 'sending', sending_at: new Date(Date.now() - 120_000) })
      .where('id', '=', row.id)
      .execute();
    const before = sendCalls().length;
    const err = await h.send('sms-crash', 'm1', config).catch((e) => e);
    expect(err).toMatchObject({ name: 'NodeFailure', code: 'send_outcome_unknown' });
    expect(sendCalls().length).toBe(before);
    expect((await h.message('sms-crash', 'm1')).status).toBe('unknown');
  });

  it('a delivery report on the callback marks the message delivered; a wrong token is refused', async () => {
    const row = await h.message('sms-ok', 'm1');
    expect(row.delivery_status).toBe('pending');
    const { channels } = await h.stack.ok('GET', '/channel-settings');
    const path: string = channels.find((c: { channel: string }) => c.channel === 'sms').callbackPath;
    const report = JSON.stringify([
      {
        phone_number: '13900000001',
        success: true,
        biz_id: row.provider_message_id,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
      },
    ]);
    const bad = await h.stack.app.request(path.replace(/token=[^&]+/, 'token=nope'), {
      method: 'POST',
      body: report,
    });
    expect(bad.status).toBe(401);
    const res = await h.stack.app.request(path, {
      method: 'POST',
      body: report,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ code: 0, changed: 1 });
    expect((await h.message('sms-ok', 'm1')).delivery_status).toBe('delivered');
    // a report nested deeper than any body may be is refused before the channel parses it
    const deep = await h.stack.app.request(path, {
      method: 'POST',
      body: `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(deep.status).toBe(400);
    expect((await deep.json()).error.message).toMatch(/nested more than 64 levels/);
  });

  it('checks the message form: an SMS template code is required, no free text', async () => {
    const res = await h.stack.call('POST', `/journeys/${h.journeyId}/validate`, {
      document: {
        nodes: [
          { id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'x' } },
          {
            id: 'm',
            type: 'message',
            position: { x: 0, y: 100 },
            data: { channel: 'sms', content: { templateCode: 'hello', params: {} } },
          },
        ],
        edges: [{ id: 'e', source: 't', target: 'm', sourceHandle: 'next' }],
      },
    });
    expect(JSON.stringify(res.body)).toContain('content.templateCode');
  });

  it('a provider that cannot be reached (connection refused) sent nothing: the send is queued again, not unknown', async () => {
    // a port nobody listens on (fetch refuses "bad ports" such as 9 before connecting at all)
    // a new endpoint takes the secret typed again (M1)
    await h.stack.ok('PUT', '/channel-settings/sms', {
      endpoint: `http://127.0.0.1:${await freePort()}`,
      accessKeySecret: 'secret-xyz',
    });
    await h.member('sms-down', { phone: '13900000008' });
    const err = await h.send('sms-down', 'm1', config).catch((e) => e);
    expect(err.message).toContain('could not be reached');
    expect(err.name).toBe('Error');
    expect((await h.message('sms-down', 'm1')).status).toBe('queued');
    await h.stack.ok('PUT', '/channel-settings/sms', { endpoint: fake.url, accessKeySecret: 'secret-xyz' });
    await h.send('sms-down', 'm1', config);
    expect((await h.message('sms-down', 'm1')).status).toBe('sent');
  });

  it('without credentials the sandbox sends (the default)', async () => {
    await h.stack.ok('DELETE', '/channel-settings/sms');
    await h.member('sms-sandbox', { phone: '13900000009' });
    const before = sendCalls().length;
    await h.send('sms-sandbox', 'm1', config);
    expect(sendCalls().length).toBe(before);
    expect(await h.message('sms-sandbox', 'm1')).toMatchObject({ status: 'sent', provider: 'sandbox' });
    expect(h.sandboxSends.length).toBeGreaterThan(0);
  });

  it('422 naming the field for credentials that cannot work', async () => {
    const res = await h.stack.call('PUT', '/channel-settings/sms', {
      accessKeyId: 'x',
      endpoint: 'not a url',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBeTruthy();
    expect((await h.stack.call('PUT', '/channel-settings/nope', { a: 1 })).status).toBe(404);
  });
});
