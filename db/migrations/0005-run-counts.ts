import { type Kysely, sql } from 'kysely';

// Per-journey run counts by status, kept by a trigger on `runs`, so a page of journeys shows its totals without
// counting a million runs per view. Sharded 16 ways by run: runs of one journey changing status at once do not
// queue on one counter row.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('journey_run_counts')
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('shard', 'smallint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('journey_run_counts_pk', ['journey_id', 'status', 'shard'])
    .execute();
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
  await sql`insert into journey_run_counts (journey_id, status, shard, n)
    select journey_id, status, hashtext(id::text) & 15, count(*) from runs group by 1, 2, 3`.execute(db);
  await sql`create trigger runs_count after insert or update of status, journey_id or delete on runs
    for each row execute function yt_count_runs()`.execute(db);

  // list orders (newest first, id as tiebreaker) of the audience pages
  await db.schema
    .createIndex('segments_list_idx')
    .on('segments')
    .columns(['workspace_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('broadcasts_list_idx')
    .on('broadcasts')
    .columns(['workspace_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('broadcasts_journey_idx')
    .on('broadcasts')
    .columns(['journey_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('segment_members_entered_idx').ifExists().execute();
  await db.schema
    .createIndex('segment_members_entered_idx')
    .on('segment_members')
    .columns(['segment_id', 'entered_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists runs_count on runs`.execute(db);
  await sql`drop function if exists yt_count_runs()`.execute(db);
  await db.schema.dropTable('journey_run_counts').ifExists().execute();
  for (const i of ['segments_list_idx', 'broadcasts_list_idx', 'broadcasts_journey_idx'])
    await db.schema.dropIndex(i).ifExists().execute();
}
