import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edge, node } from '../testing/documents.js';
import { fakeAliyunSms } from '../testing/fake-providers.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/**
 * A real journey (real Temporal, real worker) sending SMS through the workspace's provider: the coupon code fills
 * a template parameter; a rate-limit answer is retried later by Temporal and the member still gets one SMS; a
 * permanent refusal fails the run at the message step with the provider's words.
 */
describe('an SMS journey through the provider', () => {
  let stack: Stack;
  let fake: Awaited<ReturnType<typeof fakeAliyunSms>>;
  let journeyId: string;
  const sends = () =>
    fake.calls.filter((c) => c.path === 'SendSms').map((c) => c.body as Record<string, string>);

  beforeAll(async () => {
    // a rate-limited send is asked again after half a second instead of a minute
    process.env.YUTANG_CHANNEL_RETRY_AFTER_MS = '500';
    // the provider is a local fake on 127.0.0.1: the workspace allows private addresses
    stack = await startStack({ allowPrivateAddresses: true });
    fake = await fakeAliyunSms({ accessKeyId: 'LTAI-journey', accessKeySecret: 's3cret' });
    await stack.ok('PUT', '/channel-settings/sms', {
      accessKeyId: 'LTAI-journey',
      accessKeySecret: 's3cret',
      signName: '鱼塘会员',
      endpoint: fake.url,
    });
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '新人券',
      kind: 'amount',
      value: 20,
      validDays: 7,
    });
    const journey = await stack.ok('POST', '/journeys', {
      name: '短信欢迎',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'sms_signup' }),
          node('c', 'coupon', { templateId: couponTemplate.id }),
          node('m', 'message', {
            channel: 'sms',
            quietHours: 'ignore',
            content: {
              templateCode: 'SMS_100200300',
              params: { name: '{{member.name}}', code: '{{coupon.code}}' },
            },
          }),
          node('x', 'exit'),
          node('x2', 'exit'),
        ],
        edges: [edge('t', 'c'), edge('c', 'm', 'issued'), edge('c', 'x2', 'unavailable'), edge('m', 'x')],
      },
    });
    journeyId = journey.id;
    await stack.ok('POST', `/journeys/${journeyId}/publish`, {});
  });
  afterAll(async () => {
    delete process.env.YUTANG_CHANNEL_RETRY_AFTER_MS;
    await fake?.close();
    await stack?.stop();
  });

  async function runOf(memberId: string, status: string) {
    return eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}`);
        const run = runs.find((r: { memberId: string }) => r.memberId === memberId);
        return run?.status === status && run;
      },
      60_000,
      `${memberId}'s run to be ${status}`,
    );
  }

  it('rate-limited first, retried later by Temporal: one SMS with the coupon code, the run completes', async () => {
    fake.script('SendSms', {
      body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' },
    });
    await stack.ok('PUT', '/members/sj1', { name: '小林', phone: '13700000001' });
    await stack.ok('POST', '/events', { memberId: 'sj1', name: 'sms_signup', id: 'sj1-signup' });
    await runOf('sj1', 'completed');
    const mine = sends().filter((s) => s.PhoneNumbers === '13700000001');
    expect(mine).toHaveLength(2); // the refused one and the one that went out
    const code = JSON.parse(mine[1].TemplateParam).code as string;
    expect(code).toMatch(/^YT/);
    expect(JSON.parse(mine[1].TemplateParam)).toEqual({ name: '小林', code });
    const { messages } = await stack.ok('GET', '/messages?memberId=sj1');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: 'sent' });
  });

  it('a permanent refusal fails the run at the message step with the provider’s message, sent no more', async () => {
    fake.script('SendSms', {
      body: { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法(不存在或被拉黑)' },
    });
    await stack.ok('PUT', '/members/sj2', { name: '小周', phone: '13700000002' });
    await stack.ok('POST', '/events', { memberId: 'sj2', name: 'sms_signup', id: 'sj2-signup' });
    const run = await runOf('sj2', 'failed');
    expect(run).toMatchObject({
      currentNodeId: 'm',
      error: expect.stringContaining('isv.SMS_TEMPLATE_ILLEGAL'),
    });
    expect(sends().filter((s) => s.PhoneNumbers === '13700000002')).toHaveLength(1);
  });
});
