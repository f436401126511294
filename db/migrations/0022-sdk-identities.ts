import { type Kysely, sql } from 'kysely';

/**
 * Event SDKs (issue 17): Segment's and Sensors Data's clients name a person by an anonymous device id until
 * they sign in. `member_identities` links such an id to the member it turned out to be (Segment `alias`, an
 * `identify` carrying both ids, Sensors `track_signup`), so later calls naming only the device id reach that
 * member. `sdk_receipts` holds the ids of the profile updates already applied (Segment `messageId`, a Sensors
 * record's digest): a client that resends a batch after a timeout must not add a `profile_increment` twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_identities')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** the id as the SDK sent it (an anonymousId, a Sensors anonymous distinct_id or original_id) */
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** segment · sensors: who made the link */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('member_identities_pk', ['workspace_id', 'identity'])
    .execute();
  // erasing a member removes their links (engine/repositories/member.repository.ts eraseMember)
  await db.schema
    .createIndex('member_identities_member')
    .on('member_identities')
    .column('member_id')
    .execute();

  await db.schema
    .createTable('sdk_receipts')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('receipt_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sdk_receipts_pk', ['workspace_id', 'receipt_id'])
    .execute();
  // receipts older than the de-duplication window are pruned by age
  await db.schema.createIndex('sdk_receipts_age').on('sdk_receipts').column('received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sdk_receipts').ifExists().execute();
  await db.schema.dropTable('member_identities').ifExists().execute();
}
