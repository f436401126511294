/**
 * `npm run bench`: journey throughput against the raw Temporal floor on the same server, and event→message latency.
 * Uses DATABASE_URL's server (a fresh database, dropped after) or an embedded Postgres, and TEMPORAL_ADDRESS or a
 * local in-memory dev server, or with BENCH_TEMPORAL=server a real Temporal server (engine/infra/temporal-real-server.ts).
 * BENCH_N members (default 300), BENCH_LATENCY_N samples (default 50).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb } from '../../db/connection.js';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { buildWorkflowBundle } from '../../workflows/build-bundle.js';
import { createApi } from '../api/app.js';
import { authConfigFromEnv } from '../auth/auth-config.js';
import { logger } from '../infra/logger.js';
import { loadNodeRegistry } from '../nodes/registry.js';
import { fixtureKey, keyHeaders } from '../testing/credentials.js';
import { startTemporal, temporalKind } from '../testing/test-temporal.js';
import { createJourneyWorker } from '../worker/start-worker.js';
import { benchAudiences } from './audiences.js';

const N = Number(process.env.BENCH_N ?? 300);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  // Request lines would bury the figures: warnings only, unless LOG_LEVEL asks for more.
  logger.level = process.env.LOG_LEVEL?.toLowerCase() ?? 'warn';
  const stops: (() => Promise<unknown>)[] = [];
  const dbName = `yutang_bench_${randomBytes(3).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: mkdtempSync(join(tmpdir(), 'yutang-bench-')),
      log: () => {},
    });
    stops.push(embedded.stop);
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  stops.push(async () => {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  // At teardown the bench database is dropped under its pool: those disconnects are expected, not news.
  let tearingDown = false;
  const db = createDb(url.toString(), {
    max: 20,
    onError: (err) => tearingDown || console.error(`[postgres] ${err.message}`),
  });
  stops.unshift(() => db.destroy());
  await migrateToLatestOrThrow(db);

  // BENCH_TEMPORAL=server: the real Temporal server (databases on the same Postgres server), else as before.
  const temporal = await startTemporal({
    kind: temporalKind('BENCH_TEMPORAL'),
    postgresUrl: adminUrl,
    databasePrefix: 'yutang_bench_temporal',
    log: () => {},
  });
  // Before Postgres goes (a real server drops its databases there), after the worker (unshifted below).
  stops.unshift(temporal.stop);
  const bundlePath = await buildWorkflowBundle(join(tmpdir(), `yutang-bench-bundle-${process.pid}.js`));
  const registry = await loadNodeRegistry();
  const taskQueue = `bench-${randomBytes(3).toString('hex')}`;
  const { worker, close } = await createJourneyWorker({
    db,
    registry,
    address: temporal.address,
    namespace: 'default',
    taskQueue,
    bundlePath,
  });
  const running = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await running;
    await close();
  });
  const connection = await Connection.connect({ address: temporal.address });
  stops.unshift(() => connection.close());
  const client = new Client({ connection });
  // Authenticated like a brand's backend; the ingest limit must not be what is measured.
  const headers = keyHeaders(await fixtureKey(db, 'default'));
  const auth = { ...authConfigFromEnv(), ingest: { max: 1_000_000_000, windowMs: 60_000 } };
  const app = new Hono().route(
    '/api',
    createApi({
      db,
      registry,
      temporal: { client, taskQueue, namespace: 'default', uiUrl: null },
      auth,
      log: logger.child({ component: 'api' }, { level: 'warn' }),
    }),
  );
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  stops.unshift(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const publish = async (name: string, doc: unknown) => {
    const j = await post('/journeys', { name, document: doc });
    await post(`/journeys/${j.id}/publish`, {});
    return j.id as string;
  };
  const n = (id: string, type: string, data: Record<string, unknown> = {}) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    data,
  });
  const e = (s: string, t: string) => ({ id: `${s}-${t}`, source: s, sourceHandle: 'next', target: t });

  // Warm-up: the first workflows pay for sandbox and connection set-up.
  await pool(
    Array.from({ length: 20 }, (_, i) => i),
    20,
    (i) => client.workflow.execute('baselineRun', { taskQueue, workflowId: `warm-${taskQueue}-${i}` }),
  );

  // 1. The floor: start N workflows that each run one empty activity and complete; wait for all. Measured the
  // same way as the journey below: starts go out with the same concurrency, then we wait for every completion.
  let t0 = performance.now();
  const handles: { result(): Promise<unknown> }[] = [];
  await pool(
    Array.from({ length: N }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      handles.push(
        await client.workflow.start('baselineRun', { taskQueue, workflowId: `base-${taskQueue}-${i}` }),
      );
    },
  );
  await Promise.all(handles.map((h) => h.result()));
  const baseSeconds = (performance.now() - t0) / 1000;

  // 2. A short journey: trigger → tag → message → exit, entered through the HTTP API.
  const journeyId = await publish('bench short', {
    nodes: [
      n('t', 'trigger.event', { event: 'bench_signup' }),
      n('tag', 'tag', { add: ['bench'] }),
      n('msg', 'message', { channel: 'push', body: 'hi {{member.externalId}}' }),
      n('x', 'exit'),
    ],
    edges: [e('t', 'tag'), e('tag', 'msg'), e('msg', 'x')],
  });
  t0 = performance.now();
  let enteredAt = 0;
  await pool(
    Array.from({ length: N }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      await post('/events', { memberId: `b${i}`, name: 'bench_signup', id: `bench-${i}` });
    },
  );
  enteredAt = performance.now();
  for (;;) {
    const row = await db
      .selectFrom('runs')
      .select(sql<number>`count(*)`.as('n'))
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'completed')
      .executeTakeFirstOrThrow();
    if (row.n >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const journeySeconds = (performance.now() - t0) / 1000;
  const enterSeconds = (enteredAt - t0) / 1000;

  // 3. Latency: a member already waiting in a journey sends the awaited event; time until its message is delivered.
  const latJourney = await publish('bench latency', {
    nodes: [
      n('t', 'trigger.event', { event: 'lat_enter' }),
      n('w', 'wait.event', { event: 'lat_go', timeout: { amount: 1, unit: 'hours' } }),
      n('m', 'message', { channel: 'push', body: 'go' }),
      n('x', 'exit'),
      n('x2', 'exit'),
    ],
    edges: [
      e('t', 'w'),
      { id: 'w-m', source: 'w', sourceHandle: 'matched', target: 'm' },
      { id: 'w-x2', source: 'w', sourceHandle: 'timeout', target: 'x2' },
      e('m', 'x'),
    ],
  });
  await pool(
    Array.from({ length: LATENCY_N }, (_, i) => i),
    CONCURRENCY,
    (i) => post('/events', { memberId: `l${i}`, name: 'lat_enter', id: `lat-enter-${i}` }),
  );
  for (;;) {
    const row = await db
      .selectFrom('runs')
      .select(sql<number>`count(*)`.as('n'))
      .where('journey_id', '=', latJourney)
      .where('status', '=', 'waiting')
      .executeTakeFirstOrThrow();
    if (row.n >= LATENCY_N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Also an event that *starts* a run and is messaged at once (trigger → message): the full entry path.
  const entryJourney = await publish('bench entry latency', {
    nodes: [
      n('t', 'trigger.event', { event: 'entry_go' }),
      n('m', 'message', { channel: 'push', body: 'welcome' }),
      n('x', 'exit'),
    ],
    edges: [e('t', 'm'), e('m', 'x')],
  });
  const signalLat: number[] = [];
  const entryLat: number[] = [];
  const timeUntilMessage = async (journey: string, member: string, sentAtMs: number) => {
    for (;;) {
      const row = await db
        .selectFrom('messages as m')
        .innerJoin('members as mm', 'mm.id', 'm.member_id')
        .select('m.sent_at')
        .where('m.journey_id', '=', journey)
        .where('mm.external_id', '=', member)
        .executeTakeFirst();
      if (row?.sent_at) return row.sent_at.getTime() - sentAtMs;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  for (let i = 0; i < LATENCY_N; i++) {
    let at = Date.now();
    await post('/events', { memberId: `l${i}`, name: 'lat_go', id: `lat-go-${i}` });
    signalLat.push(await timeUntilMessage(latJourney, `l${i}`, at));
    at = Date.now();
    await post('/events', { memberId: `e${i}`, name: 'entry_go', id: `entry-go-${i}` });
    entryLat.push(await timeUntilMessage(entryJourney, `e${i}`, at));
  }
  signalLat.sort((a, b) => a - b);
  entryLat.sort((a, b) => a - b);

  // 4. Goal: members waiting in a 30-day wait perform the goal event; time until their run ended as converted.
  const goalJourney = await publish('bench goal', {
    nodes: [
      n('t', 'trigger.event', { event: 'goal_enter' }),
      n('w', 'wait.duration', { amount: 30, unit: 'days' }),
      n('x', 'exit'),
    ],
    edges: [e('t', 'w'), e('w', 'x')],
    settings: { goal: { event: 'goal_buy' } },
  });
  await pool(
    Array.from({ length: LATENCY_N }, (_, i) => i),
    CONCURRENCY,
    (i) => post('/events', { memberId: `g${i}`, name: 'goal_enter', id: `goal-enter-${i}` }),
  );
  for (;;) {
    const row = await db
      .selectFrom('runs')
      .select(sql<number>`count(*)`.as('n'))
      .where('journey_id', '=', goalJourney)
      .where('status', '=', 'waiting')
      .executeTakeFirstOrThrow();
    if (row.n >= LATENCY_N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const goalLat: number[] = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const at = Date.now();
    await post('/events', { memberId: `g${i}`, name: 'goal_buy', id: `goal-buy-${i}` });
    for (;;) {
      const row = await db
        .selectFrom('runs as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .select('r.ended_at')
        .where('r.journey_id', '=', goalJourney)
        .where('m.external_id', '=', `g${i}`)
        .where('r.status', '=', 'converted')
        .executeTakeFirst();
      if (row?.ended_at) {
        goalLat.push(Date.now() - at);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  goalLat.sort((a, b) => a - b);

  // 5. The simulator: a repurchase journey with a month's wait, a 14-day wait for an order and a weekly
  // time-of-day reminder loop for a year, simulated for a made-up member.
  const simJourney = await post('/journeys', {
    name: 'bench simulate',
    document: {
      nodes: [
        n('t', 'trigger.event', { event: 'order_paid' }),
        n('w', 'wait.duration', { amount: 1, unit: 'months' }),
        n('m', 'message', { channel: 'sms', body: '该补货了' }),
        n('at', 'wait.time', { at: '10:00', weekdays: [1] }),
      ],
      edges: [e('t', 'w'), e('w', 'm'), e('m', 'at'), e('at', 'm')],
      settings: { goal: { event: 'order_paid' } },
    },
  });
  const simMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const at = performance.now();
    await post(`/journeys/${simJourney.id}/simulate`, { member: { tags: [], attributes: {} }, events: [] });
    simMs.push(performance.now() - at);
  }
  simMs.sort((a, b) => a - b);

  // 6. History size: a 200-node journey whose member takes a short path through it.
  const bigNodes = [
    n('t', 'trigger.event', { event: 'big_enter' }),
    n('b', 'branch', {
      conditions: [{ id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } }],
    }),
    n('short', 'message', { channel: 'push', body: 'short path' }),
    n('x', 'exit'),
  ];
  const bigEdges = [
    e('t', 'b'),
    { id: 'b-else', source: 'b', sourceHandle: 'else', target: 'short' },
    e('short', 'x'),
  ];
  for (let i = 0; i < 196; i++) {
    bigNodes.push(n(`n${i}`, 'tag', { add: [`step_${i}`] }));
    bigEdges.push(
      i === 0 ? { id: 'b-vip', source: 'b', sourceHandle: 'vip', target: 'n0' } : e(`n${i - 1}`, `n${i}`),
    );
  }
  bigEdges.push(e('n195', 'x'));
  const bigJourney = await publish('bench big', { nodes: bigNodes, edges: bigEdges });
  await post('/events', { memberId: 'big-1', name: 'big_enter', id: 'big-1' });
  let bigRun: { workflow_id: string; plan: unknown } | undefined;
  for (;;) {
    bigRun = await db
      .selectFrom('runs as r')
      .innerJoin('journey_versions as v', (j) =>
        j.onRef('v.journey_id', '=', 'r.journey_id').onRef('v.version', '=', 'r.version'),
      )
      .select(['r.workflow_id', 'v.plan'])
      .where('r.journey_id', '=', bigJourney)
      .where('r.status', '=', 'completed')
      .executeTakeFirst();
    if (bigRun) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const bigHistory = await client.workflow.getHandle(bigRun.workflow_id).fetchHistory();
  const historyKB = JSON.stringify(bigHistory).length / 1024;
  const planKB = JSON.stringify(bigRun.plan).length / 1024;

  const baseRate = N / baseSeconds;
  const journeyRate = N / journeySeconds;
  console.log('');
  console.log(
    `Yutang benchmark · N=${N} · concurrency ${CONCURRENCY} · Temporal ${temporal.source} · Postgres ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}`,
  );
  console.log('─'.repeat(78));
  console.log(
    `empty workflow (start → 1 no-op activity → complete)   ${baseRate.toFixed(1).padStart(8)} runs/s   (${baseSeconds.toFixed(2)} s)`,
  );
  console.log(
    `journey trigger → tag → message → exit, via HTTP API   ${journeyRate.toFixed(1).padStart(8)} members/s (${journeySeconds.toFixed(2)} s; all ${N} entered in ${enterSeconds.toFixed(2)} s)`,
  );
  console.log(
    `ratio journey / empty workflow                          ${(journeyRate / baseRate).toFixed(2).padStart(8)}`,
  );
  console.log(
    `event → message delivered, member already waiting      p50 ${pct(signalLat, 50)} ms · p99 ${pct(signalLat, 99)} ms (n=${LATENCY_N})`,
  );
  console.log(
    `event → message delivered, event starts the run         p50 ${pct(entryLat, 50)} ms · p99 ${pct(entryLat, 99)} ms (n=${LATENCY_N})`,
  );
  console.log(
    `goal event → run ended as converted (30-day wait)       p50 ${pct(goalLat, 50)} ms · p99 ${pct(goalLat, 99)} ms (n=${LATENCY_N})`,
  );
  console.log(
    `simulate a year (month wait + weekly time-of-day loop)  p50 ${pct(simMs, 50).toFixed(0)} ms · p99 ${pct(simMs, 99).toFixed(0)} ms per request (n=50)`,
  );
  console.log(
    `200-node journey: plan ${planKB.toFixed(1)} KB; one run's history (short path) ${historyKB.toFixed(1)} KB`,
  );
  console.log('');

  for (const line of await benchAudiences({
    db,
    temporal: { client, taskQueue, namespace: 'default', uiUrl: null },
    post,
    publish,
    latencyN: LATENCY_N,
  }))
    console.log(line);
  console.log('');

  tearingDown = true;
  for (const stop of stops) await stop().catch((err) => console.error(err));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
