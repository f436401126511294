import { type Kysely, sql } from 'kysely';

/**
 * Messages to staff (a guide's task reminder as a WeCom app message): not a member's outbox row, no run, but the
 * same exactly-once rule — one row per idempotency key, claimed (`sending`) before the provider is called.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_messages')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued','sending','sent','failed')`),
    )
    .addColumn('provider_message_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('staff_messages_workspace_idx')
    .on('staff_messages')
    .columns(['workspace_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_messages').ifExists().execute();
}
