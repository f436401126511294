import { type Kysely, sql } from 'kysely';

/**
 * Channel plugins (issue 10): a workspace's provider credentials, sealed (AES-256-GCM, engine/channels/secret-box.ts),
 * and what the outbox needs to talk to real providers: when a send was claimed (an attempt that died mid-call is
 * told apart from one still running), the provider's refusal, the delivery status a callback or a poll reports,
 * and which provider actually sent it (`sandbox` when the workspace configured none).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channel_credentials')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('channel_credentials_pk', ['workspace_id', 'channel'])
    .execute();

  await db.schema
    .alterTable('messages')
    .addColumn('provider', 'text')
    .addColumn('sending_at', 'timestamptz')
    .addColumn('error', 'text')
    .addColumn('delivery_status', 'text', (c) =>
      c.check(sql`delivery_status in ('pending','delivered','failed','expired')`),
    )
    .addColumn('delivery_updated_at', 'timestamptz')
    .execute();
  // Callbacks and polls find a message by the provider's id.
  await db.schema
    .createIndex('messages_provider_id_idx')
    .on('messages')
    .columns(['channel', 'provider_message_id'])
    .where(sql.ref('provider_message_id'), 'is not', null)
    .execute();
  // The poll of WeCom tasks awaiting a guide's confirmation reads only those.
  await db.schema
    .createIndex('messages_delivery_pending_idx')
    .on('messages')
    .columns(['workspace_id', 'channel'])
    .where(sql.ref('delivery_status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_delivery_pending_idx').ifExists().execute();
  await db.schema.dropIndex('messages_provider_id_idx').ifExists().execute();
  await db.schema
    .alterTable('messages')
    .dropColumn('provider')
    .dropColumn('sending_at')
    .dropColumn('error')
    .dropColumn('delivery_status')
    .dropColumn('delivery_updated_at')
    .execute();
  await db.schema.dropTable('channel_credentials').ifExists().execute();
}
