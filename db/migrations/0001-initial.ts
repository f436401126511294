import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<any> and never import today's schema types: they must keep working as the schema moves on.
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.insertInto('workspaces').values({ id: 'default', name: 'Default' }).execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('timezone', 'text')
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('consent', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('members_workspace_external_uq', ['workspace_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('member_tags')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('member_tags_pk', ['member_id', 'tag'])
    .execute();
  await db.schema
    .createIndex('member_tags_workspace_tag_idx')
    .on('member_tags')
    .columns(['workspace_id', 'tag'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('client_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('processed_at', 'timestamptz')
    .addColumn('process_error', 'text')
    .addUniqueConstraint('events_workspace_client_uq', ['workspace_id', 'client_id'])
    .execute();
  await db.schema
    .createIndex('events_member_idx')
    .on('events')
    .columns(['member_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('events_workspace_name_idx')
    .on('events')
    .columns(['workspace_id', 'name'])
    .execute();
  await db.schema
    .createIndex('events_unprocessed_idx')
    .on('events')
    .column('received_at')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('journeys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`status in ('draft','active','paused','archived')`),
    )
    .addColumn('draft', 'jsonb', (c) => c.notNull())
    .addColumn('current_version', 'integer')
    .addColumn('has_unpublished_changes', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('journeys_workspace_idx')
    .on('journeys')
    .columns(['workspace_id', 'status'])
    .execute();

  await db.schema
    .createTable('journey_versions')
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('trigger_event', 'text')
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('journey_versions_pk', ['journey_id', 'version'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('journey_id', 'uuid', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('entry_no', 'integer', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('running')
        .check(sql`status in ('running','waiting','completed','exited','failed','cancelled')`),
    )
    .addColumn('current_node_id', 'text')
    .addColumn('next_at', 'timestamptz')
    .addColumn('trigger_event_id', 'uuid')
    .addColumn('exit_reason', 'text')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('ended_at', 'timestamptz')
    .addUniqueConstraint('runs_entry_uq', ['journey_id', 'member_id', 'entry_no'])
    .execute();
  await db.schema
    .createIndex('runs_journey_status_idx')
    .on('runs')
    .columns(['journey_id', 'status'])
    .execute();
  await db.schema.createIndex('runs_member_idx').on('runs').columns(['member_id', 'started_at']).execute();

  await db.schema
    .createTable('run_steps')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('node_type', 'text', (c) => c.notNull())
    .addColumn('output', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok','waiting','failed','skipped')`))
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_steps_pk', ['run_id', 'seq'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('journey_id', 'uuid', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text')
    .addColumn('title', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued','sent','skipped','failed')`),
    )
    .addColumn('skip_reason', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('messages_idempotency_uq', ['idempotency_key'])
    .execute();
  await db.schema
    .createIndex('messages_member_idx')
    .on('messages')
    .columns(['member_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('messages_journey_idx')
    .on('messages')
    .columns(['journey_id', 'node_id'])
    .execute();

  await db.schema
    .createTable('coupon_templates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('amount','percent')`))
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('valid_days', 'integer', (c) => c.notNull())
    .addColumn('stock', 'integer', (c) => c.check(sql`stock is null or stock >= 0`))
    .addColumn('issued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('coupon_templates.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('journey_id', 'uuid')
    .addColumn('node_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('issued').check(sql`status in ('issued','redeemed','expired')`),
    )
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz')
    .addUniqueConstraint('coupons_idempotency_uq', ['idempotency_key'])
    .execute();
  // Exactly-once for any custom node: its effect and this key commit in one transaction (NodeRunContext.once).
  await db.schema
    .createTable('node_effects')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('run_id', 'uuid', (c) => c.references('runs.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createIndex('coupons_member_idx')
    .on('coupons')
    .columns(['member_id', 'issued_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'node_effects',
    'coupons',
    'coupon_templates',
    'messages',
    'run_steps',
    'runs',
    'journey_versions',
    'journeys',
    'events',
    'member_tags',
    'members',
    'workspaces',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
