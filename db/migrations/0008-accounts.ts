import { type Kysely, sql } from 'kysely';

// Accounts: people (users, their workspace roles, sessions, invitations), systems (API keys), the audit
// log of every change, and the counters that rate limits share across API processes.
//
// Roles are text without a check constraint: the role → permission table lives in code
// (engine/auth/permissions.ts), so a new role (e.g. `guide`) is one line there, not a migration; an
// unknown role in a row grants nothing.
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // stored trimmed and lower-cased: one account per address whatever the caller typed
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    // Argon2id, PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('workspace_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('workspace_members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('workspace_members_user_idx')
    .on('workspace_members')
    .column('user_id')
    .execute();

  // The cookie carries a random token; only its SHA-256 is stored, so a read of this table signs nobody in.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // the workspace the user works in now (switched in the UI); its role comes from workspace_members
    .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('invitations_workspace_idx')
    .on('invitations')
    .columns(['workspace_id', 'email'])
    .execute();

  // Keys are shown once; only their SHA-256 is kept (they are 256-bit random: a slow hash adds nothing).
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // the first characters of the key, to recognise it in a list
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('api_keys_workspace_idx').on('api_keys').column('workspace_id').execute();

  // No foreign keys: the record of a change outlives the user, key or workspace it names.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('workspace_id', 'text')
    .addColumn('actor_type', 'text', (c) =>
      c.notNull().check(sql`actor_type in ('user','key','system','anonymous')`),
    )
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok','denied','failed')`))
    .addColumn('request_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await sql`create index audit_log_workspace_idx on audit_log (workspace_id, id desc)`.execute(db);
  await sql`create index audit_log_target_idx on audit_log (workspace_id, target_type, target_id, id desc)`.execute(
    db,
  );

  // Fixed-window counters shared by every API process. Unlogged: fast, and losing them in a crash
  // only forgives a few attempts.
  await sql`create unlogged table rate_limits (
    bucket text not null,
    window_start timestamptz not null,
    hits integer not null,
    primary key (bucket, window_start)
  )`.execute(db);

  // Who published a version: "user:<id>" or "key:<id>", and their name (email / key name) at the time.
  await db.schema.alterTable('journey_versions').addColumn('published_by', 'text').execute();
  await db.schema.alterTable('journey_versions').addColumn('published_by_name', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('journey_versions').dropColumn('published_by_name').execute();
  await db.schema.alterTable('journey_versions').dropColumn('published_by').execute();
  for (const t of [
    'rate_limits',
    'audit_log',
    'api_keys',
    'invitations',
    'sessions',
    'workspace_members',
    'users',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
