/**
 * `npm run bench:results`: the journey results at scale — one journey with BENCH_RUNS runs (default 1,000,000)
 * of 5 steps each (5,000,000 run_steps) over a year and 8 % conversions, generated with INSERT … SELECT
 * generate_series (not through Temporal; the rollup triggers of migration 0017 count them as they are written).
 * Then, each over 20 calls: the journey report (a year's range), the per-node counts and the variant table,
 * beside the old per-request group-by over run_steps that GET /journeys/:id/stats used to run.
 *
 * Uses DATABASE_URL's server (a scratch database, dropped afterwards) or an embedded Postgres; BENCH_KEEP=1
 * keeps the database. Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/database.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import type { Plan } from '../../workflows/plan.js';
import { journeyNodeResults, journeyResults, splitResult } from '../results/report.js';
import { currentDecisions, dailyResults } from '../results/results.repository.js';
import { splitNodes } from '../results/split-config.js';
import { scratchDatabase } from './scratch-database.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const MEMBERS = Math.max(1000, Math.round(RUNS / 4));
const CALLS = 20;
const WS = 'bench';

const node = (id: string, type: string, behavior: unknown, next: Record<string, string>, config = {}) => ({
  id,
  type,
  typeVersion: 1,
  behavior,
  config,
  next,
});
const wait = { kind: 'wait', timer: { spec: { kind: 'after', ms: 86_400_000 }, output: 'next' } };
const message = { kind: 'action', skipOutput: 'skipped', reachesMember: true };
const end = { kind: 'end', reason: 'exit_node' };
const plan = {
  planVersion: 2,
  trigger: {
    nodeId: 't',
    type: 'trigger.event',
    config: {},
    entry: { on: 'event', match: { event: 'bench_join' } },
    reentry: { mode: 'once', cooldownMs: null },
  },
  journey: {
    goal: { match: { event: 'order_paid' }, windowMs: null, value: 'amount', attributionMs: 7 * 86_400_000 },
    exits: [],
    priority: 5,
  },
  nodes: {
    t: node('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 's' }),
    s: node(
      's',
      'split',
      {
        kind: 'route',
        by: 'bucket',
        variants: [
          { output: 'a', percent: 40, holdout: false },
          { output: 'b', percent: 40, holdout: false },
          { output: 'h', percent: 20, holdout: true },
        ],
      },
      { a: 'wa', b: 'wb', h: 'wh' },
      {
        variants: [
          { id: 'a', label: 'A', percent: 40 },
          { id: 'b', label: 'B', percent: 40 },
          { id: 'h', label: '对照组', percent: 20, holdout: true },
        ],
      },
    ),
    ...Object.fromEntries(
      ['a', 'b', 'h'].flatMap((v) => [
        [`w${v}`, node(`w${v}`, 'wait.duration', wait, { next: `m${v}` })],
        [`m${v}`, node(`m${v}`, 'message', message, { sent: `x${v}`, skipped: `x${v}` })],
        [`x${v}`, node(`x${v}`, 'exit', end, {})],
      ]),
    ),
  },
} satisfies Record<string, unknown>;

async function main() {
  const { url, stop } = await scratchDatabase('results');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatestOrThrow(db);
    const t0 = performance.now();
    const journeyId = await fill(db);
    console.log(
      `filled ${RUNS.toLocaleString()} runs, ${(RUNS * 5).toLocaleString()} steps and their conversions (rollups kept by the triggers) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const rollupRows = await sql<{ daily: number; nodes: number }>`select
        (select count(*) from journey_daily_results)::int as daily, (select count(*) from journey_node_counts)::int as nodes`.execute(
      db,
    );
    console.log(
      `rollup rows: ${rollupRows.rows[0].daily.toLocaleString()} daily × group × shard, ${rollupRows.rows[0].nodes.toLocaleString()} node counters`,
    );
    const split = splitNodes(plan as unknown as Plan)[0];
    const figures: [string, number[]][] = [
      [
        'journey report (GET /results, a year)',
        await timed(CALLS, () =>
          journeyResults(db, WS, journeyId, { version: null, from: '2025-01-01', to: '2025-12-31' }),
        ),
      ],
      ['per-node counts (GET /stats)', await timed(CALLS, () => journeyNodeResults(db, journeyId, null))],
      [
        'variant table (one split, a year)',
        await timed(CALLS, async () =>
          splitResult(
            split,
            await dailyResults(db, journeyId, {
              version: null,
              from: '2025-01-01',
              to: '2025-12-31',
              splitsOnly: true,
            }),
            await currentDecisions(db, journeyId),
          ),
        ),
      ],
      [
        'old per-request group-by over run_steps',
        await timed(5, () =>
          db
            .selectFrom('run_steps')
            .select(['node_id', 'output', 'status', 'reason', sql<number>`count(*)`.as('n')])
            .where('journey_id', '=', journeyId)
            .groupBy(['node_id', 'output', 'status', 'reason'])
            .execute(),
        ),
      ],
    ];
    console.log(
      `\n${'what'.padEnd(44)} ${'calls'.padStart(5)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}`,
    );
    for (const [what, ms] of figures) {
      const sorted = [...ms].sort((a, b) => a - b);
      const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
      console.log(
        `${what.padEnd(44)} ${String(ms.length).padStart(5)} ${p(0.5).toFixed(1).padStart(9)} ${p(0.99).toFixed(1).padStart(9)}`,
      );
    }
  } finally {
    await db.destroy();
    await stop();
  }
}

async function timed(calls: number, f: () => Promise<unknown>): Promise<number[]> {
  await f(); // warm: plans cached, pages in memory, as on a live server
  const out: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

/** One journey's runs, steps and conversions by set-based SQL; the rollup triggers count them as written. */
async function fill(db: Kysely<Database>): Promise<string> {
  const q = (text: string) => sql.raw(text).execute(db);
  await q(`insert into workspaces (id, name) values ('${WS}', 'bench')`);
  await q(`insert into members (workspace_id, external_id, attributes, consent)
           select '${WS}', 'm' || i, '{}', '{}' from generate_series(0, ${MEMBERS - 1}) i`);
  const j = await sql<{
    id: string;
  }>`insert into journeys (workspace_id, name, draft, status, current_version)
           values (${WS}, 'bench results', '{"nodes":[],"edges":[]}', 'active', 1) returning id`.execute(db);
  const journeyId = j.rows[0].id;
  await sql`insert into journey_versions (journey_id, version, workspace_id, document, plan, trigger_event)
           values (${journeyId}, 1, ${WS}, '{"nodes":[],"edges":[]}', ${JSON.stringify(plan)}, 'bench_join')`.execute(
    db,
  );
  // a year of entries, a member entering up to four times; the run's variant is (entry_no-free) i % 10
  await q(`with m as (select array_agg(id order by external_id) a from members where workspace_id = '${WS}')
           insert into runs (workspace_id, journey_id, version, member_id, entry_no, workflow_id, status, current_node_id, started_at, updated_at, ended_at)
           select '${WS}', '${journeyId}', 1, m.a[1 + i % ${MEMBERS}], 1 + i / ${MEMBERS}, 'wf-' || i, 'completed', null,
                  timestamptz '2025-01-01' + make_interval(secs => i * 31 / ${Math.max(1, RUNS / 1_000_000)}),
                  timestamptz '2025-01-01' + make_interval(secs => i * 31 / ${Math.max(1, RUNS / 1_000_000)}),
                  timestamptz '2025-01-02' + make_interval(secs => i * 31 / ${Math.max(1, RUNS / 1_000_000)})
           from generate_series(0, ${RUNS - 1}) i, m`);
  const variant = `(array['a','a','a','a','b','b','b','b','h','h'])[1 + substr(r.workflow_id, 4)::bigint % 10]`;
  await q(`insert into run_steps (run_id, seq, workspace_id, journey_id, node_id, node_type, output, status, reason, detail, at)
           select w.id, k, '${WS}', w.journey_id,
                  case k when 0 then 't' when 1 then 's' when 2 then 'w' || v when 3 then 'm' || v else 'x' || v end,
                  case k when 0 then 'trigger.event' when 1 then 'split' when 2 then 'wait.duration' when 3 then 'message' else 'exit' end,
                  case k when 0 then 'next' when 1 then v when 2 then 'next' when 3 then case when v = 'h' then 'skipped' else 'sent' end else null end,
                  case when k = 3 and v = 'h' then 'skipped' else 'ok' end,
                  case when k = 3 and v = 'h' then 'holdout' end,
                  case when k = 1 and v = 'h' then '{"holdout":true}'::jsonb when k = 3 and v = 'h' then '{"reason":"holdout"}'::jsonb else '{}'::jsonb end,
                  w.started_at + make_interval(hours => k)
           from (select r.*, ${variant} as v from runs r) w, generate_series(0, 4) k`);
  // 8 % convert (b twice as often as a), with amounts from ¥9.90 to ¥508.90; every 25th without a value
  await q(`insert into conversions (run_id, workspace_id, journey_id, version, member_id, variants, held_out, entered_at, day, converted_at, value_fen, has_value, event_id)
           select w.id, '${WS}', w.journey_id, 1, w.member_id, jsonb_build_object('s', w.v), w.v = 'h', w.started_at,
                  (w.started_at at time zone 'Asia/Shanghai')::date, w.started_at + interval '2 days',
                  case when w.n % 25 = 0 then 0 else 990 + (w.n % 500) * 100 end, w.n % 25 <> 0, gen_random_uuid()
           from (select r.*, ${variant} as v, substr(r.workflow_id, 4)::bigint as n from runs r) w
           where (w.v = 'b' and w.n % 100 < 11) or (w.v = 'a' and w.n % 100 < 6) or (w.v = 'h' and w.n % 100 < 5)`);
  await q('vacuum analyze');
  return journeyId;
}

await main();
