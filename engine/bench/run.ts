/**
 * `npm run bench`: journey throughput against the raw Temporal floor on the same server, and event→message latency.
 * Uses DATABASE_URL's server (a fresh database, dropped after) or an embedded Postgres, and TEMPORAL_ADDRESS or a
 * local in-memory dev server. BENCH_N members (default 300), BENCH_LATENCY_N samples (default 50).
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
import { ensureTemporal } from '../infra/temporal-server.js';
import { loadNodeRegistry } from '../nodes/registry.js';
import { fixtureKey, keyHeaders } from '../testing/credentials.js';
import { createJourneyWorker } from '../worker/start-worker.js';

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
  const db = createDb(url.toString(), { max: 20 });
  stops.unshift(() => db.destroy());
  await migrateToLatestOrThrow(db);

  const temporal = await ensureTemporal({ ui: false, log: () => {} });
  stops.push(temporal.stop);
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
    createApi({ db, registry, temporal: { client, taskQueue, namespace: 'default', uiUrl: null }, auth }),
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
  console.log('');

  for (const stop of stops) await stop().catch((err) => console.error(err));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
