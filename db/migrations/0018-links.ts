import { type Kysely, sql } from 'kysely';

// Tracked short links (`{{link "https://…"}}` in a message) and the message funnel (sent → delivered → clicked
// per message node and split variant). The funnel is counted as messages and clicks are written — a
// statement-level trigger on `messages`, the click's own transaction for clicks — so the report reads a few
// rows per node and day instead of scanning the outbox.
export async function up(db: Kysely<any>): Promise<void> {
  // The journey version and split variant a message was sent under: what the funnel is keyed by.
  await db.schema.alterTable('messages').addColumn('version', 'integer').execute();
  await db.schema.alterTable('messages').addColumn('variant', 'text').execute();

  await db.schema
    .createTable('links')
    // short (SMS), random (not guessable from a neighbour's code): see engine/links/link-code.ts
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('journey_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('variant', 'text')
    // the send's idempotency key (messages.idempotency_key): a retried send finds its codes by it
    .addColumn('send_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_clicked_at', 'timestamptz')
    .addColumn('last_clicked_at', 'timestamptz')
    .addUniqueConstraint('links_send_url_uq', ['send_key', 'url'])
    .execute();
  await db.schema.createIndex('links_member_idx').on('links').column('member_id').execute();
  await db.schema.createIndex('links_run_idx').on('links').column('run_id').execute();

  // Who clicked a node's message: a member counts once per journey version, node and variant.
  await db.schema
    .createTable('link_clickers')
    .addColumn('journey_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('link_clickers_pk', ['journey_id', 'version', 'node_id', 'variant', 'member_id'])
    .execute();

  // One row per journey, version, node, channel, variant ('' = none), day (the workspace's, of the send) and
  // shard (8 a key: concurrent sends of one node do not queue on one row); a report sums the shards.
  await db.schema
    .createTable('message_funnel')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    // sent messages whose provider reports delivery (callback or poll): without any, "delivered" is unknown
    .addColumn('tracked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('undelivered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicked_members', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('converted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('message_funnel_pk', [
      'journey_id',
      'version',
      'node_id',
      'channel',
      'variant',
      'day',
      'shard',
    ])
    .execute();

  // Each statement's change, per key: the new rows' flags minus the old rows' (a status or delivery change).
  await sql`create or replace function yt_count_messages() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into message_funnel as f (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                          sent, failed, skipped, tracked, delivered, undelivered)
          select m.workspace_id, m.journey_id, coalesce(m.version, 0), m.node_id, m.channel, coalesce(m.variant, ''),
                 (m.created_at at time zone w.timezone)::date, hashtext(m.id::text) & 7,
                 count(*) filter (where m.status = 'sent'),
                 count(*) filter (where m.status = 'failed'),
                 count(*) filter (where m.status = 'skipped'),
                 count(*) filter (where m.status = 'sent' and m.delivery_status is not null),
                 count(*) filter (where m.delivery_status = 'delivered'),
                 count(*) filter (where m.delivery_status in ('failed', 'expired'))
          from new_rows m join workspaces w on w.id = m.workspace_id
          -- a message written as queued counts nothing yet: no row is touched for it
          where m.status in ('sent', 'failed', 'skipped') or m.delivery_status is not null
          group by 1, 2, 3, 4, 5, 6, 7, 8
          on conflict (journey_id, version, node_id, channel, variant, day, shard) do update set
            sent = f.sent + excluded.sent, failed = f.failed + excluded.failed, skipped = f.skipped + excluded.skipped,
            tracked = f.tracked + excluded.tracked, delivered = f.delivered + excluded.delivered,
            undelivered = f.undelivered + excluded.undelivered;
      else
        insert into message_funnel as f (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                          sent, failed, skipped, tracked, delivered, undelivered)
          select n.workspace_id, n.journey_id, coalesce(n.version, 0), n.node_id, n.channel, coalesce(n.variant, ''),
                 (n.created_at at time zone w.timezone)::date, hashtext(n.id::text) & 7,
                 sum((n.status = 'sent')::int - (o.status = 'sent')::int),
                 sum((n.status = 'failed')::int - (o.status = 'failed')::int),
                 sum((n.status = 'skipped')::int - (o.status = 'skipped')::int),
                 sum((n.status = 'sent' and n.delivery_status is not null)::int
                     - (o.status = 'sent' and o.delivery_status is not null)::int),
                 sum((n.delivery_status is not distinct from 'delivered')::int
                     - (o.delivery_status is not distinct from 'delivered')::int),
                 sum((coalesce(n.delivery_status in ('failed', 'expired'), false))::int
                     - (coalesce(o.delivery_status in ('failed', 'expired'), false))::int)
          from old_rows o join new_rows n on n.id = o.id join workspaces w on w.id = n.workspace_id
          -- queued → sending changes no count: only moves into or out of a counted state touch a row
          where (o.status is distinct from n.status
                 and (o.status in ('sent', 'failed', 'skipped') or n.status in ('sent', 'failed', 'skipped')))
             or o.delivery_status is distinct from n.delivery_status
          group by 1, 2, 3, 4, 5, 6, 7, 8
          on conflict (journey_id, version, node_id, channel, variant, day, shard) do update set
            sent = f.sent + excluded.sent, failed = f.failed + excluded.failed, skipped = f.skipped + excluded.skipped,
            tracked = f.tracked + excluded.tracked, delivered = f.delivered + excluded.delivered,
            undelivered = f.undelivered + excluded.undelivered;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger messages_funnel_insert after insert on messages referencing new table as new_rows
    for each statement execute function yt_count_messages()`.execute(db);
  await sql`create trigger messages_funnel_update after update on messages
    referencing old table as old_rows new table as new_rows
    for each statement execute function yt_count_messages()`.execute(db);

  // A run converting (its goal) counts once for each message it had been sent, on that message's row. The source is
  // the conversions table (migration 0017: in the run, or inside the attribution window after it ended), so the
  // funnel and the journey report count the same conversions. A database that got this migration before 0017
  // (numbers land in any order) counts goal conversions as runs reach them instead.
  await db.schema.createIndex('messages_run_idx').on('messages').column('run_id').execute();
  const hasConversions = (
    await sql<{ ok: boolean }>`select to_regclass('public.conversions') is not null as ok`.execute(db)
  ).rows[0].ok;
  if (hasConversions) {
    await sql`create or replace function yt_count_message_conversions() returns trigger language plpgsql as $$
      begin
        insert into message_funnel as f (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                          converted)
          select m.workspace_id, m.journey_id, coalesce(m.version, 0), m.node_id, m.channel, coalesce(m.variant, ''),
                 (m.created_at at time zone w.timezone)::date, hashtext(m.id::text) & 7, count(distinct m.run_id)
          from new_rows c
            join messages m on m.run_id = c.run_id and m.status = 'sent' and m.created_at <= c.converted_at
            join workspaces w on w.id = m.workspace_id
          group by 1, 2, 3, 4, 5, 6, 7, 8
          on conflict (journey_id, version, node_id, channel, variant, day, shard) do update set
            converted = f.converted + excluded.converted;
        return null;
      end $$`.execute(db);
    await sql`create trigger conversions_message_funnel after insert on conversions referencing new table as new_rows
      for each statement execute function yt_count_message_conversions()`.execute(db);
  } else {
    await sql`create or replace function yt_count_message_conversions() returns trigger language plpgsql as $$
      begin
        insert into message_funnel as f (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                          converted)
          select m.workspace_id, m.journey_id, coalesce(m.version, 0), m.node_id, m.channel, coalesce(m.variant, ''),
                 (m.created_at at time zone w.timezone)::date, hashtext(m.id::text) & 7, count(distinct m.run_id)
          from old_rows o join new_rows n on n.id = o.id
            join messages m on m.run_id = n.id and m.status = 'sent'
            join workspaces w on w.id = m.workspace_id
          where n.status = 'converted' and o.status is distinct from 'converted'
          group by 1, 2, 3, 4, 5, 6, 7, 8
          on conflict (journey_id, version, node_id, channel, variant, day, shard) do update set
            converted = f.converted + excluded.converted;
        return null;
      end $$`.execute(db);
    await sql`create trigger runs_message_conversions after update on runs
      referencing old table as old_rows new table as new_rows
      for each statement execute function yt_count_message_conversions()`.execute(db);
  }

  // Messages written before this migration: counted once, here (their version from the run, no variant known).
  await sql`insert into message_funnel (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                        sent, failed, skipped, tracked, delivered, undelivered)
    select m.workspace_id, m.journey_id, r.version, m.node_id, m.channel, '',
           (m.created_at at time zone w.timezone)::date, hashtext(m.id::text) & 7,
           count(*) filter (where m.status = 'sent'),
           count(*) filter (where m.status = 'failed'),
           count(*) filter (where m.status = 'skipped'),
           count(*) filter (where m.status = 'sent' and m.delivery_status is not null),
           count(*) filter (where m.delivery_status = 'delivered'),
           count(*) filter (where m.delivery_status in ('failed', 'expired'))
    from messages m join runs r on r.id = m.run_id join workspaces w on w.id = m.workspace_id
    group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(db);
  await sql`update message_funnel f set converted = c.n
    from (select m.journey_id, r.version, m.node_id, m.channel, (m.created_at at time zone w.timezone)::date as day,
                 hashtext(m.id::text) & 7 as shard, count(distinct m.run_id)::int as n
          from messages m join runs r on r.id = m.run_id join workspaces w on w.id = m.workspace_id
          where m.status = 'sent'
            and ${hasConversions ? sql`exists (select 1 from conversions c where c.run_id = m.run_id)` : sql`r.status = 'converted'`}
          group by 1, 2, 3, 4, 5, 6) c
    where f.journey_id = c.journey_id and f.version = c.version and f.node_id = c.node_id and f.channel = c.channel
      and f.variant = '' and f.day = c.day and f.shard = c.shard`.execute(db);
  await sql`update messages m set version = r.version from runs r where r.id = m.run_id and m.version is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists messages_funnel_insert on messages`.execute(db);
  await sql`drop trigger if exists messages_funnel_update on messages`.execute(db);
  await sql`drop trigger if exists runs_message_conversions on runs`.execute(db);
  await sql`do $$ begin
    if to_regclass('public.conversions') is not null then
      drop trigger if exists conversions_message_funnel on conversions;
    end if;
  end $$`.execute(db);
  await sql`drop function if exists yt_count_message_conversions()`.execute(db);
  await sql`drop index if exists messages_run_idx`.execute(db);
  await sql`drop function if exists yt_count_messages()`.execute(db);
  await db.schema.dropTable('message_funnel').ifExists().execute();
  await db.schema.dropTable('link_clickers').ifExists().execute();
  await db.schema.dropTable('links').ifExists().execute();
  await db.schema.alterTable('messages').dropColumn('variant').execute();
  await db.schema.alterTable('messages').dropColumn('version').execute();
}
