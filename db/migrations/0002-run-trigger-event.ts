import { type Kysely, sql } from 'kysely';

// With re-entry, one member can have several runs of a journey: the event that started a run must never
// start another (a redelivered or re-processed event), whatever the entry number would be by then.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('runs_journey_trigger_event_uq')
    .on('runs')
    .columns(['journey_id', 'trigger_event_id'])
    .unique()
    .where(sql.ref('trigger_event_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_journey_trigger_event_uq').ifExists().execute();
}
