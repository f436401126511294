/**
 * `npm run bench:pagination`: how long a page of each list takes at a million rows, the first page and one
 * half a million rows deep, through the API as the app mounts it — and the plan Postgres chose for it.
 *
 * Uses DATABASE_URL's server (a scratch database, dropped afterwards) or an embedded Postgres. BENCH_ROWS sets
 * the rows of runs, messages and events each (default 1,000,000); BENCH_KEEP=1 keeps the database.
 * Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/database.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { createApi } from '../api/app.js';
import { encodeCursor } from '../api/pagination.js';
import { loadNodeRegistry } from '../nodes/registry.js';
import type { TemporalDeps } from '../services/runs.service.js';
import { fixtureKey, keyHeaders } from '../testing/credentials.js';
import { scratchDatabase } from './scratch-database.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const MEMBERS = Math.max(1000, Math.round(ROWS / 10));
const JOURNEYS = 20;
const WS = 'bench';

async function main() {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const { url, stop } = await scratchDatabase('pages');
    stops.push(stop);
    let captured: CompiledQuery[] = [];
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (e) => {
        if (e.level === 'query') captured.push(e.query);
      },
    });
    stops.unshift(() => db.destroy());
    await migrateToLatestOrThrow(db);

    const t0 = performance.now();
    await fill(db);
    console.log(
      `filled ${ROWS.toLocaleString()} runs, messages and events (${MEMBERS.toLocaleString()} members) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );

    // The list routes never reach Temporal.
    const temporal = {
      client: null,
      taskQueue: 'bench',
      namespace: 'default',
      uiUrl: null,
    } as unknown as TemporalDeps;
    const app = new Hono().route('/api', createApi({ db, registry: await loadNodeRegistry(), temporal }));
    // the API needs credentials like any caller: an admin key of the bench workspace
    const headers = keyHeaders(await fixtureKey(db, WS));
    const get = async (path: string) => {
      const res = await app.request(`/api${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };

    // ordered as fill() assigns them: the first is the rare journey, the second a common one
    const [rare, journey] = (
      await db.selectFrom('journeys').select('id').where('workspace_id', '=', WS).orderBy('id').execute()
    ).map((j) => j.id);
    const member = `m${Math.floor(MEMBERS / 2)}`;
    const cases: [string, string, string, string, string][] = [
      // path, table, time column, SQL filter (for the deep cursor), label
      ['/runs', 'runs', 'started_at', 'true', 'runs (workspace)'],
      [`/runs?journeyId=${journey}`, 'runs', 'started_at', `journey_id = '${journey}'`, 'runs by journey'],
      [`/runs?journeyId=${rare}`, 'runs', 'started_at', `journey_id = '${rare}'`, 'runs by a rare journey'],
      [
        `/runs?journeyId=${journey}&status=failed`,
        'runs',
        'started_at',
        `journey_id = '${journey}' and status = 'failed'`,
        'runs by journey + status',
      ],
      ['/runs?status=failed', 'runs', 'started_at', `status = 'failed'`, 'runs by status'],
      [
        `/runs?memberId=${member}`,
        'runs',
        'started_at',
        `member_id = (select id from members where workspace_id = '${WS}' and external_id = '${member}')`,
        'runs by member',
      ],
      ['/messages', 'messages', 'created_at', 'true', 'messages (workspace)'],
      [
        `/messages?journeyId=${journey}`,
        'messages',
        'created_at',
        `journey_id = '${journey}'`,
        'messages by journey',
      ],
      [
        `/messages?journeyId=${rare}`,
        'messages',
        'created_at',
        `journey_id = '${rare}'`,
        'messages by a rare journey',
      ],
      [
        `/events?memberId=${member}`,
        'events',
        'received_at',
        `member_id = (select id from members where workspace_id = '${WS}' and external_id = '${member}')`,
        'events by member',
      ],
      ['/events', 'events', 'received_at', 'true', 'events (workspace)'],
      ['/events?status=dead', 'events', 'received_at', `status = 'dead'`, 'events, dead letter'],
      ['/journeys', 'journeys', 'updated_at', 'true', 'journeys (with run totals)'],
    ];

    console.log(`\nlimit 50; median of 15 requests through the API (Hono in-process, real Postgres)\n`);
    console.log(
      `${'list'.padEnd(28)} ${'rows'.padStart(9)} ${'first page'.padStart(11)} ${'deep page'.padStart(11)}  deep cursor at`,
    );
    const plans: string[] = [];
    for (const [path, table, time, where, label] of cases) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table)} where workspace_id = ${WS} and ${sql.raw(where)}`.execute(
        db,
      );
      const total = rows[0].n;
      const depth = Math.floor(total / 2);
      const deep = await sql<{ at: string; id: string }>`
        select to_char(${sql.ref(time)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id::text as id
        from ${sql.table(table)} where workspace_id = ${WS} and ${sql.raw(where)}
        order by ${sql.ref(time)} desc, id desc offset ${depth} limit 1`.execute(db);
      const sep = path.includes('?') ? '&' : '?';
      const first = `${path}${sep}limit=50`;
      const deepPath = deep.rows[0] ? `${first}&cursor=${encodeCursor(deep.rows[0])}` : first;
      const firstMs = await median(() => get(first));
      const deepMs = await median(() => get(deepPath));
      console.log(
        `${label.padEnd(28)} ${total.toLocaleString().padStart(9)} ${`${firstMs.toFixed(1)} ms`.padStart(11)} ${`${deepMs.toFixed(1)} ms`.padStart(11)}  row ${depth.toLocaleString()}`,
      );
      captured = [];
      await get(deepPath);
      // the list's own statement; for journeys every statement (the run totals are the cost there)
      const statements =
        table === 'journeys' ? captured : [captured.find((q) => /order by/i.test(q.sql)) ?? captured.at(-1)!];
      for (const list of statements) {
        const plan = await pool.query(
          `explain (analyze, buffers, costs off) ${list.sql}`,
          list.parameters as unknown[],
        );
        // the lines that say how the rows were found: scans, their conditions, sorts, and the time
        const lines = plan.rows
          .map((r) => String(r['QUERY PLAN']))
          .filter((l) => /Scan|Index Cond|Filter|Rows Removed|Sort|Limit|Execution Time/.test(l));
        plans.push(
          `── ${label}, ${deep.rows[0] ? `${depth.toLocaleString()} rows deep` : 'first page'}\n${lines.map((l) => `   ${l}`).join('\n')}`,
        );
      }
    }
    console.log(`\nPlans of the deep pages (EXPLAIN ANALYZE):\n\n${plans.join('\n\n')}`);
  } finally {
    for (const stop of stops) await stop().catch((err) => console.error(err));
  }
}

async function median(fn: () => Promise<unknown>, n = 15): Promise<number> {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

/** A scratch database on DATABASE_URL's server (or an embedded Postgres), dropped afterwards. */

/** The rows, by set-based SQL: members, journeys with a published plan, then runs, messages and events. */
async function fill(db: Kysely<Database>) {
  const plan = JSON.stringify({
    trigger: { id: 't', type: 'trigger.event', config: { event: 'order_paid' } },
    nodes: Object.fromEntries(
      ['t', 'w', 'm', 'x'].map((id) => [
        id,
        { id, type: id === 'm' ? 'message' : 'wait.duration', config: { body: 'x'.repeat(200) }, next: {} },
      ]),
    ),
  });
  const q = (text: string) => sql.raw(text).execute(db);
  await q(`insert into workspaces (id, name) values ('${WS}', 'bench')`);
  await q(`insert into members (workspace_id, external_id, attributes, consent)
           select '${WS}', 'm' || i, '{}', '{}' from generate_series(0, ${MEMBERS - 1}) i`);
  await q(`insert into journeys (workspace_id, name, draft, status, current_version)
           select '${WS}', 'journey ' || i, '{"nodes":[],"edges":[]}', 'active', 1 from generate_series(1, ${JOURNEYS}) i`);
  await q(`insert into journey_versions (journey_id, version, workspace_id, document, plan, trigger_event)
           select id, 1, '${WS}', '{"nodes":[],"edges":[]}', '${plan}', 'order_paid' from journeys where workspace_id = '${WS}'`);
  // Rows arrive over ~four months, three at a time sharing a second (ties the id must break).
  const statuses = `(array['completed','completed','completed','exited','waiting','running','waiting','failed','cancelled','completed'])[1 + (i / 7) % 10]`;
  // journey 1 is rare (one run in a thousand): its pages must not scan past everyone else's rows
  const journey = `j.a[case when i % 1000 = 0 then 1 else 2 + i % ${JOURNEYS - 1} end]`;
  await q(`with j as (select array_agg(id order by id) a from journeys where workspace_id = '${WS}'),
                m as (select array_agg(id order by external_id) a from members where workspace_id = '${WS}')
           insert into runs (workspace_id, journey_id, version, member_id, entry_no, workflow_id, status, current_node_id, started_at, updated_at)
           select '${WS}', ${journey}, 1, m.a[1 + i % ${MEMBERS}], 1 + i / ${MEMBERS}, 'wf-' || i, ${statuses}, 'w',
                  timestamptz '2025-01-01' + make_interval(secs => i / 3), timestamptz '2025-01-01' + make_interval(secs => i / 3)
           from generate_series(0, ${ROWS - 1}) i, j, m`);
  await q(`insert into messages (workspace_id, run_id, journey_id, node_id, member_id, channel, to_address, body, status, idempotency_key, created_at, sent_at)
           select workspace_id, id, journey_id, 'm', member_id, 'sms', '13800000000', '您好，您的优惠券已到账', 'sent', id::text || ':m:1',
                  started_at + interval '1 minute', started_at + interval '1 minute'
           from runs where workspace_id = '${WS}'`);
  await q(`with m as (select array_agg(id order by external_id) a from members where workspace_id = '${WS}')
           insert into events (workspace_id, member_id, client_id, name, properties, occurred_at, received_at, status, attempts, processed_at, dead_at, process_error)
           select '${WS}', m.a[1 + (i * 7) % ${MEMBERS}], 'evt-' || i,
                  (array['order_paid','app_open','member_registered','coupon_redeemed','page_view'])[1 + i % 5],
                  jsonb_build_object('amount', i % 500),
                  timestamptz '2025-01-01' + make_interval(secs => i / 2), timestamptz '2025-01-01' + make_interval(secs => i / 2),
                  case when i % 200 = 0 then 'dead' when i % 97 = 0 then 'pending' else 'processed' end,
                  case when i % 200 = 0 then 12 else 1 end,
                  case when i % 200 = 0 or i % 97 = 0 then null else timestamptz '2025-01-01' + make_interval(secs => i / 2) end,
                  case when i % 200 = 0 then now() end,
                  case when i % 200 = 0 then 'the workflow engine is not reachable' end
           from generate_series(0, ${ROWS - 1}) i, m`);
  await q(`vacuum analyze`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
