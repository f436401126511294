import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { SegmentRule } from '../segments/rules.js';
import { type SegmentDef, sweepSegment } from '../segments/segments.service.js';
import type { TemporalDeps } from '../services/runs.service.js';

const DAY = 86_400_000;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export interface AudienceBenchContext {
  db: Kysely<Database>;
  temporal: TemporalDeps;
  post(path: string, body: unknown): Promise<any>;
  publish(name: string, doc: unknown): Promise<string>;
  latencyN: number;
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

/**
 * Issue 8's figures: event → run started for an audience trigger; a time-based audience ("no order_paid for
 * 90 days") evaluated over many members and events, beside a hand-written SQL count of the same predicate,
 * and the rate at which a pass enters members into a journey; member import beside a raw INSERT.
 * BENCH_AUDIENCE_MEMBERS (default 100,000) and BENCH_AUDIENCE_EVENTS (default 1,000,000) set the sizes.
 */
export async function benchAudiences(ctx: AudienceBenchContext): Promise<string[]> {
  const { db, post, publish } = ctx;
  const lines: string[] = [];
  const n = (id: string, type: string, data: Record<string, unknown> = {}) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    data,
  });
  const e = (s: string, t: string) => ({ id: `${s}-${t}`, source: s, sourceHandle: 'next', target: t });

  // 1. Real time: the third order in 30 days makes the member a VIP; time until their run has started.
  const { segment: vip } = await post('/segments', {
    name: `bench VIP ${randomBytes(2).toString('hex')}`,
    rule: { kind: 'event_count', event: 'order_paid', days: 30, op: 'gte', value: 3 },
  });
  const vipJourney = await publish('bench VIP', {
    nodes: [n('t', 'trigger.segment', { segmentId: vip.id }), n('x', 'exit')],
    edges: [e('t', 'x')],
  });
  const entryLat: number[] = [];
  for (let i = 0; i < ctx.latencyN; i++) {
    const member = `vip${i}`;
    await post('/members/batch', { members: [{ id: member }] }); // known before the clock starts
    for (let k = 0; k < 2; k++)
      await post('/events', { memberId: member, name: 'order_paid', id: `${member}-${k}` });
    const at = Date.now();
    await post('/events', { memberId: member, name: 'order_paid', id: `${member}-2` });
    for (;;) {
      const run = await db
        .selectFrom('runs as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .select('r.started_at')
        .where('r.journey_id', '=', vipJourney)
        .where('m.external_id', '=', member)
        .executeTakeFirst();
      if (run) {
        entryLat.push(Date.now() - at);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  entryLat.sort((a, b) => a - b);
  lines.push(
    `event → run started, audience trigger (3rd order in 30 d) p50 ${pct(entryLat, 50)} ms · p99 ${pct(entryLat, 99)} ms (n=${ctx.latencyN})`,
  );

  // 2. A time-based audience over a large workspace of its own.
  const members = Number(process.env.BENCH_AUDIENCE_MEMBERS ?? 100_000);
  const events = Number(process.env.BENCH_AUDIENCE_EVENTS ?? 1_000_000);
  const ws = `bench-aud-${randomBytes(3).toString('hex')}`;
  await db.insertInto('workspaces').values({ id: ws, name: ws }).execute();
  const [, fillSeconds] = await time(async () => {
    // one fill of a million rows runs longer than the app's statement timeout, which the sweep itself keeps
    await db.transaction().execute(async (trx) => {
      await sql`set local statement_timeout = 0`.execute(trx);
      await sql`insert into members (workspace_id, external_id, created_at)
        select ${ws}, 'a' || g, now() - make_interval(days => (random() * 400)::int) from generate_series(1, ${members}) g`.execute(
        trx,
      );
      await sql`create temp table bench_ids as select id, row_number() over (order by id) as rn from members where workspace_id = ${ws}`.execute(
        trx,
      );
      await sql`insert into events (workspace_id, member_id, name, properties, occurred_at, status, processed_at)
        select ${ws}, b.id, case when g % 3 = 0 then 'order_paid' else 'app_open' end, '{"amount": 100}'::jsonb,
          now() - make_interval(secs => (random() * 365 * 86400)::int), 'processed', now()
        from generate_series(1, ${events}) g join bench_ids b on b.rn = 1 + (g::bigint * 7919) % ${members}`.execute(
        trx,
      );
      await sql`insert into member_event_stats (member_id, name, workspace_id, count, first_at, last_at)
        select member_id, name, ${ws}, count(*), min(occurred_at), max(occurred_at) from events where workspace_id = ${ws} group by member_id, name`.execute(
        trx,
      );
      await sql`drop table bench_ids`.execute(trx);
    });
    await sql`analyze members; analyze events; analyze member_event_stats`.execute(db);
  });
  const rule: SegmentRule = { kind: 'last_event', event: 'order_paid', op: 'none_within_days', days: 90 };
  const segment = await db
    .insertInto('segments')
    .values({
      workspace_id: ws,
      name: 'no order 90d',
      rule: JSON.stringify(rule),
      time_based: true,
      event_names: ['order_paid'],
    })
    .returning(['id', 'workspace_id', 'time_based', 'event_names', 'member_fields', 'depends_on'])
    .executeTakeFirstOrThrow();
  const def: SegmentDef = { ...segment, rule };
  const now = Date.now();
  const [first, firstSeconds] = await time(() =>
    sweepSegment(db, null, def, { now, timezone: 'Asia/Shanghai' }),
  );
  const [, againSeconds] = await time(() => sweepSegment(db, null, def, { now, timezone: 'Asia/Shanghai' }));
  const since = new Date(now - 90 * DAY);
  const [hand, handSeconds] = await time(
    async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from members m where m.workspace_id = ${ws}
        and not exists (select 1 from events e where e.member_id = m.id and e.name = 'order_paid' and e.occurred_at > ${since})`.execute(
          db,
        )
      ).rows[0].n,
  );
  const [, handStatsSeconds] = await time(() =>
    sql`select count(*) from members m where m.workspace_id = ${ws}
      and not exists (select 1 from member_event_stats s where s.member_id = m.id and s.name = 'order_paid' and s.last_at > ${since})`.execute(
      db,
    ),
  );
  lines.push(
    `time-based audience "no order_paid in 90 d": ${members.toLocaleString('en')} members, ${events.toLocaleString('en')} events (filled in ${fillSeconds.toFixed(0)} s)`,
  );
  lines.push(
    `  pass (paged by 5,000)   first ${firstSeconds.toFixed(2)} s (${first.entered.toLocaleString('en')} entered) · again ${againSeconds.toFixed(2)} s (no change)`,
  );
  lines.push(
    `  hand-written SQL count  ${handSeconds.toFixed(2)} s over events (${hand.toLocaleString('en')} members) · ${handStatsSeconds.toFixed(2)} s over the kept aggregates · ratio pass / events SQL ${(againSeconds / handSeconds).toFixed(2)}`,
  );

  // 3. A pass that enters members into a journey: the rate of entries (a run row and a workflow each).
  const entering = Math.min(2000, members);
  // made directly, so no immediate pass of its own runs alongside the one measured
  const cohortRule: SegmentRule = { kind: 'tag', op: 'has', tag: 'bench_cohort' };
  const cohort = await db
    .insertInto('segments')
    .values({
      workspace_id: 'default',
      name: `bench cohort ${randomBytes(2).toString('hex')}`,
      rule: JSON.stringify(cohortRule),
      member_fields: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cohortJourney = await publish('bench cohort', {
    nodes: [n('t', 'trigger.segment', { segmentId: cohort.id }), n('x', 'exit')],
    edges: [e('t', 'x')],
  });
  await sql`insert into members (workspace_id, external_id) select 'default', 'c' || g from generate_series(1, ${entering}) g`.execute(
    db,
  );
  await sql`insert into member_tags (workspace_id, member_id, tag) select 'default', id, 'bench_cohort' from members where workspace_id = 'default' and external_id like 'c%'`.execute(
    db,
  );
  const cohortDef: SegmentDef = {
    id: cohort.id,
    workspace_id: 'default',
    rule: cohortRule,
    time_based: false,
    event_names: [],
    member_fields: true,
    depends_on: [],
  };
  const [entered, enterSeconds] = await time(() =>
    sweepSegment(db, ctx.temporal, cohortDef, { timezone: 'Asia/Shanghai' }),
  );
  const runs = await db
    .selectFrom('runs')
    .select(sql<number>`count(*)`.as('n'))
    .where('journey_id', '=', cohortJourney)
    .executeTakeFirstOrThrow();
  lines.push(
    `  a pass entering members into a journey  ${(entered.entered / enterSeconds).toFixed(0)} members/s (${runs.n} runs started in ${enterSeconds.toFixed(1)} s)`,
  );

  // 4. Member import through the API beside a raw multi-row INSERT of the same rows.
  const rows = 10_000;
  const batch = (k: number) =>
    Array.from({ length: 1000 }, (_, i) => ({
      id: `imp${k * 1000 + i}`,
      name: `会员${i}`,
      phone: `139${String(k * 1000 + i).padStart(8, '0')}`,
      attributes: { level: i % 5, city: '上海' },
      tags: ['imported'],
    }));
  const [, importSeconds] = await time(async () => {
    for (let k = 0; k < rows / 1000; k++) await post('/members/batch', { members: batch(k) });
  });
  const rawWs = `bench-raw-${randomBytes(3).toString('hex')}`;
  await db.insertInto('workspaces').values({ id: rawWs, name: rawWs }).execute();
  const [, rawSeconds] = await time(async () => {
    for (let k = 0; k < rows / 1000; k++)
      await db
        .insertInto('members')
        .values(
          batch(k).map((r) => ({
            workspace_id: rawWs,
            external_id: r.id,
            name: r.name,
            phone: r.phone,
            attributes: JSON.stringify(r.attributes),
            consent: '{}',
          })),
        )
        .execute();
  });
  lines.push(
    `member import via POST /members/batch  ${(rows / importSeconds).toFixed(0)} rows/s · raw multi-row INSERT ${(rows / rawSeconds).toFixed(0)} rows/s · ratio ${(rawSeconds / importSeconds).toFixed(2)}`,
  );
  return lines;
}
