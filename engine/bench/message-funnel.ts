/**
 * `npm run bench:funnel`: what the message funnel's counters cost and what they buy.
 *  - the write path: one message written as the worker writes it (insert queued → sending → sent, one statement
 *    each), with the funnel triggers and without them — the counters' price per message;
 *  - the read path: GET /api/journeys/:id/results/messages (counters) against the group-by over the outbox that it
 *    replaces, p50 / p99 over 20 calls, at BENCH_MESSAGES messages (default 300,000) of one journey.
 *
 * Uses DATABASE_URL's server (a scratch database, dropped afterwards; BENCH_KEEP=1 keeps it). Prints figures;
 * asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/database.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { messageFunnel } from '../links/message-funnel.repository.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 300_000);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 1_000);
const WS = 'bench';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set DATABASE_URL (a server where a scratch database may be made)');
  const name = `yutang_bench_funnel_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // the scratch database is dropped with force at the end: its idle connections are cut, as intended
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatestOrThrow(db);
    await db.insertInto('workspaces').values({ id: WS, name: WS }).execute();
    const journey = await db
      .insertInto('journeys')
      .values({
        workspace_id: WS,
        name: 'bench',
        status: 'active',
        draft: JSON.stringify({ nodes: [], edges: [] }),
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const J = journey.id;
    const q = (text: string) => sql.raw(text).execute(db);
    const members = Math.max(1000, Math.round(MESSAGES / 3));
    await q(
      `insert into members (workspace_id, external_id) select '${WS}', 'm' || g from generate_series(1, ${members}) g`,
    );
    await q(`insert into runs (workspace_id, journey_id, version, member_id, entry_no, workflow_id)
      select '${WS}', '${J}', 1, id, 1, 'wf-' || id from members`);

    // Write path: one message at a time, as the worker does, in alternating blocks with the counters and without,
    // so load from other work falls on both alike.
    const runIds = await db
      .selectFrom('runs')
      .select(['id', 'member_id'])
      .limit(SINGLE * 2)
      .execute();
    const withCounters: number[] = [];
    const without: number[] = [];
    await db.connection().execute(async (conn) => {
      async function writeOne(i: number, r: { id: string; member_id: string }) {
        const row = await conn
          .insertInto('messages')
          .values({
            workspace_id: WS,
            run_id: r.id,
            journey_id: J,
            node_id: 'single',
            member_id: r.member_id,
            channel: 'sms',
            body: 'x',
            status: 'queued',
            idempotency_key: `${r.id}:single:${i}`,
            version: 1,
            variant: i % 4 < 2 ? 'a' : 'b',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await conn
          .updateTable('messages')
          .set({ status: 'sending', sending_at: new Date() })
          .where('id', '=', row.id)
          .execute();
        await conn
          .updateTable('messages')
          .set({ status: 'sent', sent_at: new Date() })
          .where('id', '=', row.id)
          .execute();
      }
      // blocks of 25 alternate (the funnel triggers switched off and on between them), after 100 to warm up
      for (let i = 0; i < SINGLE * 2 + 100; i++) {
        const counted = Math.floor(i / 25) % 2 === 0;
        if (i % 25 === 0)
          for (const t of ['messages_funnel_insert', 'messages_funnel_update'])
            await sql
              .raw(`alter table messages ${counted ? 'enable' : 'disable'} trigger ${t}`)
              .execute(conn);
        const t = performance.now();
        await writeOne(i, runIds[i % runIds.length]);
        if (i >= 100) (counted ? withCounters : without).push(performance.now() - t);
      }
      for (const t of ['messages_funnel_insert', 'messages_funnel_update'])
        await sql.raw(`alter table messages enable trigger ${t}`).execute(conn);
    });
    console.log(
      `one message written (insert + 2 updates), ${SINGLE} times each, interleaved: with counters p50 ${ms(pct(withCounters, 0.5))} p99 ${ms(pct(withCounters, 0.99))}` +
        ` · without p50 ${ms(pct(without, 0.5))} p99 ${ms(pct(without, 0.99))}`,
    );
    await q(`delete from messages where node_id = 'single'`);
    await q(`delete from message_funnel where node_id = 'single'`);

    // Read path at scale: MESSAGES messages over 8 nodes, 2 variants, 60 days; a third of them clicked.
    const t0 = performance.now();
    await q(`insert into messages (workspace_id, run_id, journey_id, node_id, member_id, channel, body, status, idempotency_key,
                                   created_at, version, variant, delivery_status)
      select '${WS}', r.id, '${J}', 'm' || (g % 8), r.member_id, 'sms', 'x',
             case when g % 50 = 0 then 'failed' else 'sent' end, r.id || ':' || g,
             now() - (g % 60) * interval '1 day', 1, case when (g / 8) % 2 = 0 then 'a' else 'b' end,
             case when g % 50 = 0 then null when g % 5 = 0 then 'pending' else 'delivered' end
      from generate_series(1, ${MESSAGES}) g
        join (select id, member_id, row_number() over () - 1 as rn from runs) r on r.rn = g % ${members}`);
    console.log(
      `filled ${MESSAGES.toLocaleString()} messages (counters kept by the trigger) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    await q('analyze');

    const counters: number[] = [];
    const scan: number[] = [];
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      await messageFunnel(db, WS, J, { version: 1, from: '2000-01-01', to: '2100-01-01' });
      counters.push(performance.now() - t);
      t = performance.now();
      await q(`select node_id, channel, variant, count(*) filter (where status = 'sent'), count(*) filter (where status = 'failed'),
                      count(*) filter (where delivery_status = 'delivered')
               from messages where journey_id = '${J}' and version = 1 group by 1, 2, 3`);
      scan.push(performance.now() - t);
    }
    const rows = await messageFunnel(db, WS, J, {});
    const sent = rows.reduce((s, r) => s + r.sent, 0);
    console.log(
      `message funnel of ${MESSAGES.toLocaleString()} messages (${rows.length} node × variant rows, ${sent.toLocaleString()} sent):` +
        ` counters p50 ${ms(pct(counters, 0.5))} p99 ${ms(pct(counters, 0.99))}` +
        ` · group-by over the outbox p50 ${ms(pct(scan, 0.5))} p99 ${ms(pct(scan, 0.99))}`,
    );
  } finally {
    await db.destroy();
    if (process.env.BENCH_KEEP === '1') console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
