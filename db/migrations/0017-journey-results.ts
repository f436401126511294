import { type Kysely, sql } from 'kysely';

/**
 * Journey results (issue 16): conversions, and the rollups every report reads.
 *
 * - `conversions`: one row per run at most (the run is the key), written by event processing
 *   (engine/results/conversions.ts) for goal events during the run or inside its attribution window after it.
 * - `journey_daily_results`: per journey × version × entry day (workspace time zone, fixed when written) ×
 *   group — the whole journey (`split_node_id = ''`, `variant = ''`), its holdout (`''`, `'holdout'`) and each
 *   split variant (node id, variant id): members entered, converted, Σ revenue 分, Σ revenue² 分², conversions
 *   without a value. Conversions count on the day their member ENTERED (a cohort), so a rate over a date range
 *   is conversions of the members who entered in it.
 * - `journey_node_counts`: per journey × version × node: passed per output, skipped / deferred per reason,
 *   ended here per reason, converted downstream, and the runs now waiting / failed there.
 *
 * All of it is counted by statement-level triggers over transition tables (as 0009's run counters), in the
 * writer's own transaction, so the reports cannot disagree with the raw tables. Rows are spread over 16
 * shards per key (hash of the run id) so concurrent writers of one journey rarely wait on the same row.
 * Deleting runs (a member erased) does not rewrite history: rollups are anonymous aggregates; only a deleted
 * live run moves from waiting / failed to ended (`deleted`), so the per-node sums stay whole.
 */

// The statements below are written once and used twice: inside the triggers (source `new_rows`) and by the
// backfill of existing data (source: the table itself).

const dailyUpsert = (select: string) => `
  insert into journey_daily_results as t
    (journey_id, version, day, split_node_id, variant, shard, entered, converted, revenue_fen, revenue_sq, no_value)
  ${select}
  on conflict (journey_id, version, day, split_node_id, variant, shard) do update set
    entered = t.entered + excluded.entered, converted = t.converted + excluded.converted,
    revenue_fen = t.revenue_fen + excluded.revenue_fen, revenue_sq = t.revenue_sq + excluded.revenue_sq,
    no_value = t.no_value + excluded.no_value`;

const nodeUpsert = (select: string) => `
  insert into journey_node_counts as t (journey_id, version, node_id, metric, key, shard, n)
  ${select}
  on conflict (journey_id, version, node_id, metric, key, shard) do update set n = t.n + excluded.n`;

const entryDay = (run: string) =>
  `((${run}.started_at at time zone coalesce((select w.timezone from workspaces w where w.id = ${run}.workspace_id), 'Asia/Shanghai'))::date)`;

/** Runs entered: the whole journey's group on their entry day. */
const runsEntered = (src: string) =>
  dailyUpsert(`select r.journey_id, r.version, ${entryDay('r')}, '', '', hashtext(r.id::text) & 15, count(*), 0, 0, 0, 0
    from ${src} r group by 1, 2, 3, 4, 5, 6`);

/** Live runs (running / waiting → `waiting`, failed → `failed`) at their node; '' before the run started. */
const liveAt = (src: string, sign: '+' | '-', alias: string) => `
  select ${alias}.journey_id, ${alias}.version, coalesce(${alias}.current_node_id, ''),
    case when ${alias}.status = 'failed' then 'failed' else 'waiting' end, '', hashtext(${alias}.id::text) & 15,
    ${sign}count(*)
  from ${src} where ${alias}.status in ('running', 'waiting', 'failed')`;

/**
 * Steps → per-node counts. A pass is an `ok` or `skipped` step with an output (a skipped effect still moves
 * on), except the `ok` an action records when it starts an outside wait (`detail.waiting`): the run is still
 * at the node. A run ends at a node with an end step (`ok`, no output), a goal or exit step, or a cancel. A
 * goal or exit (or cancel) right after a pass at the same node — a tag that met an exit criterion, a run
 * loading its next region — ended there, and a failure right after one (an output that leads nowhere) stays
 * there: that pass is taken back, so entered = passed + waiting + failed + ended holds at every node.
 */
const stepsCounted = (src: string) => `
  with s as (
    select n.run_id, n.node_id, n.output, n.status, n.reason, n.detail, r.journey_id, r.version,
      hashtext(n.run_id::text) & 15 as shard,
      (n.status in ('converted', 'exited') or (n.status = 'skipped' and n.output is null and n.detail ? 'cancelled')
        or (n.status = 'ok' and n.output is null)) as ending,
      p.output as taken_back
    from ${src} n
    join runs r on r.id = n.run_id
    left join run_steps p on p.run_id = n.run_id and p.seq = n.seq - 1 and p.node_id = n.node_id
      and p.output is not null and p.status in ('ok', 'skipped') and coalesce(p.detail->>'waiting', '') <> 'true'
      and (n.status in ('converted', 'exited', 'failed') or (n.status = 'skipped' and n.output is null and n.detail ? 'cancelled'))
  ), m as (
    select journey_id, version, node_id, 'passed' as metric, output as key, shard, 1 as d from s
      where status in ('ok', 'skipped') and output is not null and coalesce(detail->>'waiting', '') <> 'true'
    union all
    select journey_id, version, node_id, 'skipped', coalesce(reason, 'unknown'), shard, 1 from s
      where status = 'skipped' and not ending
    union all
    select journey_id, version, node_id, 'deferred', coalesce(reason, 'unknown'), shard, 1 from s
      where status = 'deferred'
    union all
    select journey_id, version, node_id, 'ended',
      case when status = 'ok' then 'end' when status = 'skipped' then 'cancelled' else status end, shard, 1 from s
      where ending
    union all
    select journey_id, version, node_id, 'passed', taken_back, shard, -1 from s where taken_back is not null
  )
  ${nodeUpsert('select journey_id, version, node_id, metric, key, shard, sum(d) from m group by 1, 2, 3, 4, 5, 6')}`;

/** Split steps → members entered per variant (and the holdout group) on the run's entry day. */
const splitsEntered = (src: string) => `
  with s as (
    select r.journey_id, r.version, ${entryDay('r')} as day, n.node_id, n.output,
      coalesce(n.detail->>'holdout', '') = 'true' as holdout, hashtext(n.run_id::text) & 15 as shard
    from ${src} n join runs r on r.id = n.run_id
    where n.node_type = 'split' and n.status = 'ok' and n.output is not null
  ), g as (
    select journey_id, version, day, node_id as split_node_id, output as variant, shard from s
    union all
    select journey_id, version, day, '', 'holdout', shard from s where holdout
  )
  ${dailyUpsert('select journey_id, version, day, split_node_id, variant, shard, count(*), 0, 0, 0, 0 from g group by 1, 2, 3, 4, 5, 6')}`;

/** Conversions → converted, revenue and its squares per group; converted downstream per node passed. */
const conversionsCounted = (src: string) => `
  with c as (
    select c.*, hashtext(c.run_id::text) & 15 as shard from ${src} c
  ), g as (
    select journey_id, version, day, '' as split_node_id, '' as variant, shard, value_fen, has_value from c
    union all
    select journey_id, version, day, '', 'holdout', shard, value_fen, has_value from c where held_out
    union all
    select c.journey_id, c.version, c.day, v.key, v.value, c.shard, c.value_fen, c.has_value
      from c cross join lateral jsonb_each_text(c.variants) v
  )
  ${dailyUpsert(`select journey_id, version, day, split_node_id, variant, shard, 0, count(*),
      sum(value_fen), sum(value_fen::numeric * value_fen), count(*) filter (where not has_value)
    from g group by 1, 2, 3, 4, 5, 6`)}`;

const downstreamCounted = (src: string) => `
  with d as (
    select distinct c.journey_id, c.version, p.node_id, c.run_id
    from ${src} c join run_steps p on p.run_id = c.run_id
    where p.output is not null and p.status in ('ok', 'skipped') and coalesce(p.detail->>'waiting', '') <> 'true'
  )
  ${nodeUpsert(`select journey_id, version, node_id, 'converted_downstream', '', hashtext(run_id::text) & 15, count(*)
    from d group by 1, 2, 3, 4, 5, 6`)}`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table conversions (
    run_id uuid primary key references runs(id) on delete cascade,
    workspace_id text not null references workspaces(id),
    journey_id uuid not null references journeys(id) on delete cascade,
    version integer not null,
    member_id uuid not null,
    variants jsonb not null default '{}'::jsonb,
    held_out boolean not null default false,
    entered_at timestamptz not null,
    day date not null,
    converted_at timestamptz not null,
    value_fen bigint not null default 0,
    has_value boolean not null,
    event_id uuid not null,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index conversions_journey_idx on conversions (journey_id, version, day)`.execute(db);

  await sql`create table journey_daily_results (
    journey_id uuid not null references journeys(id) on delete cascade,
    version integer not null,
    day date not null,
    split_node_id text not null,
    variant text not null,
    shard smallint not null,
    entered bigint not null default 0,
    converted bigint not null default 0,
    revenue_fen numeric not null default 0,
    revenue_sq numeric not null default 0,
    no_value bigint not null default 0,
    primary key (journey_id, version, day, split_node_id, variant, shard)
  )`.execute(db);
  await sql`create index journey_daily_results_split_idx on journey_daily_results (journey_id, split_node_id, variant)`.execute(
    db,
  );

  await sql`create table journey_node_counts (
    journey_id uuid not null references journeys(id) on delete cascade,
    version integer not null,
    node_id text not null,
    metric text not null,
    key text not null,
    shard smallint not null,
    n bigint not null default 0,
    primary key (journey_id, version, node_id, metric, key, shard)
  )`.execute(db);

  // The decision of a split's winner (auto-winner or a marketer's pick); the newest uncleared row applies.
  await sql`create table split_decisions (
    id bigserial primary key,
    workspace_id text not null references workspaces(id),
    journey_id uuid not null references journeys(id) on delete cascade,
    node_id text not null,
    variant text not null,
    decided_by text not null check (decided_by in ('auto', 'manual')),
    actor text,
    numbers jsonb not null default '{}'::jsonb,
    decided_at timestamptz not null default now(),
    cleared_at timestamptz,
    cleared_by text
  )`.execute(db);
  await sql`create unique index split_decisions_current on split_decisions (journey_id, node_id) where cleared_at is null`.execute(
    db,
  );

  await sql
    .raw(`create or replace function yt_results_runs() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${runsEntered('new_rows')};
        ${nodeUpsert(`${liveAt('new_rows n', '+', 'n')} group by 1, 2, 3, 4, 5, 6`)};
      elsif tg_op = 'DELETE' then
        ${nodeUpsert(`${liveAt('old_rows o', '-', 'o')} group by 1, 2, 3, 4, 5, 6`)};
        ${nodeUpsert(`select o.journey_id, o.version, coalesce(o.current_node_id, ''), 'ended', 'deleted',
            hashtext(o.id::text) & 15, count(*) from old_rows o where o.status in ('running', 'waiting', 'failed')
            group by 1, 2, 3, 4, 5, 6`)};
      else
        -- only runs whose live place (node, waiting / failed) changed write a counter row
        ${nodeUpsert(`${liveAt(`old_rows o join new_rows n2 on n2.id = o.id`, '-', 'o')}
            and (o.status is distinct from n2.status or o.current_node_id is distinct from n2.current_node_id)
            group by 1, 2, 3, 4, 5, 6`)};
        ${nodeUpsert(`${liveAt(`new_rows n join old_rows o2 on o2.id = n.id`, '+', 'n')}
            and (o2.status is distinct from n.status or o2.current_node_id is distinct from n.current_node_id)
            group by 1, 2, 3, 4, 5, 6`)};
      end if;
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`create or replace function yt_results_steps() returns trigger language plpgsql as $$
    begin
      ${stepsCounted('new_rows')};
      ${splitsEntered('new_rows')};
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`create or replace function yt_results_conversions() returns trigger language plpgsql as $$
    begin
      ${conversionsCounted('new_rows')};
      ${downstreamCounted('new_rows')};
      return null;
    end $$`)
    .execute(db);

  // Backfill what exists, before the triggers count anything new (one transaction: Kysely's migrator).
  await sql.raw(runsEntered('runs')).execute(db);
  await sql.raw(nodeUpsert(`${liveAt('runs n', '+', 'n')} group by 1, 2, 3, 4, 5, 6`)).execute(db);
  await sql.raw(stepsCounted('run_steps')).execute(db);
  await sql.raw(splitsEntered('run_steps')).execute(db);

  await sql`create trigger runs_results_insert after insert on runs referencing new table as new_rows
    for each statement execute function yt_results_runs()`.execute(db);
  await sql`create trigger runs_results_update after update on runs referencing old table as old_rows new table as new_rows
    for each statement execute function yt_results_runs()`.execute(db);
  await sql`create trigger runs_results_delete after delete on runs referencing old table as old_rows
    for each statement execute function yt_results_runs()`.execute(db);
  await sql`create trigger run_steps_results_insert after insert on run_steps referencing new table as new_rows
    for each statement execute function yt_results_steps()`.execute(db);
  await sql`create trigger conversions_results_insert after insert on conversions referencing new table as new_rows
    for each statement execute function yt_results_conversions()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [t, table] of [
    ['runs_results_insert', 'runs'],
    ['runs_results_update', 'runs'],
    ['runs_results_delete', 'runs'],
    ['run_steps_results_insert', 'run_steps'],
  ])
    await sql.raw(`drop trigger if exists ${t} on ${table}`).execute(db);
  await sql`drop table if exists split_decisions`.execute(db);
  await sql`drop table if exists conversions`.execute(db);
  await sql`drop table if exists journey_node_counts`.execute(db);
  await sql`drop table if exists journey_daily_results`.execute(db);
  await sql`drop function if exists yt_results_runs()`.execute(db);
  await sql`drop function if exists yt_results_steps()`.execute(db);
  await sql`drop function if exists yt_results_conversions()`.execute(db);
}
