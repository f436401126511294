import { type Kysely, sql } from 'kysely';

// Proof that an account holds its email address (issue 14, H1). A workspace admin chooses the workspace's mail
// server, so a link mailed through it proves the address to that workspace only: proofs are kept per workspace
// (on the membership, or on the open invitation for a workspace the account has not joined yet).
export async function up(db: Kysely<any>): Promise<void> {
  // the last time the address was proven by a link mailed to it (through any workspace's mail)
  await db.schema.alterTable('users').addColumn('email_verified_at', 'timestamptz').execute();
  // proven to this workspace through its own mail
  await db.schema.alterTable('workspace_members').addColumn('email_proven_at', 'timestamptz').execute();
  // the password was reset through another workspace's mail: no access here until the address is proven here
  await db.schema.alterTable('workspace_members').addColumn('suspended_at', 'timestamptz').execute();
  // the invitee's existing account proved the address through this workspace's mail: it may accept
  await db.schema.alterTable('invitations').addColumn('email_proven_at', 'timestamptz').execute();

  // Links mailed to an address: only the SHA-256 of the token is stored (like sessions and invitations).
  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) =>
      c.notNull().check(sql`purpose in ('verify_email', 'reset_password')`),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // the address it was mailed to: a link is void once the account's address is another
    .addColumn('email', 'text', (c) => c.notNull())
    // whose mail server carried it: the workspace the proof counts for
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('invitation_id', 'uuid', (c) => c.references('invitations.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('account_tokens_user_idx').on('account_tokens').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_tokens').ifExists().execute();
  await db.schema.alterTable('invitations').dropColumn('email_proven_at').execute();
  await db.schema.alterTable('workspace_members').dropColumn('suspended_at').execute();
  await db.schema.alterTable('workspace_members').dropColumn('email_proven_at').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
