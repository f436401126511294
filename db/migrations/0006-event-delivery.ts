import { type Kysely, sql } from 'kysely';

// Events get a delivery state: `pending` (stored, not yet acted on, retried with back-off), `processed`, or
// `dead` (gave up after the attempts, or failed for a reason a retry cannot mend; ops replay it). The sweeper
// takes pending events by `next_attempt_at`, so a few events that keep failing cannot starve newer ones.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending','processed','dead')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // due at once unless the writer says otherwise (the API leaves a fresh event to its request for a moment)
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.defaultTo(sql`now()`))
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('dead_at', 'timestamptz')
    // arrival order, exact even within a batch (which shares one received_at): the sweeper keeps a member's
    // events in the order they were sent
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity())
    .execute();
  await sql`update events set status = 'processed' where processed_at is not null`.execute(db);
  await sql`update events set next_attempt_at = received_at where processed_at is null`.execute(db);
  await db.schema.dropIndex('events_unprocessed_idx').ifExists().execute();
  await db.schema
    .createIndex('events_due_idx')
    .on('events')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_due_idx').ifExists().execute();
  await db.schema
    .createIndex('events_unprocessed_idx')
    .on('events')
    .column('received_at')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();
  await db.schema
    .alterTable('events')
    .dropColumn('status')
    .dropColumn('attempts')
    .dropColumn('next_attempt_at')
    .dropColumn('last_attempt_at')
    .dropColumn('dead_at')
    .dropColumn('seq')
    .execute();
}
