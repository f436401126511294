import { type Kysely, sql } from 'kysely';

// Audiences (人群): saved rules, stored membership with entered_at / left_at, per-member event aggregates kept
// at ingest, broadcasts (paced one-off entries), and what a journey's trigger listens to.
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('segments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rule', 'jsonb', (c) => c.notNull())
    // derived from the rule when it is saved: what can change membership
    .addColumn('time_based', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('event_names', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('member_fields', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('depends_on', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // audiences the workspace gets on first start ('registered_7d_no_order', 'no_order_90d')
    .addColumn('system_key', 'text')
    .addColumn('evaluated_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('segments_workspace_name_uq', ['workspace_id', 'name'])
    .execute();
  await db.schema
    .createIndex('segments_system_key_uq')
    .on('segments')
    .columns(['workspace_id', 'system_key'])
    .unique()
    .where(sql.ref('system_key'), 'is not', null)
    .execute();

  // One row per stay in an audience; its id is the entry a segment trigger starts a run for.
  await db.schema
    .createTable('segment_members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('segment_id', 'uuid', (c) => c.notNull().references('segments.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('left_at', 'timestamptz')
    // set once the journeys triggered by this entry were entered; the schedule retries entries still unset
    .addColumn('journeys_entered_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('segment_members_pending_idx')
    .on('segment_members')
    .columns(['segment_id'])
    .where(sql<boolean>`journeys_entered_at is null and left_at is null`)
    .execute();
  await db.schema
    .createIndex('segment_members_current_uq')
    .on('segment_members')
    .columns(['segment_id', 'member_id'])
    .unique()
    .where(sql.ref('left_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('segment_members_entered_idx')
    .on('segment_members')
    .columns(['segment_id', 'entered_at'])
    .execute();
  await db.schema
    .createIndex('segment_members_member_idx')
    .on('segment_members')
    .columns(['member_id'])
    .where(sql.ref('left_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('member_event_stats')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_event_stats_pk', ['member_id', 'name'])
    .execute();
  await db.schema
    .createIndex('member_event_stats_last_idx')
    .on('member_event_stats')
    .columns(['workspace_id', 'name', 'last_at'])
    .execute();
  await sql`insert into member_event_stats (member_id, name, workspace_id, count, first_at, last_at)
    select member_id, name, min(workspace_id), count(*), min(occurred_at), max(occurred_at)
    from events group by member_id, name`.execute(db);
  // counts and sums in a window, for one member (real time) or all (the schedule)
  await db.schema
    .createIndex('events_member_name_time_idx')
    .on('events')
    .columns(['member_id', 'name', 'occurred_at'])
    .execute();

  // Member dates come as text in attributes ('1990-05-12', ISO times): read them without ever failing.
  await sql`create or replace function yt_date(v text) returns date language plpgsql immutable as $$
    begin
      if v is null or v !~ '^\\d{4}-\\d{2}-\\d{2}' then return null; end if;
      return left(v, 10)::date;
    exception when others then return null;
    end $$`.execute(db);

  await db.schema.alterTable('journey_versions').addColumn('trigger_kind', 'text').execute();
  await db.schema.alterTable('journey_versions').addColumn('trigger_segment_id', 'uuid').execute();
  await sql`update journey_versions set trigger_kind = 'event' where trigger_event is not null`.execute(db);
  await db.schema
    .createIndex('journey_versions_trigger_segment_idx')
    .on('journey_versions')
    .column('trigger_segment_id')
    .where(sql.ref('trigger_segment_id'), 'is not', null)
    .execute();
  // audience passes page through a workspace's members by id
  await db.schema
    .createIndex('members_workspace_id_idx')
    .on('members')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('runs_journey_started_idx')
    .on('runs')
    .columns(['journey_id', 'started_at'])
    .execute();

  // A one-off entry of a list or an audience, paced by a workflow; progress is counted here.
  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('source', 'jsonb', (c) => c.notNull())
    .addColumn('per_minute', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('running').check(sql`status in ('running','done','failed','cancelled')`),
    )
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('broadcast_members')
    .addColumn('broadcast_id', 'uuid', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('broadcast_members_pk', ['broadcast_id', 'member_id'])
    .execute();

  // Entries a journey refused (outside its entry window, over its hourly limit), with the reason, for ops.
  await db.schema
    .createTable('entry_skips')
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('entry_skips_journey_idx')
    .on('entry_skips')
    .columns(['journey_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'entry_skips',
    'broadcast_members',
    'broadcasts',
    'member_event_stats',
    'segment_members',
    'segments',
  ])
    await db.schema.dropTable(t).ifExists().execute();
  await db.schema.dropIndex('runs_journey_started_idx').ifExists().execute();
  await db.schema.dropIndex('members_workspace_id_idx').ifExists().execute();
  await db.schema.dropIndex('events_member_name_time_idx').ifExists().execute();
  await db.schema.alterTable('journey_versions').dropColumn('trigger_segment_id').execute();
  await db.schema.alterTable('journey_versions').dropColumn('trigger_kind').execute();
  await sql`drop function if exists yt_date(text)`.execute(db);
}
