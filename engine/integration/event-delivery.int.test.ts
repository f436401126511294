import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.js';
import { startEventSweeper } from '../services/events.service.js';
import type { TemporalDeps } from '../services/runs.service.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/**
 * Loses no event: a batch is stored whole before processing and answered per event; failures are retried with
 * back-off and end in a dead letter ops can list and replay; only an unreachable server is a 503.
 *
 * Faults are injected at the Temporal client's `workflow.start`, per journey; Postgres and Temporal are real.
 */
describe('event delivery', () => {
  let stack: Stack;
  const journeys: Record<string, string> = {};
  /** journey name → the error starting one of its runs throws, while set */
  const faults = new Map<string, () => Error>();

  const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), { code: 14 });
  const exhausted = () => Object.assign(new Error('8 RESOURCE_EXHAUSTED: rate limited'), { code: 8 });
  const broken = () => new TypeError("Cannot read properties of undefined (reading 'config')");

  let temporal: TemporalDeps;
  let api: Hono;
  async function call(method: string, path: string, body?: unknown) {
    const res = await api.request(`/api${path}`, {
      method,
      headers: stack.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const events = (where: { client_id?: string[]; name?: string }) => {
    let q = stack.db.selectFrom('events').selectAll().where('workspace_id', '=', stack.workspaceId);
    if (where.client_id) q = q.where('client_id', 'in', where.client_id);
    if (where.name) q = q.where('name', '=', where.name);
    return q.orderBy('seq').execute();
  };
  const sweep = (opts: Parameters<typeof startEventSweeper>[2] = {}) =>
    startEventSweeper(stack.db, temporal, { intervalMs: 50, log: () => {}, ...opts });

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const real = stack.client;
    const workflow = new Proxy(real.workflow, {
      get(target, prop) {
        if (prop === 'start')
          return async (type: string, options: { args: [{ journeyId: string }] }) => {
            const name = Object.keys(journeys).find((n) => journeys[n] === options.args[0].journeyId);
            const fault = name ? faults.get(name) : undefined;
            if (fault) throw fault();
            return target.start(type as any, options as any);
          };
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const client = new Proxy(real, { get: (t, p) => (p === 'workflow' ? workflow : Reflect.get(t, p)) });
    temporal = { client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    api = new Hono().route('/api', createApi({ db: stack.db, registry: stack.registry, temporal }));

    for (const name of ['good', 'bad', 'flaky', 'later']) {
      const j = await stack.ok('POST', '/journeys', {
        name,
        document: {
          nodes: [
            node('t', 'trigger.event', { event: `ev_${name}`, reentry: 'after_exit' }),
            node('w', 'wait.duration', { amount: 1, unit: 'days' }),
            node('x', 'exit'),
          ],
          edges: [edge('t', 'w'), edge('w', 'x')],
        },
      });
      await stack.ok('POST', `/journeys/${j.id}/publish`, {});
      journeys[name] = j.id;
    }
  });
  afterAll(() => stack?.stop());

  it('stores a batch whole, then answers per event: processed, duplicate, dead — one failure stops nothing', async () => {
    faults.set('bad', broken);
    const res = await call('POST', '/events/batch', {
      events: [
        { memberId: 'b1', name: 'ev_good', id: 'b-1' },
        { memberId: 'b1', name: 'ev_good', id: 'b-1' },
        { memberId: 'b2', name: 'ev_bad', id: 'b-2' },
        { memberId: 'b3', name: 'ev_good', id: 'b-3' },
      ],
    });
    faults.delete('bad');
    expect(res.status).toBe(202);
    expect(res.body.results).toMatchObject([
      { id: 'b-1', duplicate: false, status: 'processed', runsStarted: 1 },
      { id: 'b-1', duplicate: true, status: 'processed', runsStarted: 0 },
      { id: 'b-2', duplicate: false, status: 'dead', error: { kind: 'permanent' } },
      { id: 'b-3', duplicate: false, status: 'processed', runsStarted: 1 },
    ]);
    expect(res.body.results[2].error.message).toContain('reading');
    const stored = await events({ client_id: ['b-1', 'b-2', 'b-3'] });
    expect(stored.map((e) => [e.client_id, e.status, e.attempts])).toEqual([
      ['b-1', 'processed', 1],
      ['b-2', 'dead', 1],
      ['b-3', 'processed', 1],
    ]);
  });

  it('keeps the whole batch when a server is away, without trying every event against it; the sweeper finishes it', async () => {
    faults.set('good', unavailable);
    const res = await call('POST', '/events/batch', {
      events: ['k-1', 'k-2', 'k-3'].map((id, i) => ({ memberId: `k${i}`, name: 'ev_good', id })),
    });
    faults.delete('good');
    expect(res.status).toBe(202);
    expect(res.body.results.map((r: any) => [r.status, r.error.kind])).toEqual([
      ['kept', 'unavailable'],
      ['kept', 'unavailable'],
      ['kept', 'unavailable'],
    ]);
    let stored = await events({ client_id: ['k-1', 'k-2', 'k-3'] });
    expect(stored.map((e) => [e.status, e.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    // time passes: they are due
    await sql`update events set next_attempt_at = now() where client_id in ('k-1','k-2','k-3')`.execute(
      stack.db,
    );
    const stop = sweep();
    try {
      stored = await eventually(
        async () => {
          const rows = await events({ client_id: ['k-1', 'k-2', 'k-3'] });
          return rows.every((e) => e.status === 'processed') && rows;
        },
        10_000,
        'the swept batch',
      );
    } finally {
      stop();
    }
    const { runs } = await stack.ok('GET', `/runs?journeyId=${journeys.good}`);
    expect(runs.filter((r: any) => ['k0', 'k1', 'k2'].includes(r.memberId))).toHaveLength(3);
  });

  it('answers a single event by what happened: 202 processed or kept, 503 only when a server is away, 422 when it failed for good', async () => {
    faults.set('flaky', exhausted);
    const kept = await call('POST', '/events', { memberId: 's1', name: 'ev_flaky', id: 's-1' });
    expect(kept.status).toBe(202);
    expect(kept.body).toMatchObject({ status: 'kept', error: { kind: 'retryable' } });
    expect(new Date(kept.body.error.retryAt).getTime()).toBeGreaterThan(Date.now());

    faults.set('flaky', unavailable);
    const away = await call('POST', '/events', { memberId: 's2', name: 'ev_flaky', id: 's-2' });
    expect(away.status).toBe(503);
    expect(away.body.error).toMatchObject({ code: 'unavailable', eventId: expect.any(String) });

    faults.set('flaky', broken);
    const dead = await call('POST', '/events', { memberId: 's3', name: 'ev_flaky', id: 's-3' });
    expect(dead.status).toBe(422);
    expect(dead.body.error).toMatchObject({ code: 'event_failed', eventId: expect.any(String) });
    // sending it again does not process it again: it stays dead until ops replay it
    expect((await call('POST', '/events', { memberId: 's3', name: 'ev_flaky', id: 's-3' })).status).toBe(422);
    faults.delete('flaky');

    const stored = await events({ client_id: ['s-1', 's-2', 's-3'] });
    expect(stored.map((e) => [e.client_id, e.status])).toEqual([
      ['s-1', 'pending'],
      ['s-2', 'pending'],
      ['s-3', 'dead'],
    ]);
  });

  it('retries with growing back-off, dead-letters after the last attempt, and never starves newer events', async () => {
    // 30 events that keep failing (a rate limit that does not lift), all due, all older than 5 good ones
    faults.set('flaky', exhausted);
    const failing = await call('POST', '/events/batch', {
      events: Array.from({ length: 30 }, (_, i) => ({ memberId: `f${i}`, name: 'ev_flaky', id: `f-${i}` })),
    });
    expect(failing.body.results.every((r: any) => r.status === 'kept')).toBe(true);
    await sql`update events set next_attempt_at = now() - interval '1 minute', attempts = 0
              where workspace_id = ${stack.workspaceId} and name = 'ev_flaky' and status = 'pending'`.execute(
      stack.db,
    );
    const { member } = await stack.ok('PUT', '/members/later-m', {});
    await stack.db
      .insertInto('events')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          workspace_id: stack.workspaceId,
          member_id: member.id,
          client_id: `later-${i}`,
          name: 'ev_later',
          properties: '{}',
          occurred_at: new Date(),
          next_attempt_at: new Date(),
        })),
      )
      .execute();

    // Batches of 10: the sweeper that took the 10 oldest every time would never reach the later events.
    const stop = sweep({ batchSize: 10, policy: { baseMs: 400, maxMs: 10_000, maxAttempts: 3 } });
    try {
      await eventually(
        async () => (await events({ name: 'ev_later' })).every((e) => e.status === 'processed'),
        10_000,
        'the later events',
      );
      const flakyWhenLaterDone = await events({ name: 'ev_flaky' });
      expect(flakyWhenLaterDone.some((e) => e.status === 'pending')).toBe(true);
      const dead = await eventually(
        async () => {
          const rows = await events({ name: 'ev_flaky' });
          return (
            rows.filter((e) => e.status === 'dead').length >= 30 && rows.filter((e) => e.status === 'dead')
          );
        },
        20_000,
        'the failing events to be dead-lettered',
      );
      expect(dead.filter((e) => e.client_id?.startsWith('f-')).every((e) => e.attempts === 3)).toBe(true);
    } finally {
      stop();
      faults.delete('flaky');
    }
  });

  it('lists dead events by cursor pages and replays them, one or many, with attempts reset', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await stack.ok(
        'GET',
        `/events?status=dead&name=ev_flaky&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(7);
      seen.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(31);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen[0]).toMatchObject({
      status: 'dead',
      attempts: expect.any(Number),
      error: expect.any(String),
    });

    const one = await call('POST', `/events/${seen[0].id}/replay`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ eventId: seen[0].id, status: 'processed', runsStarted: 1 });
    const many = await call('POST', '/events/replay', {
      ids: [...seen.slice(1, 4).map((e) => e.id), '00000000-0000-4000-8000-000000000000'],
    });
    expect(many.body.results.map((r: any) => r.status)).toEqual(['processed', 'processed', 'processed']);
    expect(many.body.notFound).toEqual(['00000000-0000-4000-8000-000000000000']);
    const replayed = await stack.db
      .selectFrom('events')
      .select(['status', 'attempts', 'dead_at'])
      .where(
        'id',
        'in',
        seen.slice(0, 4).map((e) => e.id),
      )
      .execute();
    expect(replayed.every((e) => e.status === 'processed' && e.attempts === 1 && e.dead_at === null)).toBe(
      true,
    );
    // a processed event is left as it is; an unknown one is not found
    expect((await call('POST', `/events/${seen[0].id}/replay`)).body).toMatchObject({
      status: 'processed',
      runsStarted: 0,
    });
    expect((await call('POST', '/events/00000000-0000-4000-8000-000000000000/replay')).status).toBe(404);
  });
});
