import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.js';
import { type AuthConfig, authConfigFromEnv } from '../auth/auth-config.js';
import type { SegmentRule } from '../segments/rules.js';
import { fixtureSession } from '../testing/credentials.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * Security review M3 (issue 14): a viewer could exhaust the database with audience previews — a rule of
 * hundreds of `event_sum` leaves with filters ran until the pool's statement timeout and answered 500, a dozen
 * in parallel held every connection so other callers got 503, and a rule past 65,535 bind parameters was a
 * 500 at once. Rules are now bounded (leaves, parameters) with a 422 naming the leaf; previews run with their
 * own short statement timeout, at most a few at once per workspace, and count against the caller's rate.
 *
 * Timeouts are shortened here (pool 5 s standing in for the default 30 s, waiting for a connection 1 s,
 * previews 300 ms) so the file runs in seconds over a modest table: 1,500 members with 40 `order_paid`
 * events each.
 */
const ENV = {
  YUTANG_PG_STATEMENT_TIMEOUT_MS: '5000',
  YUTANG_PG_CONNECT_TIMEOUT_MS: '1000',
  YUTANG_PREVIEW_TIMEOUT_MS: '300',
};

const filters = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ property: `p${i}`, op: 'gte' as const, value: i }));
/** An expensive leaf: a sum over the member's events, each event checked against ten property filters. */
const heavyLeaf = (i: number): SegmentRule => ({
  kind: 'event_sum',
  event: 'order_paid',
  property: 'amount',
  where: filters(10),
  days: 3650,
  op: 'gte',
  // never reached, so `any` evaluates every leaf for every member
  value: 1e9 + i,
});
const anyOf = (rules: SegmentRule[]): SegmentRule => ({ kind: 'any', rules });
const tagLeaf = (i: number): SegmentRule => ({ kind: 'tag', op: 'has', tag: `t${i}` });

describe('audience previews cannot stall the server (M3)', () => {
  let stack: Stack;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
    Object.assign(process.env, ENV);
    try {
      stack = await startStack({ worker: false });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    viewer = (await fixtureSession(stack.db, stack.workspaceId, 'viewer')).headers;
    // the fill outlasts the shortened statement timeout: its own transaction lifts it
    await stack.db.transaction().execute(async (trx) => {
      await sql`set local statement_timeout = 0`.execute(trx);
      await sql`insert into members (workspace_id, external_id)
        select ${stack.workspaceId}, 'pm' || g from generate_series(1, 1500) g`.execute(trx);
      await sql`insert into events (workspace_id, member_id, name, properties, occurred_at, status, processed_at)
        select m.workspace_id, m.id, 'order_paid',
          jsonb_build_object('amount', g, 'p0', g, 'p1', g, 'p2', g, 'p3', g, 'p4', g, 'p5', g, 'p6', g,
            'p7', g, 'p8', g, 'p9', g),
          now() - make_interval(days => g), 'processed', now()
        from members m, generate_series(1, 40) g where m.workspace_id = ${stack.workspaceId}`.execute(trx);
    });
    await sql`analyze members; analyze events`.execute(stack.db);
  }, 120_000);
  afterAll(() => stack?.stop());

  const as = async (headers: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await stack.app.request(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const segmentCount = async () =>
    (await stack.db.selectFrom('segments').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n;

  it('refuses a rule of 300 leaves with filters (past 65,535 bind parameters) with 422 naming the leaf where it grows too large', async () => {
    const rule = anyOf(
      Array.from({ length: 6 }, (_, g) => anyOf(Array.from({ length: 50 }, (_, i) => heavyLeaf(g * 50 + i)))),
    );
    const res = await as(viewer, 'POST', '/segments/preview', { rule });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
    // the parameters run out first (10 filters a leaf), well before the 51st leaf
    expect(res.body.error).toMatchObject({
      code: 'rule_too_large',
      field: expect.stringMatching(/^rule\.rules\.0\.rules\.\d+$/),
    });
  });

  it('refuses more than 50 leaves, on preview and on save, naming the first leaf over', async () => {
    const rule = anyOf([
      anyOf(Array.from({ length: 30 }, (_, i) => tagLeaf(i))),
      anyOf(Array.from({ length: 30 }, (_, i) => tagLeaf(30 + i))),
    ]);
    const preview = await as(viewer, 'POST', '/segments/preview', { rule });
    expect(preview.status).toBe(422);
    expect(preview.body.error).toMatchObject({ code: 'rule_too_large', field: 'rule.rules.1.rules.20' });
    expect(preview.body.error.message).toMatch(/at most 50 conditions/);

    const before = await segmentCount();
    const created = await stack.call('POST', '/segments', { name: 'too many', rule });
    expect(created.status).toBe(422);
    expect(created.body.error).toMatchObject({ code: 'rule_too_large', field: 'rule.rules.1.rules.20' });
    expect(await segmentCount()).toBe(before);

    const ok = await stack.ok('POST', '/segments', { name: 'few', rule: tagLeaf(1) });
    const updated = await stack.call('PUT', `/segments/${ok.segment.id}`, { name: 'few', rule });
    expect(updated.status).toBe(422);
    expect(updated.body.error.field).toBe('rule.rules.1.rules.20');
  });

  it('refuses a rule whose SQL would take too many bind parameters, naming the leaf that crosses the limit', async () => {
    // 50 leaves is allowed by count, but ten filters each is far more parameters than any real rule needs
    const rule = anyOf(Array.from({ length: 50 }, (_, i) => heavyLeaf(i)));
    const res = await as(viewer, 'POST', '/segments/preview', { rule });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
    expect(res.body.error.code).toBe('rule_too_large');
    expect(res.body.error.field).toMatch(/^rule\.rules\.\d+$/);
    expect(res.body.error.message).toMatch(/parameters/);
  });

  it('answers a preview slower than its timeout with 422 preview_too_slow, not 500', async () => {
    const rule = anyOf(Array.from({ length: 20 }, (_, i) => heavyLeaf(i)));
    const started = performance.now();
    const res = await as(viewer, 'POST', '/segments/preview', { rule });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
    expect(res.body.error.code).toBe('preview_too_slow');
    // its own 300 ms, not the pool's 5 s (a generous bound: the machine may be busy)
    expect(performance.now() - started).toBeLessThan(4000);

    // a saved audience's preview is bounded the same way
    const saved = await stack.ok('POST', '/segments', { name: 'slow', rule });
    const again = await as(viewer, 'GET', `/segments/${saved.segment.id}/preview`);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('preview_too_slow');
  });

  it('still counts a cheap rule, and samples the newest members', async () => {
    // with a timeout no busy test machine reaches: this is about the answer, not the limit
    const api = apiWith({ previewTimeoutMs: 30_000 });
    const res = await api(viewer, '/segments/preview', {
      rule: { kind: 'event_count', event: 'order_paid', days: 3650, op: 'gte', value: 40 },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.count).toBe(1500);
    expect(res.body.sample).toHaveLength(10);
    const none = await api(viewer, '/segments/preview', { rule: tagLeaf(1) });
    expect(none.body).toEqual({ count: 0, sample: [] });
  });

  it('lets a dozen slow previews in parallel neither starve other callers nor pile up: 429 past two at once', async () => {
    const rule = anyOf(Array.from({ length: 20 }, (_, i) => heavyLeaf(i)));
    const previews = Array.from({ length: 12 }, () => as(viewer, 'POST', '/segments/preview', { rule }));
    // someone else, meanwhile, lists journeys
    await new Promise((r) => setTimeout(r, 50));
    const other = await stack.call('GET', '/journeys');
    const answers = await Promise.all(previews);
    expect(other.status, JSON.stringify(other.body).slice(0, 300)).toBe(200);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 429).length, statuses.join(' ')).toBeGreaterThanOrEqual(10);
    for (const a of answers) {
      expect([422, 429]).toContain(a.status);
      if (a.status === 429) {
        expect(a.body.error.code).toBe('too_many_at_once');
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
  });

  it('counts previews against the caller’s preview rate (YUTANG_PREVIEW_RATE)', async () => {
    // a day's window, so the test does not straddle two windows
    const api = apiWith({ preview: { max: 3, windowMs: 86_400_000 } });
    const one = (await fixtureSession(stack.db, stack.workspaceId, 'viewer')).headers;
    const two = (await fixtureSession(stack.db, stack.workspaceId, 'viewer')).headers;
    const preview = (headers: Record<string, string>) =>
      api(headers, '/segments/preview', { rule: tagLeaf(1) });
    for (let i = 0; i < 3; i++) expect((await preview(one)).status).toBe(200);
    const refused = await preview(one);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // per caller: another viewer of the same workspace still previews
    expect((await preview(two)).status).toBe(200);
  });

  /** The API as the app mounts it, with limits of the test's own (same database); POSTs `body` to `path`. */
  function apiWith(overrides: Partial<AuthConfig>) {
    const auth: AuthConfig = { ...authConfigFromEnv(), ...overrides };
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    const app = new Hono().route(
      '/api',
      createApi({ db: stack.db, registry: stack.registry, temporal, auth }),
    );
    return async (headers: Record<string, string>, path: string, body: unknown) => {
      const res = await app.request(`/api${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, headers: res.headers, body: await res.json() };
    };
  }
});
