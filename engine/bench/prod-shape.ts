/**
 * `npm run bench:prod`: the app as it runs in production — one `api` process and one, then two, `worker`
 * processes (engine/main.ts), each its own Node process, against a real Temporal server v1.29.2 on Postgres
 * (BENCH_TEMPORAL=dev for the dev server instead). Prints journey throughput with one and two workers, the
 * empty-workflow floor through the same workers, and the CPU-seconds each member's journey costs summed over
 * every process involved (app, Temporal, Postgres), read from /proc — the figure that sizes a cluster.
 *
 * BENCH_PROD_N members per phase (default 400). Uses DATABASE_URL's server (fresh databases, dropped after).
 * Postgres CPU is every `postgres` process on this machine: run it on an otherwise idle machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createDb } from '../../db/connection.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { freePort } from '../infra/free-port.js';
import { fixtureKey, keyHeaders } from '../testing/credentials.js';
import { startTemporal, temporalKind } from '../testing/test-temporal.js';
import { scratchDatabase } from './scratch-database.js';

const N = Number(process.env.BENCH_PROD_N ?? 400);
const CONCURRENCY = 32;
const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process and all its descendants, in seconds (tsx runs node as a child). */
function cpuSeconds(rootPids: number[]): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm may hold spaces and parentheses: the fields start after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended while we read
    }
  }
  const roots = new Set(rootPids);
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) {
      if (roots.has(p)) {
        total += t;
        break;
      }
    }
  }
  return total / TICKS;
}

function postgresPids(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') out.push(Number(entry));
    } catch {}
  }
  return out;
}

/** Postgres forks a backend per connection: sum every postgres process now alive (the postmaster's children). */
const postgresCpu = () => cpuSeconds(postgresPids());

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl)
    throw new Error('bench:prod needs DATABASE_URL (a Postgres server it may create databases on)');
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0)) await stop().catch((e) => console.error(`[stop] ${e.message}`));
  };
  try {
    const scratch = await scratchDatabase('prod');
    stops.push(scratch.stop);
    const url = new URL(scratch.url);
    const db = createDb(url.toString(), { max: 4, onError: () => {} });
    stops.unshift(() => db.destroy());
    await migrateToLatestOrThrow(db);
    const headers = keyHeaders(await fixtureKey(db, 'default'));

    const kind = temporalKind('BENCH_TEMPORAL', { BENCH_TEMPORAL: process.env.BENCH_TEMPORAL ?? 'server' });
    const temporal = await startTemporal({
      kind,
      postgresUrl: adminUrl,
      databasePrefix: 'yutang_prod_temporal',
      log: () => {},
    });
    stops.unshift(temporal.stop);
    const temporalPid = temporal.pid();

    const taskQueue = `prod-${randomBytes(3).toString('hex')}`;
    const port = await freePort('127.0.0.1');
    const env = {
      ...process.env,
      DATABASE_URL: url.toString(),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      YUTANG_DATA_DIR: mkdtempSync(join(tmpdir(), 'yutang-prod-')),
      YUTANG_SECRET_KEY: randomBytes(32).toString('base64'),
      YUTANG_INGEST_RATE: '1000000000/1m',
      LOG_LEVEL: 'warn',
    };
    const processes: ChildProcess[] = [];
    const startApp = async (mode: 'api' | 'worker') => {
      const metricsPort = await freePort('127.0.0.1');
      const child = spawn('node_modules/.bin/tsx', ['engine/main.ts', mode], {
        env: { ...env, PORT: String(port), YUTANG_METRICS_PORT: String(metricsPort) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      processes.push(child);
      stops.unshift(
        () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      );
      // Ready when its /health answers (every mode serves it on the metrics port).
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`${mode} process exited with ${child.exitCode}`);
        const ok = await fetch(`http://127.0.0.1:${metricsPort}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (i > 600) throw new Error(`${mode} process not healthy after 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return child;
    };
    await startApp('api');
    await startApp('worker');
    const base = `http://127.0.0.1:${port}/api`;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string }>;
    };
    const node = (id: string, type: string, data: Record<string, unknown> = {}) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      data,
    });
    const edge = (s: string, t: string) => ({ id: `${s}-${t}`, source: s, sourceHandle: 'next', target: t });
    const journey = await post('/journeys', {
      name: 'prod shape',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'prod_signup' }),
          node('tag', 'tag', { add: ['prod'] }),
          node('msg', 'message', { channel: 'push', body: 'hi {{member.externalId}}' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'tag'), edge('tag', 'msg'), edge('msg', 'x')],
      },
    });
    await post(`/journeys/${journey.id}/publish`, {});

    const connection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => connection.close());
    const client = new Client({ connection });

    const cpuNow = () => ({
      app: cpuSeconds(processes.map((p) => p.pid as number)),
      temporal: temporalPid ? cpuSeconds([temporalPid]) : Number.NaN,
      postgres: postgresCpu(),
    });
    const completed = async () =>
      Number(
        (
          await db
            .selectFrom('runs')
            .select(sql<string>`count(*)`.as('n'))
            .where('journey_id', '=', journey.id)
            .where('status', '=', 'completed')
            .executeTakeFirstOrThrow()
        ).n,
      );
    let offset = 0;
    const journeyPhase = async () => {
      const before = await completed();
      const cpu0 = cpuNow();
      const t0 = performance.now();
      const ids = Array.from({ length: N }, (_, i) => offset + i);
      offset += N;
      await pool(ids, CONCURRENCY, (i) =>
        post('/events', { memberId: `p${i}`, name: 'prod_signup', id: `p-${i}` }),
      );
      while ((await completed()) < before + N) await new Promise((r) => setTimeout(r, 50));
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = cpuNow();
      return {
        rate: N / seconds,
        app: (cpu1.app - cpu0.app) / N,
        temporal: (cpu1.temporal - cpu0.temporal) / N,
        postgres: (cpu1.postgres - cpu0.postgres) / N,
      };
    };
    const emptyPhase = async () => {
      const t0 = performance.now();
      const handles: { result(): Promise<unknown> }[] = [];
      await pool(
        Array.from({ length: N }, (_, i) => i),
        CONCURRENCY,
        async (i) => {
          handles.push(
            await client.workflow.start('baselineRun', {
              taskQueue,
              workflowId: `floor-${taskQueue}-${offset}-${i}`,
            }),
          );
        },
      );
      await Promise.all(handles.map((h) => h.result()));
      offset += N;
      return N / ((performance.now() - t0) / 1000);
    };

    // Warm-up: the first workflows pay for sandboxes, connections and the plan cache.
    const warmN = Math.min(50, N);
    await pool(
      Array.from({ length: warmN }, (_, i) => i),
      16,
      (i) => post('/events', { memberId: `w${i}`, name: 'prod_signup', id: `warm-${i}` }),
    );
    while ((await completed()) < warmN) await new Promise((r) => setTimeout(r, 50));

    const empty1 = await emptyPhase();
    const one = await journeyPhase();
    await startApp('worker');
    const empty2 = await emptyPhase();
    const two = await journeyPhase();

    const f = (x: number, d = 1) => x.toFixed(d);
    const total = (p: typeof one) => p.app + p.temporal + p.postgres;
    console.log(
      `\nProduction shape: api ×1 + worker ×1/×2 processes, ${kind === 'server' ? `real Temporal server (${temporal.source})` : 'Temporal dev server'}, N=${N} per phase`,
    );
    console.log(`  empty workflow floor:   1 worker ${f(empty1)} runs/s    2 workers ${f(empty2)} runs/s`);
    console.log(
      `  journey (event → tag → message → exit): 1 worker ${f(one.rate)} members/s (${f(one.rate / empty1, 2)} × floor)    2 workers ${f(two.rate)} members/s (${f(two.rate / empty2, 2)} × floor)`,
    );
    for (const [label, p] of [
      ['1 worker', one],
      ['2 workers', two],
    ] as const) {
      const cpu = total(p);
      console.log(
        `  CPU per member journey, ${label}: ${f(cpu * 1000)} ms = app ${f(p.app * 1000)} + Temporal ${f(p.temporal * 1000)} + Postgres ${f(p.postgres * 1000)} ms → ${f(3600 / cpu, 0)} members per core-hour`,
      );
    }
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
