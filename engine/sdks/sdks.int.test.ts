import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Analytics } from '@segment/analytics-node';
import SensorsAnalytics from 'sa-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.js';
import { createSdkApi } from '../api/sdk-app.js';
import { createServerApp } from '../api/server-app.js';
import { authConfigFromEnv } from '../auth/auth-config.js';
import { fixtureKey } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/**
 * The event SDKs brands already run, unchanged, against Yutang as the server serves it (host check, headers,
 * /api and the SDK endpoints on one port): @segment/analytics-node with its host set to Yutang, sa-sdk-node with
 * its submitter pointed at /sa (gzip on). Members, events, device links and an audience entry must appear in
 * the real Postgres, and runs on the real Temporal server.
 */
describe('event SDKs: Segment and Sensors Data clients', () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  let ingestKey: string;
  let ordered: string;
  let gold: string;
  let journeyId: string;

  const member = (externalId: string) =>
    stack.db
      .selectFrom('members')
      .selectAll()
      .where('workspace_id', '=', stack.workspaceId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
  const eventsOf = (externalId: string) =>
    stack.db
      .selectFrom('events as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .select(['e.name', 'e.properties', 'e.occurred_at', 'e.client_id', 'e.status'])
      .where('e.workspace_id', '=', stack.workspaceId)
      .where('m.external_id', '=', externalId)
      .orderBy('e.seq')
      .execute();
  const inAudience = (segmentId: string, externalId: string) =>
    stack.db
      .selectFrom('segment_members as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .select('s.entered_at')
      .where('s.segment_id', '=', segmentId)
      .where('m.external_id', '=', externalId)
      .where('s.left_at', 'is', null)
      .executeTakeFirst();

  beforeAll(async () => {
    stack = await startStack();
    ingestKey = await fixtureKey(stack.db, stack.workspaceId, ['ingest']);
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    const deps = { db: stack.db, registry: stack.registry, temporal };
    const app = createServerApp({
      config: authConfigFromEnv(),
      api: createApi(deps),
      sdk: createSdkApi(deps),
      webRoot: 'no-such-folder',
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ordered = (
      await stack.ok('POST', '/segments', {
        name: 'ordered via Segment',
        rule: { kind: 'event_count', event: 'Order_Completed', days: 30, op: 'gte', value: 1 },
      })
    ).segment.id;
    // a journey on the Segment event's Yutang name: the order starts a run on the real Temporal server
    const journey = await stack.ok('POST', '/journeys', {
      name: 'thanks for the order',
      document: {
        nodes: [node('t', 'trigger.event', { event: 'Order_Completed' }), node('x', 'exit')],
        edges: [edge('t', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    journeyId = journey.id;
    gold = (
      await stack.ok('POST', '/segments', {
        name: 'gold via Sensors',
        rule: { kind: 'attribute', key: 'level', op: 'eq', value: 'gold' },
      })
    ).segment.id;
  });
  afterAll(async () => {
    server?.close();
    await stack?.stop();
  });

  it('@segment/analytics-node: identify, track, page, alias and group in batches', async () => {
    const analytics = new Analytics({ writeKey: ingestKey, host: base, flushAt: 4, flushInterval: 200 });
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on('http_response', (r) => statuses.push(r.status));
    analytics.on('error', (e) => errors.push(e));
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    analytics.identify({
      userId: 'seg-u1',
      anonymousId: 'seg-device-1',
      traits: {
        name: '王小明',
        email: 'xiaoming@example.com',
        phone: '13800000001',
        city: '上海',
        vip: true,
      },
    });
    analytics.track({
      userId: 'seg-u1',
      event: 'Order Completed',
      properties: { amount: 199, sku: 'tea-01' },
      timestamp: twoHoursAgo,
      messageId: 'seg-order-1',
    });
    // only the device id: the identify above linked it to seg-u1
    analytics.track({ anonymousId: 'seg-device-1', event: 'Product Viewed', properties: { sku: 'tea-02' } });
    // a device nobody signed in on: accepted and skipped, with the reason
    analytics.track({ anonymousId: 'seg-stranger', event: 'Product Viewed' });
    analytics.page({ userId: 'seg-u2', name: '首页', category: 'home', properties: { path: '/' } });
    analytics.alias({ previousId: 'seg-device-2', userId: 'seg-u2' });
    analytics.group({ userId: 'seg-u2', groupId: 'acme' });
    analytics.track({ anonymousId: 'seg-device-2', event: 'Signed Up' });
    await analytics.closeAndFlush({ timeout: 30_000 });

    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const u1 = await member('seg-u1');
    expect(u1).toMatchObject({ name: '王小明', email: 'xiaoming@example.com', phone: '13800000001' });
    expect(u1?.attributes).toEqual({ city: '上海', vip: true });
    const e1 = await eventsOf('seg-u1');
    expect(e1.map((e) => e.name)).toEqual(['Order_Completed', 'Product_Viewed']);
    expect(e1[0]).toMatchObject({ client_id: 'seg:seg-order-1', properties: { amount: 199, sku: 'tea-01' } });
    // the timestamp is honoured (moved only by the sender's clock skew, here milliseconds)
    expect(Math.abs(e1[0].occurred_at.getTime() - twoHoursAgo.getTime())).toBeLessThan(5_000);
    const e2 = await eventsOf('seg-u2');
    expect(e2.map((e) => e.name)).toEqual(['page_viewed', 'Signed_Up']);
    expect(e2[0].properties).toMatchObject({ name: '首页', category: 'home', path: '/' });
    // nobody was made of the stranger's device, and nothing of the group
    expect(await member('seg-stranger')).toBeUndefined();
    expect(await member('acme')).toBeUndefined();
    // the order put seg-u1 in the audience, in the same request
    await eventually(() => inAudience(ordered, 'seg-u1'), 30_000, 'seg-u1 in the audience');
    expect(await inAudience(ordered, 'seg-u2')).toBeUndefined();
    const runs = await eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=seg-u1`);
        return runs.length && runs[0].status === 'completed' ? runs : null;
      },
      60_000,
      'the run of seg-u1',
    );
    expect(runs).toHaveLength(1);
  });

  it('sa-sdk-node: track, profiles and track_signup through its gzip submitter', async () => {
    const sa = new SensorsAnalytics();
    const failures: Error[] = [];
    sa.submitTo(
      {
        url: `${base}/sa?project=production&token=${encodeURIComponent(ingestKey)}`,
        gzip: true,
        mode: 'track',
      },
      { count: 4, timeSpan: 300 },
    ).catch((err) => failures.push(err));
    const oneDayAgo = Date.now() - 86_400_000;
    sa.profileSet('sa-u1', {
      $name: '李雷',
      level: 'silver',
      $signup_time: new Date('2024-03-01T08:00:00Z'),
    });
    sa.profileSetOnce('sa-u1', { level: 'bronze', first_channel: 'wechat' });
    sa.profileIncrement('sa-u1', { points: 5 });
    sa.profileIncrement('sa-u1', { points: 7 });
    sa.profileAppend('sa-u1', { interests: ['tea', 'cake'] });
    sa.profileAppend('sa-u1', { interests: ['tea', 'coffee'] });
    sa.profileSet('sa-u1', { level: 'gold', temp: 'x' });
    sa.profileUnset('sa-u1', ['temp']);
    sa.track('sa-u1', 'BuyProduct', { price: 88, $time: new Date(oneDayAgo) });
    sa.trackSignup('sa-u2', 'sa-device-9', { channel: 'mini' });
    sa.track('sa-u2', '$AppStart', {});

    const u1 = await eventually(
      async () => {
        const m = await member('sa-u1');
        const e = await eventsOf('sa-u1');
        return m?.attributes?.level === 'gold' && !m.attributes.temp && e.length ? m : null;
      },
      30_000,
      'sa-u1 as the profile calls left them',
    );
    expect(failures).toEqual([]);
    expect(u1.name).toBe('李雷');
    expect(u1.created_at.toISOString()).toBe('2024-03-01T08:00:00.000Z');
    expect(u1.attributes).toEqual({
      level: 'gold',
      first_channel: 'wechat',
      points: 12,
      interests: ['tea', 'cake', 'coffee'],
    });
    const [buy] = await eventsOf('sa-u1');
    expect(buy).toMatchObject({ name: 'BuyProduct', properties: { price: 88, $project: 'production' } });
    expect(buy.occurred_at.getTime()).toBe(oneDayAgo);
    expect(buy.client_id).toMatch(/^sa:[0-9a-f]{40}$/);
    await eventually(() => inAudience(gold, 'sa-u1'), 30_000, 'sa-u1 in the gold audience');

    // track_signup: the $SignUp event, and the device is sa-u2's from now on
    await eventually(async () => (await eventsOf('sa-u2')).length === 2, 30_000, 'sa-u2 events');
    expect((await eventsOf('sa-u2')).map((e) => e.name)).toEqual(['$SignUp', '$AppStart']);
    const link = await stack.db
      .selectFrom('member_identities as i')
      .innerJoin('members as m', 'm.id', 'i.member_id')
      .select(['m.external_id', 'i.source'])
      .where('i.workspace_id', '=', stack.workspaceId)
      .where('i.identity', '=', 'sa-device-9')
      .executeTakeFirst();
    expect(link).toEqual({ external_id: 'sa-u2', source: 'sensors' });
  });

  /** A Sensors request as the SDKs encode it, sent by hand (to resend exactly the same bytes). */
  const sensorsBody = (records: unknown[]) =>
    new URLSearchParams({
      data_list: gzipSync(Buffer.from(JSON.stringify(records))).toString('base64'),
      gzip: '1',
    }).toString();
  const postSensors = (body: string, query = `token=${encodeURIComponent(ingestKey)}`) =>
    fetch(`${base}/sa?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  const postSegment = (path: string, body: string, key = ingestKey) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      },
      body,
    });

  it('a resent batch changes nothing twice: no second increment, no second event', async () => {
    const body = sensorsBody([
      {
        type: 'profile_increment',
        distinct_id: 'sa-dup',
        properties: { points: 10 },
        _track_id: 11,
        time: 1,
      },
      {
        type: 'track',
        event: 'Checkin',
        distinct_id: 'sa-dup',
        properties: {},
        _track_id: 12,
        time: Date.now(),
      },
    ]);
    for (let i = 0; i < 3; i++) expect((await postSensors(body)).status).toBe(200);
    const m = await member('sa-dup');
    expect(m?.attributes).toEqual({ points: 10 });
    expect((await eventsOf('sa-dup')).map((e) => e.name)).toEqual(['Checkin']);
    const third = await (await postSensors(body)).json();
    expect(third).toMatchObject({ success: true, events: 0, profiles: 0, duplicates: 2 });

    const seg = JSON.stringify({
      batch: [{ type: 'track', userId: 'seg-dup', event: 'Coupon Used', messageId: 'seg-dup-1' }],
    });
    for (let i = 0; i < 2; i++) expect((await postSegment('/v1/batch', seg)).status).toBe(200);
    expect(await eventsOf('seg-dup')).toHaveLength(1);
  });

  it('erasing a member drops their device links: the device is anonymous again', async () => {
    await stack.ok('DELETE', '/members/seg-u1', { confirm: 'seg-u1' });
    const links = await stack.db
      .selectFrom('member_identities')
      .select('identity')
      .where('workspace_id', '=', stack.workspaceId)
      .where('identity', '=', 'seg-device-1')
      .execute();
    expect(links).toEqual([]);
    const res = await postSegment(
      '/v1/track',
      JSON.stringify({ anonymousId: 'seg-device-1', event: 'Product Viewed' }),
    );
    expect(await res.json()).toMatchObject({
      success: true,
      events: 0,
      skipped: [{ index: 0, type: 'event', reason: 'anonymous' }],
    });
  });

  it('refuses bad input with 400 and a reason, as Segment and Sensors do, and writes nothing', async () => {
    const count = async () =>
      Number(
        (
          await stack.db
            .selectFrom('members')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', stack.workspaceId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const cases: [Promise<Response>, number, string | RegExp][] = [
      [postSegment('/v1/batch', '{"batch": ['), 400, /Invalid JSON/],
      [
        postSegment(
          '/v1/track',
          JSON.stringify({ userId: 'bad-1', event: 'x', properties: { blob: 'x'.repeat(33_000) } }),
        ),
        400,
        /32 KB/,
      ],
      [
        postSegment(
          '/v1/batch',
          JSON.stringify({
            batch: Array.from({ length: 20 }, () => ({
              type: 'track',
              userId: 'bad-2',
              event: 'x',
              properties: { blob: 'y'.repeat(30_000) },
            })),
          }),
        ),
        400,
        /500 KB/,
      ],
      [
        postSegment(
          '/v1/batch',
          JSON.stringify({
            batch: [
              { type: 'track', userId: 'bad-3', event: 'ok' },
              { type: 'purchase', userId: 'bad-3' },
            ],
          }),
        ),
        400,
        'batch.1.type',
      ],
      [
        postSegment(
          '/v1/batch',
          JSON.stringify({ batch: [{ type: 'track', userId: 'x'.repeat(129), event: 'ok' }] }),
        ),
        400,
        'batch.0.userId',
      ],
      [postSegment('/v1/track', JSON.stringify({ event: 'no one' })), 400, 'userId'],
      [postSegment('/v1/track', JSON.stringify({ userId: 'bad-4', event: '下单' })), 400, 'event'],
      [
        postSegment('/v1/identify', JSON.stringify({ userId: 'bad-5', traits: { email: 'not-an-email' } })),
        400,
        'traits.email',
      ],
      [
        postSegment('/v1/track', JSON.stringify({ userId: 'bad-6', event: 'x' }), 'yt_not-a-key'),
        401,
        /API key/,
      ],
      [
        fetch(`${base}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
        401,
        /API key|sign in/,
      ],
      [postSensors('data_list=%%%&gzip=1'), 400, 'data_list'],
      [
        postSensors(
          new URLSearchParams({
            data_list: gzipSync(Buffer.alloc(20 * 1024 * 1024, 32)).toString('base64'),
            gzip: '1',
          }).toString(),
        ),
        400,
        /unzips to more than/,
      ],
      [
        postSensors(
          sensorsBody([
            { type: 'track', event: 'ok', distinct_id: 'bad-7' },
            { type: 'profile_merge', distinct_id: 'bad-7' },
          ]),
        ),
        400,
        'data_list.1.type',
      ],
      [
        postSensors(
          sensorsBody([{ type: 'profile_increment', distinct_id: 'bad-8', properties: { points: 'ten' } }]),
        ),
        400,
        'data_list.0.properties.points',
      ],
      [
        postSensors(sensorsBody([{ type: 'track', event: 'ok', distinct_id: 'bad-9' }]), 'project=default'),
        401,
        /API key|sign in/,
      ],
      [
        postSensors(
          sensorsBody([{ type: 'track', event: 'ok', distinct_id: 'bad-10' }]),
          `project=no-dash&token=${ingestKey}`,
        ),
        400,
        'project',
      ],
    ];
    for (const [pending, status, reason] of cases) {
      const res = await pending;
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(body.success).toBe(false);
      expect(typeof body.message).toBe('string');
      if (typeof reason === 'string') expect(body.error.field ?? body.message).toContain(reason);
      else expect(body.message).toMatch(reason);
    }
    expect(await count()).toBe(before);
  });
});
