import { type Kysely, sql } from 'kysely';

/**
 * Workspace secrets (issue 14, M2): values an admin stores once — a webhook's signing key — and journeys name.
 * The value is sealed like channel credentials (AES-256-GCM, engine/channels/secret-box.ts, bound to workspace and
 * name) and no API returns it; the worker opens it when it sends. Who made and last replaced it is kept for the
 * settings list (`user:<id>` / `key:<id>` and the name they had then).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspace_secrets')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text')
    .addColumn('updated_by_name', 'text')
    .addPrimaryKeyConstraint('workspace_secrets_pk', ['workspace_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workspace_secrets').ifExists().execute();
}
