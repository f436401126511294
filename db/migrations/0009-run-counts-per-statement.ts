import { type Kysely, sql } from 'kysely';

// The run counters of 0005 were kept by a per-row trigger: a statement that inserts many runs (a bulk load, a
// backfill, the pagination benchmark's million runs) paid one counter upsert per row and took over 16 minutes.
// Statement-level triggers over transition tables add each statement's counts once per (journey, status, shard).
// An update only touches the counters for runs whose status or journey changed, so the hot path (a run's step
// progress) writes no counter row at all.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists runs_count on runs`.execute(db);
  await sql`create or replace function yt_count_runs() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into journey_run_counts (journey_id, status, shard, n)
          select journey_id, status, hashtext(id::text) & 15, count(*) from new_rows group by 1, 2, 3
          on conflict (journey_id, status, shard) do update set n = journey_run_counts.n + excluded.n;
      elsif tg_op = 'DELETE' then
        update journey_run_counts c set n = c.n - o.n
          from (select journey_id, status, hashtext(id::text) & 15 as shard, count(*) as n from old_rows group by 1, 2, 3) o
          where c.journey_id = o.journey_id and c.status = o.status and c.shard = o.shard;
      else
        update journey_run_counts c set n = c.n - o.n
          from (select o.journey_id, o.status, hashtext(o.id::text) & 15 as shard, count(*) as n
                from old_rows o join new_rows n on n.id = o.id
                where o.status is distinct from n.status or o.journey_id is distinct from n.journey_id
                group by 1, 2, 3) o
          where c.journey_id = o.journey_id and c.status = o.status and c.shard = o.shard;
        insert into journey_run_counts (journey_id, status, shard, n)
          select n.journey_id, n.status, hashtext(n.id::text) & 15, count(*)
          from old_rows o join new_rows n on n.id = o.id
          where o.status is distinct from n.status or o.journey_id is distinct from n.journey_id
          group by 1, 2, 3
          on conflict (journey_id, status, shard) do update set n = journey_run_counts.n + excluded.n;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger runs_count_insert after insert on runs referencing new table as new_rows
    for each statement execute function yt_count_runs()`.execute(db);
  await sql`create trigger runs_count_update after update on runs referencing old table as old_rows new table as new_rows
    for each statement execute function yt_count_runs()`.execute(db);
  await sql`create trigger runs_count_delete after delete on runs referencing old table as old_rows
    for each statement execute function yt_count_runs()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['runs_count_insert', 'runs_count_update', 'runs_count_delete'])
    await sql`drop trigger if exists ${sql.raw(t)} on runs`.execute(db);
  await sql`create or replace function yt_count_runs() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        if tg_op = 'DELETE' or new.status is distinct from old.status or new.journey_id is distinct from old.journey_id then
          update journey_run_counts set n = n - 1
            where journey_id = old.journey_id and status = old.status and shard = (hashtext(old.id::text) & 15);
        end if;
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and (new.status is distinct from old.status or new.journey_id is distinct from old.journey_id)) then
        insert into journey_run_counts (journey_id, status, shard, n)
          values (new.journey_id, new.status, hashtext(new.id::text) & 15, 1)
          on conflict (journey_id, status, shard) do update set n = journey_run_counts.n + 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger runs_count after insert or update of status, journey_id or delete on runs
    for each row execute function yt_count_runs()`.execute(db);
}
