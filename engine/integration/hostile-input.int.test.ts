import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { linkRedirectRoutes } from '../api/link-redirect.js';
import { documentedRoutes, type RouteDoc } from '../api/openapi.js';
import { authConfigFromEnv } from '../auth/auth-config.js';
import { sensorsRecord } from '../sdks/sensors.mapping.js';
import { edge, node } from '../testing/documents.js';
import {
  deepestBody,
  encodeSegment,
  fromSchema,
  type GenContext,
  heavySimulation,
  hostileJson,
  hostileStrings,
  type JsonSchema,
  largeRule,
  nested,
  toJsonText,
  withOneHostilePlace,
} from '../testing/hostile.js';
import {
  plausibleSegmentBatch,
  plausibleSegmentMessage,
  plausibleSensorsRecord,
} from '../testing/hostile-sdk.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * Never a 500 for bad input, and nothing half-written: generated hostile requests to every documented route
 * (the same registry the OpenAPI document comes from; openapi.test.ts holds it to the app's routes), built
 * from each route's own schemas. Each answer must be below 500; a 4xx must be a JSON error with a code, and
 * must leave every table as it was (row counts and last update times).
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> [FUZZ_RUNS=<n>].
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** FUZZ_STATS=1 prints, per route, how many answers had each status: is the suite getting past validation? */
const STATS = process.env.FUZZ_STATS === '1';

interface HostileRequest {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
}

describe('hostile input to every route', () => {
  let stack: Stack;
  let app: Stack['app'];
  let snapshot: () => Promise<Record<string, unknown>>;
  let ctx: GenContext;
  let pool: string[];
  let ids: Record<string, string[]>;

  beforeAll(async () => {
    console.log(`hostile-input: seed ${SEED}, ${RUNS} runs a route (repeat with FUZZ_SEED=${SEED})`);
    stack = await startStack({
      worker: false,
      auth: {
        // the preview rate has its own test (preview-limits); here every request should reach the route
        preview: { max: 1_000_000, windowMs: 60_000 },
        // heavy generated simulations hit the time limit sooner, so the suite's runtime stays bounded
        simulationTimeoutMs: 300,
      },
    });
    app = stack.app;

    // Things that exist, so generated requests reach past "not found": an active journey whose trigger
    // filters on a property (events are matched against hostile properties), a draft to edit and publish,
    // a member, a run, a processed and a dead event, a coupon template.
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '券',
      kind: 'amount',
      value: 5,
      validDays: 7,
      stock: 1000,
    });
    const active = await stack.ok('POST', '/journeys', {
      name: 'fuzz',
      document: {
        nodes: [
          node('t', 'trigger.event', {
            event: 'fuzz_evt',
            where: [{ property: 'amount', op: 'gte', value: 100 }],
          }),
          node('w', 'wait.event', { event: 'fuzz_paid', timeout: { amount: 1, unit: 'days' } }),
          node('m', 'message', {
            channel: 'email',
            title: '您好',
            body: '{{member.name}} {{member.attributes.city}}',
          }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'w'), edge('w', 'm', 'matched'), edge('w', 'x', 'timeout'), edge('m', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${active.id}/publish`, {});
    const draft = await stack.ok('POST', '/journeys', { name: 'draft', templateId: 'welcome' });
    const spare = await stack.ok('POST', '/journeys', { name: 'spare' });
    const audience = await stack.ok('POST', '/segments', {
      name: 'fuzz audience',
      rule: { kind: 'tag', op: 'has', tag: 'vip' },
    });
    await stack.ok('PUT', '/members/fuzz-m1', { name: '王', attributes: { city: '上海' }, tags: ['vip'] });
    const first = await stack.ok('POST', '/events', {
      memberId: 'fuzz-m1',
      name: 'fuzz_evt',
      properties: { amount: 120 },
      id: 'fuzz-1',
    });
    const { runs } = await stack.ok('GET', '/runs?memberId=fuzz-m1');
    const dead = await stack.db
      .insertInto('events')
      .values({
        workspace_id: stack.workspaceId,
        member_id: (await stack.db
          .selectFrom('members')
          .select('id')
          .where('workspace_id', '=', stack.workspaceId)
          .where('external_id', '=', 'fuzz-m1')
          .executeTakeFirstOrThrow())!.id,
        name: 'fuzz_evt',
        properties: JSON.stringify({ amount: 1 }),
        occurred_at: new Date(),
        status: 'dead',
        attempts: 12,
        process_error: 'made up',
        dead_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    pool = [draft.id, spare.id, runs[0].id, first.eventId, dead.id, couponTemplate.id, 'fuzz-m1', '1', '2'];
    ids = {
      '/api/journeys/:id/versions': [draft.id, spare.id, '1', '2'],
      '/api/journeys': [draft.id, spare.id],
      '/api/runs': [runs[0].id],
      '/api/events': [first.eventId, dead.id],
      '/api/members': ['fuzz-m1'],
      '/api/segments': [audience.segment.id],
    };
    const { nodeTypes } = await stack.ok('GET', '/node-types');
    const goodIds = fc.constantFrom('t', 'a', 'b', 'c', 'd');
    const badIds = fc.constantFrom('__proto__', 'constructor', 'x'.repeat(65), 'a.b', '', '\u0000');
    const nodeId = fc.oneof({ weight: 20, arbitrary: goodIds }, { weight: 1, arbitrary: badIds });
    const outputs = ['next', 'matched', 'timeout', 'issued', 'unavailable', 'else', 'a', '__proto__'];
    ctx = {
      root: {},
      vocabulary: [
        ...pool,
        'fuzz_evt',
        'fuzz_paid',
        'welcome',
        'sms',
        'email',
        'push',
        'amount',
        'threshold',
        'discount',
        'days',
        'pending',
        'dead',
        // the event SDKs' message types (Segment, Sensors Data)
        ...['track', 'identify', 'page', 'screen', 'alias', 'group', 'track_signup', 'track_id_bind'],
        ...['profile_set', 'profile_set_once', 'profile_increment', 'profile_append', 'profile_unset'],
        ...nodeTypes.map((t: any) => t.type),
        ...outputs,
      ],
      // A journey document's nodes take the registry's own config schemas, so compile and simulate see
      // configs that are nearly right (a wait of 1e308 days, an output named __proto__…).
      special: (path) => {
        if (path === 'document.nodes[]')
          return fc.constantFrom(...(nodeTypes as { type: string; configSchema: JsonSchema }[])).chain((t) =>
            fc.record({
              id: nodeId,
              type: fc.constant(t.type),
              position: fc.record({
                x: fc.oneof(
                  { weight: 20, arbitrary: fc.integer({ min: -5000, max: 5000 }) },
                  { weight: 1, arbitrary: fc.double() },
                ),
                y: fc.integer({ min: -5000, max: 5000 }),
              }),
              data: fromSchema(t.configSchema, { ...ctx, root: t.configSchema }, ''),
            }),
          );
        if (path === 'document.edges[]')
          return fc.record({
            id: fc.oneof({ weight: 20, arbitrary: fc.uuid() }, { weight: 1, arbitrary: badIds }),
            source: nodeId,
            sourceHandle: fc.constantFrom(...outputs, null),
            target: nodeId,
          });
        return undefined;
      },
    };

    const tables = (
      await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely%'
          -- the records of requests themselves: a refused call is audited and counted, by design
          and table_name not in ('audit_log', 'rate_limits')
        order by table_name`.execute(stack.db)
    ).rows.map((r) => r.table_name);
    const updated = (
      await sql<{ table_name: string }>`
        select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'updated_at' order by table_name`.execute(stack.db)
    ).rows.map((r) => r.table_name);
    const columns = [
      ...tables.map((t) => `(select count(*) from "${t}")::int as "${t}"`),
      ...updated.map((t) => `(select max(updated_at) from "${t}")::text as "${t}.updated_at"`),
    ];
    snapshot = async () =>
      (await sql.raw<Record<string, unknown>>(`select ${columns.join(', ')}`).execute(stack.db)).rows[0];
  });
  afterAll(() => stack?.stop());

  // Routes that archive, pause or delete go last, so the others still find the fixtures as they were.
  const last = (r: RouteDoc) => r.method === 'delete' || /(archive|pause)$/.test(r.path);
  const routes = [...documentedRoutes()].sort((a, b) => Number(last(a)) - Number(last(b)));

  // (named by text: vitest formats each.() arguments, and a zod schema is no fit for that)
  const byName = new Map(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r]));
  it.each([...byName.keys()])('%s', async (name) => {
    const route = byName.get(name)!;
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(requestFor(route), async (req) => {
        try {
          await check(req);
        } catch (err) {
          // the request as sent, short enough to read; fast-check then reports the seed and path
          console.log(`hostile-input failure: ${describeRequest(req)}\n${String(err).slice(0, 2000)}`);
          throw err;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (STATS) console.log(`${name}: ${JSON.stringify(statuses)}`);

    async function check(req: HostileRequest) {
      const before = await snapshot();
      const query = req.query.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');
      const res = await app.request(`${req.path}${query ? `?${query}` : ''}`, {
        method: req.method,
        headers: req.headers,
        body: req.body,
      });
      const text = await res.text();
      const what = `${req.method} ${req.path.slice(0, 300)} → ${res.status} ${text.slice(0, 500)}`;
      expect(res.status, what).toBeLessThan(500);
      const error = res.status >= 400 ? JSON.parse(text).error : undefined;
      const field = error?.field ? ` ${String(error.field).replace(/\.\d+/g, '.n').slice(0, 40)}` : '';
      const key = `${res.status}${error ? ` ${error.code}${field}` : ''}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (error) {
        expect(typeof error.code, what).toBe('string');
        expect(typeof error.message, what).toBe('string');
        // stored but failed for good: processing cannot cope with something the schema let in
        expect(error.code, what).not.toBe('event_failed');
        expect(await snapshot(), `${what}: a refused request changed the database`).toEqual(before);
      }
    }
  });

  // The public route outside /api (the event SDKs' endpoints there are documented routes, walked above):
  // tracked short links. Any code — hostile, long, a near miss of a real one —
  // is a plain 404 page (or the redirect of a real code), never a 5xx, never a redirect elsewhere, no row written.
  it('GET /l/:code', async () => {
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    const links = linkRedirectRoutes({
      db: stack.db,
      temporal,
      auth: authConfigFromEnv(),
      rate: { max: 1_000_000, windowMs: 60_000 },
    });
    const code = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...hostileStrings.filter((s) => s !== '')) },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
      { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-Za-z]{8}$/) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3000 }) },
    );
    await fc.assert(
      fc.asyncProperty(code, fc.constantFrom('GET', 'HEAD'), async (c, method) => {
        const before = await snapshot();
        const res = await links.request(`/l/${encodeSegment(c)}`, { method });
        const what = `${method} /l/${c.slice(0, 100)} → ${res.status}`;
        expect(res.status, what).toBe(404);
        expect(res.headers.get('location'), what).toBeNull();
        expect(await snapshot(), what).toEqual(before);
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  /** A request for a route: hostile path parameters, query and body, sometimes a hostile header. */
  function requestFor(route: RouteDoc): fc.Arbitrary<HostileRequest> {
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    // ids that exist, the ones that fit this route first (any route not listed gets them all)
    const fitting = Object.entries(ids).find(([prefix]) => route.path.startsWith(prefix))?.[1] ?? pool;
    const param = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...fitting) },
      { weight: 1, arbitrary: fc.constantFrom(...pool) },
      { weight: 2, arbitrary: fc.constantFrom(...hostileStrings.filter((s) => s !== '')) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    );
    const path = fc
      .tuple(...params.map(() => param))
      .map((values) => values.reduce((p, v, i) => p.replace(`:${params[i]}`, encodeSegment(v)), route.path));

    const querySchema = route.query
      ? (z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
      : undefined;
    const queryArb = fc.oneof(
      querySchema
        ? fromSchema(querySchema, { ...ctx, root: querySchema }).map(toQuery)
        : fc.constant<[string, string][]>([]),
      fc.array(
        fc.tuple(
          fc.constantFrom('cursor', 'limit', 'status', 'memberId', 'x'),
          fc.constantFrom(...hostileStrings),
        ),
        {
          maxLength: 3,
        },
      ),
    );

    const sendsBody = route.method === 'post' || route.method === 'put';
    const bodySchema = route.body
      ? (z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
      : undefined;
    const shaped = bodySchema ? fromSchema(bodySchema, { ...ctx, root: bodySchema }) : hostileJson;
    // requests at and past the limits that keep one caller from stalling others (README: Security)
    const limitCases: Record<string, fc.Arbitrary<unknown>> = {
      'POST /api/segments/preview': largeRule.map((rule) => ({ rule })),
      'POST /api/segments': largeRule.map((rule) => ({ name: 'large', rule })),
      'PUT /api/segments/:id': largeRule.map((rule) => ({ name: 'large', rule })),
      'POST /api/journeys/:id/simulate': heavySimulation,
      // the event SDKs: messages nearly right, so the requests reach mapping, profile updates and the write
      ...Object.fromEntries(
        ['track', 'identify', 'page', 'screen', 'alias', 'group'].map((t) => [
          `POST /v1/${t}`,
          plausibleSegmentMessage.map((m) => ({ ...m, type: t })),
        ]),
      ),
      'POST /v1/batch': plausibleSegmentBatch,
      'POST /v1/import': plausibleSegmentBatch,
    };
    const pastLimits = limitCases[`${route.method.toUpperCase()} ${route.path}`] ?? shaped;
    const jsonBodies: fc.Arbitrary<string | undefined> = sendsBody
      ? fc.oneof(
          { weight: 3, arbitrary: pastLimits.map(toJsonText) },
          { weight: 5, arbitrary: shaped.map(toJsonText) },
          { weight: 4, arbitrary: shaped.chain(withOneHostilePlace).map(toJsonText) },
          { weight: 1, arbitrary: hostileJson.map(toJsonText) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '',
              '{',
              'null',
              '[]',
              '"text"',
              '1e400',
              'memberId=a&name=b',
              '\u0000',
              '{"a":"\\ud800"}',
              '{"__proto__":{"polluted":true}}',
              toJsonText(nested(5_000, 'object')),
              toJsonText(nested(100_000, 'array')),
              deepestBody,
              `{"name":"${'x'.repeat(100_000)}"}`,
            ),
          },
        )
      : fc.constant(undefined);

    // Sensors Data's endpoint reads form-encoded records (base64, gzipped or not): hostile records inside
    // well-formed envelopes, and envelopes that are not
    const sensors = route.path === '/sa';
    const recordSchema = z.toJSONSchema(sensorsRecord, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const record = fromSchema(recordSchema, { ...ctx, root: recordSchema });
    const bodyArb = sensors
      ? sensorsBodies(
          fc.oneof(
            { weight: 4, arbitrary: plausibleSensorsRecord },
            { weight: 3, arbitrary: record },
            { weight: 2, arbitrary: record.chain(withOneHostilePlace) },
          ),
        )
      : jsonBodies;
    const sdkCredentials = route.keyFrom
      ? fc.constantFrom(
          { authorization: `Basic ${Buffer.from(`${stack.key}:`).toString('base64')}` },
          { authorization: `Basic ${Buffer.from(`${stack.key}:secret`).toString('base64')}` },
          { authorization: 'Basic !!!' },
          { authorization: `Basic ${Buffer.from(':').toString('base64')}` },
        )
      : fc.constant({});

    // the stack's API key, mostly; now and then content that is not JSON, or credentials that are not a key
    const headers = fc.oneof(
      { weight: 10, arbitrary: fc.constant(stack.headers) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1')
          .map((type) => ({ ...stack.headers, 'content-type': type })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('Bearer nope', `Bearer yt_${'x'.repeat(300)}`, 'Basic Og==', 'Bearer ', '__proto__')
          .map((authorization) => ({ 'content-type': 'application/json', authorization })),
      },
    );

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const allHeaders = route.keyFrom
      ? fc.oneof(
          { weight: 4, arbitrary: sensors ? fc.constant({ ...stack.headers, ...form }) : headers },
          {
            weight: 2,
            arbitrary: sdkCredentials.map((h) => ({
              ...(sensors ? form : { 'content-type': 'application/json' }),
              ...h,
            })),
          },
          { weight: 1, arbitrary: headers },
        )
      : headers;
    // the Sensors key may come as ?token= too
    const sdkQuery = sensors
      ? fc.oneof(
          { weight: 3, arbitrary: queryArb },
          { weight: 3, arbitrary: fc.constant<[string, string][]>([['project', 'default']]) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(stack.key, 'nope', '', '\u0000').map((token): [string, string][] => [
              ['project', 'default'],
              ['token', token],
            ]),
          },
        )
      : queryArb;

    return fc.record({
      method: fc.constant(route.method.toUpperCase()),
      path,
      query: sdkQuery,
      headers: allHeaders,
      body: bodyArb,
    });
  }
});

function describeRequest(req: HostileRequest): string {
  const cut = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s);
  return `${req.method} ${cut(req.path)} query=${cut(JSON.stringify(req.query))} headers=${JSON.stringify(req.headers)} body=${req.body === undefined ? '-' : cut(JSON.stringify(req.body))}`;
}

/** Query parameters from a generated value: every leaf as text, arrays as repeated keys. */
function toQuery(value: unknown): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [['q', typeof value === 'string' ? value : toJsonText(value)]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v])
      out.push([k, typeof item === 'object' && item !== null ? toJsonText(item) : String(item)]);
  }
  return out;
}

/** Sensors Data request bodies: generated records, base64 of (gzipped) JSON in `data_list` or `data`. */
function sensorsBodies(records: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> {
  const encode = (text: string, gzip: boolean) =>
    (gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text)).toString('base64');
  const envelope = fc
    .tuple(
      fc.array(records, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.constantFrom('data_list', 'data'),
    )
    .map(([list, gzip, field]) =>
      new URLSearchParams({
        [field]: encode(toJsonText(field === 'data' ? list[0] : list), gzip),
        gzip: gzip ? '1' : '0',
      }).toString(),
    );
  return fc.oneof(
    { weight: 8, arbitrary: envelope },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'data_list=',
        'data_list=%%%',
        'data_list=bm90IGpzb24=&gzip=1',
        `data_list=${encode('[]', false)}`,
        `data_list=${encode('null', false)}&gzip=0`,
        `data_list=${encode(JSON.stringify(Array.from({ length: 1001 }, () => ({ type: 'track' }))), true)}&gzip=1`,
        `data_list=${gzipSync(Buffer.alloc(6 * 1024 * 1024, 32)).toString('base64')}&gzip=1`,
        'gzip=2&data_list=e30=',
        '{"data_list":"e30="}',
      ),
    },
  );
}
