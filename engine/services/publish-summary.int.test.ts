import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../testing/stack.js';

const pos = { x: 0, y: 0 };
const smsText = { channel: 'sms', body: '{{member.name}}，新品到店' };
const smsTemplate = { channel: 'sms', content: { templateCode: 'SMS_271525576', params: {} } };

function doc(trigger: { type: string; data: Record<string, unknown> }, sms: Record<string, unknown>) {
  return {
    nodes: [
      { id: 't', ...trigger, position: pos },
      { id: 'sms', type: 'message', data: sms, position: pos },
      { id: 'push', type: 'message', data: { channel: 'push', body: '新品到店' }, position: pos },
      { id: 'x', type: 'exit', data: {}, position: pos },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'sms' },
      { id: 'e2', source: 'sms', sourceHandle: 'next', target: 'push' },
      { id: 'e3', source: 'push', sourceHandle: 'next', target: 'x' },
    ],
  };
}
const onEvent = { type: 'trigger.event', data: { event: 'order_paid' } };

/** What publishing would do, said before it is done; and what the workspace's providers make impossible. */
describe('publish summary and provider forms', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    for (const id of ['ps-1', 'ps-2', 'ps-3']) await stack.ok('PUT', `/members/${id}`, { name: id });
  });
  afterAll(async () => stack?.stop());

  it('with SMS in the sandbox, a text-only SMS node is fine: the summary says sandbox', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'sandbox sms', document: doc(onEvent, smsText) });
    const r = await stack.ok('GET', `/journeys/${j.id}/publish-summary`);
    expect(r.problems).toEqual([]);
    expect(r.summary).toMatchObject({
      trigger: { kind: 'event', event: 'order_paid', segment: null, includeExisting: false },
      enterNow: null,
      members: 3,
      channels: [
        { channel: 'sms', mode: 'sandbox', nodeIds: ['sms'], label: { zh: '短信' } },
        { channel: 'push', mode: 'sandbox', nodeIds: ['push'] },
      ],
    });
  });

  it('once SMS is configured, a text-only SMS node is refused — on validate, in the summary and on publish — naming the field', async () => {
    await stack.ok('PUT', '/channel-settings/sms', {
      accessKeyId: 'LTAI-ps',
      accessKeySecret: 'ps-secret',
      signName: '鱼塘',
    });
    const j = await stack.ok('POST', '/journeys', { name: 'live sms', document: doc(onEvent, smsText) });
    const problem = { nodeId: 'sms', field: 'content', code: 'check' };
    const validated = await stack.ok('POST', `/journeys/${j.id}/validate`, {});
    expect(validated.ok).toBe(false);
    expect(validated.errors).toEqual([expect.objectContaining(problem)]);
    const summary = await stack.ok('GET', `/journeys/${j.id}/publish-summary`);
    expect(summary.problems).toEqual([expect.objectContaining(problem)]);
    const refused = await stack.call('POST', `/journeys/${j.id}/publish`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.errors).toEqual([expect.objectContaining(problem)]);
    expect((await stack.ok('GET', `/journeys/${j.id}`)).currentVersion).toBeNull();

    // the approved template makes it publishable, and the summary says SMS is live
    await stack.ok('PUT', `/journeys/${j.id}`, { document: doc(onEvent, smsTemplate) });
    const fixed = await stack.ok('GET', `/journeys/${j.id}/publish-summary`);
    expect(fixed.problems).toEqual([]);
    expect(fixed.summary.channels.map((c: { channel: string; mode: string }) => [c.channel, c.mode])).toEqual(
      [
        ['sms', 'live'],
        ['push', 'sandbox'],
      ],
    );
    const published = await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    expect(published.version).toBe(1);
    const detail = await stack.ok('GET', `/journeys/${j.id}`);
    expect(detail.versions[0]).toMatchObject({ version: 1, publishedAt: expect.any(String) });
    expect(detail.versions[0].publishedBy).toBeTruthy();
  });

  it('an audience trigger counts who is in the audience now, and whether they enter at once', async () => {
    const seg = await stack.ok('POST', '/segments', {
      name: '测试人群',
      rule: { kind: 'tag', op: 'has', tag: 'ps-vip' },
    });
    const segmentId = seg.segment?.id ?? seg.id;
    for (const id of ['ps-1', 'ps-2']) await stack.ok('PUT', `/members/${id}`, { tags: ['ps-vip'] });
    const trigger = (includeExisting: boolean) => ({
      type: 'trigger.segment',
      data: { segmentId, includeExisting },
    });
    const now = await stack.ok('POST', '/journeys', {
      name: 'audience now',
      document: doc(trigger(true), smsTemplate),
    });
    const summary = await stack.ok('GET', `/journeys/${now.id}/publish-summary`);
    expect(summary.summary.trigger).toMatchObject({
      kind: 'segment',
      includeExisting: true,
      segment: { id: segmentId, name: '测试人群', members: 2 },
    });
    expect(summary.summary.enterNow).toBe(2);
    const later = await stack.ok('POST', '/journeys', {
      name: 'audience later',
      document: doc(trigger(false), smsTemplate),
    });
    expect((await stack.ok('GET', `/journeys/${later.id}/publish-summary`)).summary.enterNow).toBeNull();
  });

  it('a draft that does not compile has no summary, only its problems', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'broken' });
    const r = await stack.ok('GET', `/journeys/${j.id}/publish-summary`);
    expect(r.summary).toBeNull();
    expect(r.problems.length).toBeGreaterThan(0);
  });
});
