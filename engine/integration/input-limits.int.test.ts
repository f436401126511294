import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nested, toJsonText } from '../testing/hostile.js';
import { worstHealthWait } from '../testing/loop-probe.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * The limits every route shares (engine/api/validate.ts), each answered with a 400 that names the field —
 * never the database's error as a 500, and never a half-written row.
 */
describe('input limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack?.stop());

  const kb = (n: number) => 'x'.repeat(n * 1024);
  const doc = (id: string) => ({
    nodes: [{ id, type: 'exit', position: { x: 0, y: 0 }, data: {} }],
    edges: [],
  });
  const event = (extra: Record<string, unknown>) => ({ memberId: 'a', name: 'x', ...extra });
  const cursor = (at: string) =>
    Buffer.from(JSON.stringify([at, '00000000-0000-4000-8000-000000000000'])).toString('base64url');

  it.each([
    ['NUL in a member id', 'PUT', '/members/a%00b', {}, 'externalId'],
    ['NUL in an event member id', 'POST', '/events', { memberId: 'a\u0000b', name: 'x' }, 'memberId'],
    ['NUL in a property', 'POST', '/events', event({ properties: { a: 'x\u0000' } }), 'properties.a'],
    ['NUL in an attribute key', 'PUT', '/members/m1', { attributes: { 'k\u0000': 1 } }, 'attributes.k\u0000'],
    [
      'a lone surrogate in a property',
      'POST',
      '/events',
      event({ properties: { a: { b: '\uD800' } } }),
      'properties.a.b',
    ],
    ['a lone surrogate in a name', 'PUT', '/members/m1', { name: 'x\uDC00' }, 'name'],
    [
      'a lone surrogate in a description',
      'POST',
      '/journeys',
      { name: 'j', description: '\uD800' },
      'description',
    ],
    ['properties over 32 KB', 'POST', '/events', event({ properties: { blob: kb(33) } }), 'properties'],
    ['attributes over 32 KB', 'PUT', '/members/m1', { attributes: { blob: kb(33) } }, 'attributes'],
    [
      'properties nested 17 deep',
      'POST',
      '/events',
      event({ properties: nested(17, 'object') }),
      `properties${'.a'.repeat(16)}`,
    ],
    [
      'a body nested 5,000 deep',
      'POST',
      '/events',
      toJsonText(event({ properties: nested(5_000, 'array') })),
      `properties${'.0'.repeat(63)}`,
    ],
    [
      '__proto__ as a property',
      'POST',
      '/events',
      '{"memberId":"a","name":"x","properties":{"__proto__":{"admin":true}}}',
      'properties.__proto__',
    ],
    [
      'constructor as an attribute',
      'PUT',
      '/members/m1',
      { attributes: { constructor: 1 } },
      'attributes.constructor',
    ],
    ['a date that does not exist', 'POST', '/events', event({ occurredAt: '9999-99-99' }), 'occurredAt'],
    ['year 0', 'POST', '/events', event({ occurredAt: '0000-01-01T00:00:00Z' }), 'occurredAt'],
    ['year 275760', 'POST', '/events', event({ occurredAt: '+275760-09-13T00:00:00.000Z' }), 'occurredAt'],
    [
      'a date next year',
      'POST',
      '/events',
      event({ occurredAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }),
      'occurredAt',
    ],
    ['epoch 8.64e15', 'POST', '/events', event({ occurredAt: 8.64e15 }), 'occurredAt'],
    ['a member id of 129 characters', 'POST', '/events', event({ memberId: 'm'.repeat(129) }), 'memberId'],
    ['a control character in a tag', 'PUT', '/members/m1', { tags: ['a\u0007'] }, 'tags.0'],
    [
      'stock beyond a 32-bit integer',
      'POST',
      '/coupon-templates',
      { name: '券', kind: 'amount', value: 5, validDays: 7, stock: 2 ** 31 },
      'stock',
    ],
    [
      'a coupon worth 1e308',
      'POST',
      '/coupon-templates',
      { name: '券', kind: 'amount', value: 1e308, validDays: 7 },
      'value',
    ],
    [
      'a node id __proto__',
      'POST',
      '/journeys',
      { name: 'j', document: doc('__proto__') },
      'document.nodes.0.id',
    ],
    [
      'a node id constructor',
      'POST',
      '/journeys',
      { name: 'j', document: doc('constructor') },
      'document.nodes.0.id',
    ],
    [
      'a node id isPrototypeOf',
      'POST',
      '/journeys',
      { name: 'j', document: doc('isPrototypeOf') },
      'document.nodes.0.id',
    ],
    ['a node id with a dot', 'POST', '/journeys', { name: 'j', document: doc('a.b') }, 'document.nodes.0.id'],
    [
      'a node at x = 1e308',
      'POST',
      '/journeys',
      {
        name: 'j',
        document: { nodes: [{ id: 'a', type: 'exit', position: { x: 1e308, y: 0 } }], edges: [] },
      },
      'document.nodes.0.position.x',
    ],
    ['a render body of 20,001 characters', 'POST', '/render', { body: 'x'.repeat(20_001) }, 'body'],
    ['a limit of 501', 'GET', '/runs?limit=501', undefined, 'limit'],
    ['a cursor not from the API', 'GET', '/runs?cursor=abc', undefined, 'cursor'],
    [
      'a cursor with an impossible date',
      'GET',
      `/messages?cursor=${cursor('2025-02-30T00:00:00.000000Z')}`,
      undefined,
      'cursor',
    ],
    [
      'a cursor in year 0',
      'GET',
      `/events?cursor=${cursor('0000-01-01T00:00:00.000000Z')}`,
      undefined,
      'cursor',
    ],
  ])('refuses %s (400, names the field)', async (_what, method, path, body, field) => {
    const res = await stack.call(method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
    expect(res.body.error.message).toContain(field);
  });

  it('refuses a 4 MB body nested 2,000,000 deep before parsing it, without holding up other requests', async () => {
    // security review L5: parsing this and walking it blocked the event loop for most of a second
    const deep = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;
    const started = performance.now();
    const refused = stack.call('POST', '/events', deep);
    const worst = await worstHealthWait(stack.app, refused);
    const res = await refused;
    const ms = performance.now() - started;
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: Array(64).fill('0').join('.') });
    expect(res.body.error.message).toMatch(/nested too deeply \(at most 64 levels\)/);
    // generous bounds (reading 4 MB alone takes ~100 ms here): a check that nothing parses 2,000,000
    // levels, which took seconds on this machine, not a benchmark
    expect(ms).toBeLessThan(1000);
    expect(worst).toBeLessThan(250);
  });

  it('answers 400 for a JSON number beyond a double (1e400 parses as Infinity)', async () => {
    const res = await stack.call('POST', '/events', '{"memberId":"a","name":"x","properties":{"n":1e400}}');
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('properties.n');
  });

  it('answers 400 for a version beyond a 32-bit integer, and 404 for a member id that cannot exist', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'v' });
    const v = await stack.call('GET', `/journeys/${j.id}/versions/2147483648`);
    expect(v.status).toBe(400);
    expect(v.body.error.field).toBe('version');
    for (const id of ['a%00b', 'x'.repeat(300)])
      expect((await stack.call('GET', `/members/${id}`)).status).toBe(404);
  });

  it('refuses a simulated wait of more than 10 years', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'sim' });
    const res = await stack.call('POST', `/journeys/${j.id}/simulate`, {
      events: [{ name: 'x', after: { amount: 1e308, unit: 'days' } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('events.0.after.amount');
  });

  it('holds merged attributes to 32 KB, and a refused update changes nothing', async () => {
    await stack.ok('PUT', '/members/big', { name: 'before', attributes: { a: kb(20) } });
    const res = await stack.call('PUT', '/members/big', { name: 'after', attributes: { b: kb(20) } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('attributes');
    const { member } = await stack.ok('GET', '/members/big');
    expect(member.name).toBe('before');
    expect(Object.keys(member.attributes)).toEqual(['a']);
    // replacing a key stays within the limit
    await stack.ok('PUT', '/members/big', { attributes: { a: kb(25) } });
  });

  it('writes nothing for a refused request: no member, no event, not even the valid half of a batch', async () => {
    const before = await counts();
    for (const body of [
      event({ memberId: 'ghost-1', properties: { a: '\u0000' } }),
      event({ memberId: 'ghost-2', occurredAt: '0000-01-01' }),
    ])
      expect((await stack.call('POST', '/events', body)).status).toBe(400);
    const batch = {
      events: [event({ memberId: 'ghost-3' }), event({ memberId: 'ghost-4', properties: { k: kb(40) } })],
    };
    const res = await stack.call('POST', '/events/batch', batch);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('events.1.properties');
    expect(await counts()).toEqual(before);
  });

  async function counts() {
    const [m, e] = await Promise.all([
      stack.db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      stack.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { members: Number(m.n), events: Number(e.n) };
  }
});
