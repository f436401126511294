import { type Kysely, sql } from 'kysely';

/**
 * Coupons (issue 19): three kinds a Chinese shopper knows — 直减 `amount` (value: yuan off), 满减 `threshold`
 * (value: yuan off once the order reaches `threshold` yuan) and 折扣 `discount` (value: the rate paid, 0.8 is
 * 「8 折」). The old `percent` kind stored percent OFF (80 meant 「减 80%」, i.e. 2 折): it is converted to the
 * rate it always meant for the members who got it, (100 − v) / 100, so no issued coupon changes value.
 * Templates can be stopped (no more issuing) and count their redemptions; a coupon records the order that
 * redeemed it (one order per coupon, exactly once).
 *
 * Event names: the pickers list the names the workspace has seen with counts, from a small rollup kept by a
 * statement-level trigger (as the run counters are), sharded so concurrent ingests do not queue on one row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table coupon_templates drop constraint if exists coupon_templates_kind_check`.execute(db);
  await sql`alter table coupon_templates add column threshold double precision`.execute(db);
  await sql`update coupon_templates set kind = 'discount', value = round(((100 - value) / 100)::numeric, 4)
    where kind = 'percent'`.execute(db);
  await sql`alter table coupon_templates add constraint coupon_templates_kind_check check (
      (kind = 'amount' and value > 0 and threshold is null)
      or (kind = 'threshold' and value > 0 and threshold > value)
      or (kind = 'discount' and value > 0 and value < 1 and threshold is null))`.execute(db);
  await db.schema
    .alterTable('coupon_templates')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active','stopped')`),
    )
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('redeemed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('coupons')
    .addColumn('redeemed_at', 'timestamptz')
    .addColumn('redeemed_order_id', 'text')
    .execute();
  await sql`update coupon_templates t set redeemed = r.n
    from (select template_id, count(*)::int as n from coupons where status = 'redeemed' group by 1) r
    where r.template_id = t.id`.execute(db);

  await db.schema
    .createTable('event_name_counts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('shard', 'smallint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_name_counts_pk', ['workspace_id', 'name', 'shard'])
    .execute();
  await sql`create or replace function yt_count_event_names() returns trigger language plpgsql as $$
    begin
      insert into event_name_counts (workspace_id, name, shard, n, last_at)
        select workspace_id, name, hashtext(id::text) & 7, count(*), max(received_at) from new_rows group by 1, 2, 3
        on conflict (workspace_id, name, shard) do update
          set n = event_name_counts.n + excluded.n, last_at = greatest(event_name_counts.last_at, excluded.last_at);
      return null;
    end $$`.execute(db);
  await sql`insert into event_name_counts (workspace_id, name, shard, n, last_at)
    select workspace_id, name, hashtext(id::text) & 7, count(*), max(received_at) from events group by 1, 2, 3`.execute(
    db,
  );
  await sql`create trigger events_count_names after insert on events referencing new table as new_rows
    for each statement execute function yt_count_event_names()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists events_count_names on events`.execute(db);
  await sql`drop function if exists yt_count_event_names()`.execute(db);
  await db.schema.dropTable('event_name_counts').ifExists().execute();
  await db.schema.alterTable('coupons').dropColumn('redeemed_at').dropColumn('redeemed_order_id').execute();
  await sql`alter table coupon_templates drop constraint if exists coupon_templates_kind_check`.execute(db);
  await sql`update coupon_templates set kind = 'percent', value = round(((1 - value) * 100)::numeric, 2)
    where kind = 'discount'`.execute(db);
  // a 满减 has no old equivalent: it becomes 直减 of the same amount (the threshold is lost)
  await sql`update coupon_templates set kind = 'amount' where kind = 'threshold'`.execute(db);
  await db.schema
    .alterTable('coupon_templates')
    .dropColumn('threshold')
    .dropColumn('status')
    .dropColumn('stopped_at')
    .dropColumn('redeemed')
    .dropColumn('updated_at')
    .execute();
  await sql`alter table coupon_templates add constraint coupon_templates_kind_check
    check (kind in ('amount','percent'))`.execute(db);
}
