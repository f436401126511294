/**
 * `npm run bench:search`: how long one member search takes at a million members, per kind of text ops type —
 * external id in another case, a whole phone as people write it, the last 4 digits, a name prefix (one
 * Chinese character matching tens of thousands, and a full name), a WeChat openid, a WeCom external userid,
 * and a miss. Members are made by set-based SQL; each search is the statement the API runs
 * (engine/members/member-search.repository.ts). Prints p50 / p99 per kind and the indexes each plan used.
 *
 * Uses DATABASE_URL's server (a scratch database, dropped afterwards) or an embedded Postgres.
 * BENCH_MEMBERS sets the members (default 1,000,000); BENCH_SEARCHES the searches per kind (default 200);
 * BENCH_KEEP=1 keeps the database; BENCH_DATABASE=<name> searches a kept one again without filling it (a
 * repeat measurement on a quieter machine). Asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/database.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { searchMembers } from '../members/member-search.repository.js';
import { scratchDatabase } from './scratch-database.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);
const WS = 'bench';
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉玲燕丹飞斌红梅浩宇晨欣怡子涵';

async function main() {
  const reuse = process.env.BENCH_DATABASE;
  const { url, stop } = reuse ? keptDatabase(reuse) : await scratchDatabase('search');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // the scratch database is dropped with (force) at the end: its closing connections may say so
  pool.on('error', () => {});
  let captured: CompiledQuery | null = null;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query' && !e.query.sql.startsWith('explain')) captured = e.query;
    },
  });
  try {
    await migrateToLatestOrThrow(db);
    const t0 = performance.now();
    if (!reuse) await fill(db);
    else console.log(`searching the kept database ${reuse} again`);
    if (!reuse)
      console.log(
        `filled ${MEMBERS.toLocaleString()} members in ${((performance.now() - t0) / 1000).toFixed(0)} s (indexes built as rows arrive, then ANALYZE)`,
      );
    const sample = async (n: number) =>
      (
        await sql<{
          external_id: string;
          phone: string;
          name: string;
          openid: string | null;
          wecom: string | null;
        }>`select external_id, phone, name, attributes->>'wechat_openid' as openid,
             attributes->>'wecom_external_userid' as wecom
           from members where workspace_id = ${WS}
           and id >= gen_random_uuid() order by id limit ${n}`.execute(db)
      ).rows;
    const rows = [...(await sample(SEARCHES)), ...(await sample(SEARCHES))].slice(0, SEARCHES * 2);
    const withOpenid = rows.filter((r) => r.openid);
    const withWecom = rows.filter((r) => r.wecom);
    const pick = <T>(list: T[], i: number) => list[i % list.length];
    const kinds: [string, (i: number) => string][] = [
      ['external id, other case', (i) => pick(rows, i).external_id.toLowerCase()],
      [
        'whole phone (+86, spaces)',
        (i) => `+86 ${pick(rows, i).phone.replace(/(\d{3})(\d{4})(\d{4})/, '$1 $2 $3')}`,
      ],
      ['last 4 digits of phone', (i) => pick(rows, i).phone.slice(-4)],
      ['name prefix, one character', (i) => SURNAMES[i % SURNAMES.length]],
      ['full name', (i) => pick(rows, i).name],
      ['WeChat openid', (i) => pick(withOpenid, i).openid!],
      ['WeCom external userid', (i) => pick(withWecom, i).wecom!],
      ['miss', (i) => `nobody-${i}-${randomBytes(3).toString('hex')}`],
    ];
    console.log(`\n${SEARCHES} searches per kind, one at a time, at ${MEMBERS.toLocaleString()} members:`);
    console.log(
      'kind                           p50 ms   p99 ms   max ms   in Postgres p50 / p99 ms   found (mean)   indexes',
    );
    for (const [label, text] of kinds) {
      // a few warm-up searches: the first touches of an index read it from disk
      for (let i = 0; i < 5; i++) await searchMembers(db, WS, text(i + SEARCHES));
      const times: number[] = [];
      const inPg: number[] = [];
      let found = 0;
      for (let i = 0; i < SEARCHES; i++) {
        const t = performance.now();
        const r = await searchMembers(db, WS, text(i));
        times.push(performance.now() - t);
        found += r.members.length;
        // the same statement once more under EXPLAIN ANALYZE: Postgres's own time, without the queueing for a
        // core that a busy machine adds to the wall clock
        inPg.push(await executionMs(db, captured as CompiledQuery | null));
      }
      times.sort((a, b) => a - b);
      inPg.sort((a, b) => a - b);
      const q = captured as CompiledQuery | null;
      const indexes = q ? await indexesOf(db, q) : '?';
      console.log(
        `${label.padEnd(30)} ${fmt(pct(times, 0.5))}  ${fmt(pct(times, 0.99))}  ${fmt(times.at(-1)!)}   ${fmt(pct(inPg, 0.5))} / ${fmt(pct(inPg, 0.99))}        ${(found / SEARCHES).toFixed(1).padStart(12)}   ${indexes}`,
      );
    }
  } finally {
    await db.destroy();
    await stop();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (ms: number) => ms.toFixed(2).padStart(7);

/** Postgres's execution time of a statement (EXPLAIN ANALYZE, timing of nodes off). */
async function executionMs(db: Kysely<Database>, q: CompiledQuery | null): Promise<number> {
  if (!q) return Number.NaN;
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>({
    ...q,
    sql: `explain (analyze, timing off) ${q.sql}`,
  } as CompiledQuery);
  const line = rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
  return Number(line?.match(/([\d.]+) ms/)?.[1] ?? Number.NaN);
}

/** The indexes the plan of the last search used (EXPLAIN of the very statement, with its parameters). */
async function indexesOf(db: Kysely<Database>, q: CompiledQuery): Promise<string> {
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>({
    ...q,
    sql: `explain ${q.sql}`,
  } as CompiledQuery);
  const names = new Set<string>();
  for (const r of rows)
    for (const m of r['QUERY PLAN'].matchAll(/Index (?:Only )?Scan (?:Backward )?using (\w+)/g))
      names.add(m[1]);
  const seq = rows.some((r) => /Seq Scan on members/.test(r['QUERY PLAN']));
  return [...names].join(', ') + (seq ? ' + SEQ SCAN' : '');
}

/** A million members by set-based SQL: mainland phones, Chinese names, openids on 60 %, WeCom ids on 30 %. */
async function fill(db: Kysely<Database>) {
  await db.insertInto('workspaces').values({ id: WS, name: WS }).execute();
  await db.insertInto('workspaces').values({ id: 'other', name: 'other' }).execute();
  const step = 100_000;
  for (let from = 1; from <= MEMBERS; from += step) {
    const to = Math.min(MEMBERS, from + step - 1);
    await sql`insert into members (workspace_id, external_id, name, phone, attributes, consent)
      select ${WS},
        'VIP_' || lpad(i::text, 8, '0'),
        substr(${SURNAMES}, 1 + (hashint4(i) & 65535) % ${SURNAMES.length}, 1)
          || substr(${GIVEN}, 1 + (hashint4(i + 7) & 65535) % ${GIVEN.length}, 1)
          || case when i % 3 = 0 then substr(${GIVEN}, 1 + (hashint4(i + 13) & 65535) % ${GIVEN.length}, 1) else '' end,
        '1' || (3 + (hashint4(i + 1) & 65535) % 7)::text || lpad(((hashint8(i::bigint) & 2147483647) % 1000000000)::text, 9, '0'),
        case
          when i % 10 < 3 then jsonb_build_object('wechat_openid', 'oWx' || md5(i::text), 'wecom_external_userid', 'wm' || md5('w' || i::text), 'city', '上海')
          when i % 10 < 6 then jsonb_build_object('wechat_openid', 'oWx' || md5(i::text))
          else '{}'::jsonb end,
        '{}'
      from generate_series(${from}::int, ${to}::int) as i`.execute(db);
  }
  // another workspace's members share the indexes: searches must not wander into them
  await sql`insert into members (workspace_id, external_id, name, phone, attributes, consent)
    select 'other', 'VIP_' || lpad(i::text, 8, '0'), '王' || i::text, '13800' || lpad(i::text, 6, '0'), '{}', '{}'
    from generate_series(1, ${Math.round(MEMBERS / 10)}::int) as i`.execute(db);
  await sql`analyze members`.execute(db);
}

function keptDatabase(name: string) {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return { url: url.toString(), stop: async () => {} };
}

await main();
