import { type Kysely, sql } from 'kysely';

// Shopping guides (导购): staff with a WeCom user id and a store, the members they own, the tasks a journey
// gives them (`guide.task` node) and the reminders they were sent about those tasks.
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;

  await db.schema
    .createTable('guides')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // the guide's userid in the brand's WeCom (企业微信): reminders go there, imports name guides by it
    .addColumn('wecom_userid', 'text', (c) => c.notNull())
    .addColumn('store', 'text')
    // the account the guide signs in with (role `guide`); null: a guide who only works in WeCom
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('guides_workspace_wecom_uq', ['workspace_id', 'wecom_userid'])
    .execute();
  // one guide per account in a workspace: a signed-in guide is exactly one guide
  await sql`create unique index guides_workspace_user_uq on guides (workspace_id, user_id) where user_id is not null`.execute(
    db,
  );

  await db.schema
    .alterTable('members')
    .addColumn('guide_id', 'uuid', (c) => c.references('guides.id').onDelete('set null'))
    .execute();
  await sql`create index members_guide_idx on members (guide_id) where guide_id is not null`.execute(db);

  await db.schema
    .createTable('guide_tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('guide_id', 'uuid', (c) => c.notNull().references('guides.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('journey_id', 'uuid')
    .addColumn('run_id', 'uuid')
    .addColumn('node_id', 'text')
    // the run's `run:node:visit`: a retried or replayed node never makes a second task
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('script', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('coupon_template_id', 'uuid')
    .addColumn('status', 'text', (c) =>
      // cancelled: the run left the journey another way (goal, exit criterion, cancel) before the task was done
      c.notNull().defaultTo('open').check(sql`status in ('open','done','overdue','cancelled')`),
    )
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('remind_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('done_at', 'timestamptz')
    .addColumn('note', 'text')
    // who marked it done: `user:<id>` or `key:<id>`
    .addColumn('completed_by', 'text')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('guide_tasks_guide_idx')
    .on('guide_tasks')
    .columns(['workspace_id', 'guide_id', 'status', 'due_at'])
    .execute();
  await db.schema
    .createIndex('guide_tasks_journey_idx')
    .on('guide_tasks')
    .columns(['workspace_id', 'journey_id', 'guide_id'])
    .execute();
  // what the reminder sweep looks at: open tasks only, so the index stays small
  await sql`create index guide_tasks_remind_idx on guide_tasks (remind_at) where status = 'open' and reminded_at is null`.execute(
    db,
  );
  await sql`create index guide_tasks_due_idx on guide_tasks (due_at) where status = 'open'`.execute(db);

  // Reminders as the default notifier records them (ops see them; a WeCom notifier sends them too).
  await db.schema
    .createTable('guide_reminders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('guide_id', 'uuid', (c) => c.notNull().references('guides.id').onDelete('cascade'))
    .addColumn('task_id', 'uuid', (c) => c.references('guide_tasks.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('record'))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('guide_reminders_guide_idx')
    .on('guide_reminders')
    .columns(['workspace_id', 'guide_id', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('guide_reminders').execute();
  await db.schema.dropTable('guide_tasks').execute();
  await db.schema.alterTable('members').dropColumn('guide_id').execute();
  await db.schema.dropTable('guides').execute();
}
