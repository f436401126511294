import { type Kysely, sql } from 'kysely';

// Journey rules: converted runs, deferred/converted/exited steps with their reason, workspace settings
// (time zone, quiet hours, frequency caps), sticky holdouts, and the contact ledger that caps count.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table runs drop constraint if exists runs_status_check`.execute(db);
  await sql`alter table runs add constraint runs_status_check
    check (status in ('running','waiting','completed','converted','exited','failed','cancelled'))`.execute(
    db,
  );

  await sql`alter table run_steps drop constraint if exists run_steps_status_check`.execute(db);
  await sql`alter table run_steps add constraint run_steps_status_check
    check (status in ('ok','waiting','failed','skipped','deferred','converted','exited'))`.execute(db);
  await db.schema.alterTable('run_steps').addColumn('reason', 'text').execute();
  // Per-node counts of a journey are read by journey: keep its id on the step (no join over all runs).
  await db.schema.alterTable('run_steps').addColumn('journey_id', 'uuid').execute();
  await sql`update run_steps s set journey_id = r.journey_id from runs r where r.id = s.run_id`.execute(db);
  await db.schema
    .createIndex('run_steps_journey_node_idx')
    .on('run_steps')
    .columns(['journey_id', 'node_id'])
    .execute();

  await sql`alter table messages drop constraint if exists messages_status_check`.execute(db);
  await sql`alter table messages add constraint messages_status_check
    check (status in ('queued','sending','sent','skipped','failed','unknown'))`.execute(db);

  await db.schema
    .alterTable('workspaces')
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  // A member once placed in a journey's holdout stays there when they re-enter it.
  await db.schema
    .createTable('journey_holdouts')
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('run_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('journey_holdouts_pk', ['journey_id', 'member_id'])
    .execute();

  // Every contact a guard allowed, across journeys: what frequency caps count. One row per effect key.
  await db.schema
    .createTable('contact_ledger')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'uuid')
    .addColumn('run_id', 'uuid')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('contact_ledger_member_idx')
    .on('contact_ledger')
    .columns(['member_id', 'channel', 'at'])
    .execute();

  // Effects that want a capped slot right now: when two compete for the last one, priority decides.
  await db.schema
    .createTable('guard_intents')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('guard_intents_member_idx')
    .on('guard_intents')
    .columns(['member_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('guard_intents').ifExists().execute();
  await db.schema.dropTable('contact_ledger').ifExists().execute();
  await db.schema.dropTable('journey_holdouts').ifExists().execute();
  await db.schema.alterTable('workspaces').dropColumn('settings').execute();
  await db.schema.dropIndex('run_steps_journey_node_idx').ifExists().execute();
  await db.schema.alterTable('run_steps').dropColumn('journey_id').execute();
  await db.schema.alterTable('run_steps').dropColumn('reason').execute();
}
