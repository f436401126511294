import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeDocument } from '../testing/documents.js';
import { type Stack, startStack } from '../testing/stack.js';

/** Bad input gets a 4xx naming the field, never a 500, and writes nothing. */
describe('API input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack?.stop());

  it.each([
    ['POST', '/events', { name: 'x' }, 'memberId'],
    ['POST', '/events', { memberId: 'a', name: 'bad name!' }, 'name'],
    ['POST', '/events', { memberId: 'a', name: 'x', occurredAt: 'yesterday' }, 'occurredAt'],
    ['POST', '/events', { memberId: 'a', name: 'x', properties: [1] }, 'properties'],
    ['POST', '/events/batch', { events: [] }, 'events'],
    [
      'POST',
      '/events/batch',
      { events: [{ memberId: 'a', name: 'ok' }, { memberId: 'b' }] },
      'events.1.name',
    ],
    ['PUT', '/members/m-bad', { email: 'not-an-email' }, 'email'],
    ['PUT', '/members/m-bad', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['PUT', '/members/m-bad', { tags: [''] }, 'tags.0'],
    ['POST', '/coupon-templates', { name: '券', kind: 'gift', value: 1, validDays: 1 }, 'kind'],
    ['POST', '/coupon-templates', { name: '券', kind: 'discount', value: 80, validDays: 1 }, 'value'],
    ['POST', '/coupon-templates', { name: '券', kind: 'threshold', value: 20, validDays: 1 }, 'threshold'],
    ['POST', '/coupon-templates', { name: '券', kind: 'percent', value: 20, validDays: 1 }, 'kind'],
    ['POST', '/coupon-templates', { name: '券', kind: 'amount', value: 10, validDays: 0 }, 'validDays'],
    ['POST', '/journeys', { name: '' }, 'name'],
    [
      'POST',
      '/journeys',
      { name: 'x', document: { nodes: [{ id: 'a' }], edges: [] } },
      'document.nodes.0.type',
    ],
    ['POST', '/journeys', { name: 'x', templateId: 'nope' }, 'templateId'],
    ['GET', '/runs?status=sleeping', undefined, 'status'],
    ['GET', '/runs?journeyId=123', undefined, 'journeyId'],
  ])('%s %s → 400 naming the field (%#)', async (method, path, body, field) => {
    const res = await stack.call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.field).toBe(field);
  });

  it('refuses a body over 5 MB with 413', async () => {
    const res = await stack.call('POST', '/events', {
      memberId: 'big',
      name: 'x',
      properties: { blob: 'x'.repeat(6 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('rejects a body that is not JSON', async () => {
    const res = await stack.call('POST', '/events', '{"memberId": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('answers 404 for unknown or malformed ids, and unknown routes', async () => {
    for (const path of [
      '/journeys/not-a-uuid',
      '/journeys/00000000-0000-4000-8000-000000000000',
      '/runs/xyz',
      '/members/nobody',
      '/nope',
    ]) {
      const res = await stack.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('writes nothing for a rejected event', async () => {
    await stack.call('POST', '/events', { memberId: 'ghost', name: 'bad name!' });
    expect((await stack.call('GET', '/members/ghost')).status).toBe(404);
  });

  it('refuses to publish a journey with problems (422 with every problem) and keeps it unpublished', async () => {
    const doc = welcomeDocument('');
    doc.edges = doc.edges.filter((e) => e.target !== 'reminder');
    const j = await stack.ok('POST', '/journeys', { name: 'broken', document: doc });
    const v = await stack.ok('POST', `/journeys/${j.id}/validate`);
    expect(v.ok).toBe(false);
    const res = await stack.call('POST', `/journeys/${j.id}/publish`, {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_journey');
    expect(res.body.error.errors).toEqual(v.errors);
    expect(res.body.error.errors.map((e: any) => `${e.code}:${e.nodeId}`).sort()).toEqual([
      'invalid_config:coupon',
      'output_unconnected:wait',
      'unreachable:reminder',
    ]);
    const after = await stack.ok('GET', `/journeys/${j.id}`);
    expect(after).toMatchObject({ status: 'draft', currentVersion: null, versions: [] });
  });

  it('validates a document sent with the request without saving it', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'draft' });
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '券',
      kind: 'amount',
      value: 5,
      validDays: 1,
    });
    const res = await stack.ok('POST', `/journeys/${j.id}/validate`, {
      document: welcomeDocument(couponTemplate.id),
    });
    expect(res).toEqual({ ok: true, errors: [] });
    expect((await stack.ok('GET', `/journeys/${j.id}`)).document).toEqual({ nodes: [], edges: [] });
  });

  it('refuses state changes that make no sense (409)', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'never published' });
    expect((await stack.call('POST', `/journeys/${j.id}/pause`)).status).toBe(409);
    await stack.ok('POST', `/journeys/${j.id}/archive`);
    expect((await stack.call('PUT', `/journeys/${j.id}`, { name: 'x' })).status).toBe(409);
  });

  it('serves the node registry with JSON Schemas and an OpenAPI document', async () => {
    const { nodeTypes } = await stack.ok('GET', '/node-types');
    const types = nodeTypes.map((t: any) => t.type);
    for (const t of [
      'trigger.event',
      'wait.duration',
      'wait.event',
      'branch',
      'split',
      'tag',
      'message',
      'coupon',
      'attribute',
      'exit',
      'points',
    ]) {
      expect(types).toContain(t);
    }
    const wait = nodeTypes.find((t: any) => t.type === 'wait.event');
    expect(wait.configSchema.properties.timeout['x-widget']).toBe('duration');
    expect(wait.outputs.map((o: any) => o.id)).toEqual(['matched', 'timeout']);
    expect(nodeTypes.find((t: any) => t.type === 'branch').dynamicOutputs).toMatchObject({
      from: 'conditions',
      id: 'id',
    });
    const doc = await stack.ok('GET', '/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/events', '/api/journeys/{id}/publish', '/api/runs/{id}']),
    );
    expect(doc.paths['/api/events'].post.requestBody.content['application/json'].schema.required).toEqual([
      'memberId',
      'name',
    ]);
  });

  it('simulates a journey for a real member on a virtual clock, without touching anything', async () => {
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '模拟券',
      kind: 'amount',
      value: 5,
      validDays: 1,
    });
    const j = await stack.ok('POST', '/journeys', {
      name: 'sim',
      document: welcomeDocument(couponTemplate.id),
    });
    await stack.ok('PUT', '/members/sim1', { tags: ['vip'] });
    const sim = await stack.ok('POST', `/journeys/${j.id}/simulate`, {
      memberId: 'sim1',
      events: [{ name: 'order_paid', after: { amount: 2, unit: 'days' } }],
    });
    expect(sim.steps.map((s: any) => `${s.nodeId}:${s.output ?? s.status}`)).toEqual([
      'trigger:next',
      'tag:next',
      'coupon:issued',
      'welcome:next',
      'wait:matched',
      'thanks:next',
      'end:ok',
    ]);
    expect(sim.end).toMatchObject({ status: 'completed', afterMs: 2 * 86_400_000 });
    expect(sim.member.tags).toEqual(['vip', 'new_member', 'first_order']);
    expect((await stack.ok('GET', '/members/sim1')).member.tags).toEqual(['vip']);
    expect((await stack.ok('GET', '/coupons?memberId=sim1')).coupons).toEqual([]);
    const bad = await stack.call('POST', `/journeys/${j.id}/simulate`, {
      events: [{ name: 'x', after: { amount: 1, unit: 'fortnights' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('events.0.after.unit');
  });

  it('renders a message preview for a member or a sample member', async () => {
    await stack.ok('PUT', '/members/r1', { name: '李雷', attributes: { city: '北京' } });
    const mine = await stack.ok('POST', '/render', {
      body: '{{member.name}}@{{member.attributes.city}} {{coupon.code}}',
      memberId: 'r1',
    });
    // no tracked link in this body, so nothing points at this machine
    expect(mine).toEqual({ body: '李雷@北京 YTSAMPLE8K2Q', title: null, sample: false, linksLocal: false });
    const sample = await stack.ok('POST', '/render', { body: '{{member.name}}' });
    expect(sample.sample).toBe(true);
  });

  it('refuses workspace settings that cannot hold with 422 naming the field, and keeps the old ones', async () => {
    const good = {
      timezone: 'Asia/Shanghai',
      quietHours: { start: '21:00', end: '09:00' },
      frequencyCaps: [],
    };
    await stack.ok('PUT', '/settings', good);
    for (const [bad, field] of [
      [{ ...good, quietHours: { start: '21:00', end: '21:00' } }, 'quietHours.end'],
      [{ ...good, frequencyCaps: [{ channel: 'sms', max: 0, perDays: 1 }] }, 'frequencyCaps.0.max'],
      [{ ...good, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...good, quietHours: { start: '25:00', end: '09:00' } }, 'quietHours.start'],
      [{ ...good, frequencyCaps: [{ channel: 'fax', max: 1, perDays: 1 }] }, 'frequencyCaps.0.channel'],
    ] as const) {
      const res = await stack.call('PUT', '/settings', bad);
      expect(res.status, field).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_settings', field });
    }
    expect((await stack.ok('GET', '/settings')).settings).toEqual({
      ...good,
      allowPrivateAddresses: false,
      // the old name, still answered for clients that know only it
      allowPrivateWebhooks: false,
      personalAttributes: ['birthday', 'real_name'],
    });
    await stack.ok('PUT', '/settings', { ...good, quietHours: null });
  });

  it('refuses to publish bad journey settings and a holdout above 50% (422 with the field)', async () => {
    const doc = {
      nodes: [
        { id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'x' } },
        {
          id: 's',
          type: 'split',
          position: { x: 0, y: 0 },
          data: {
            variants: [
              { id: 'a', label: 'A', percent: 40 },
              { id: 'h', label: '对照', percent: 60, holdout: true },
            ],
          },
        },
        { id: 'x', type: 'exit', position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 's' },
        { id: 'e2', source: 's', sourceHandle: 'a', target: 'x' },
        { id: 'e3', source: 's', sourceHandle: 'h', target: 'x' },
      ],
      settings: { goal: { windowDays: 7 }, priority: 0 },
    };
    const j = await stack.ok('POST', '/journeys', { name: 'bad settings', document: doc });
    const res = await stack.call('POST', `/journeys/${j.id}/publish`, {});
    expect(res.status).toBe(422);
    const problems = res.body.error.errors.map((e: any) => [e.nodeId, e.field, e.code]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['', 'settings.goal.event', 'invalid_settings'],
        ['', 'settings.priority', 'invalid_settings'],
        ['s', 'variants.1.percent', 'check'],
      ]),
    );
    expect((await stack.ok('GET', `/journeys/${j.id}`)).currentVersion).toBeNull();
  });
});
