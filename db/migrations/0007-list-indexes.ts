import type { Kysely } from 'kysely';

// Keyset pagination: every list is newest first with the row id as the tiebreaker, and each filter the API
// offers has an index whose order is the list's order, so any page — the first or the ten-thousandth — is an
// index range scan of `limit` rows (see engine/bench/pagination.ts for the figures at a million rows).
// Lists always filter by workspace too, so it leads every index: a journey's rows are then one range, with no
// row of the index to skip, however rare the journey.
const INDEXES: [name: string, table: string, columns: string[]][] = [
  ['runs_workspace_started_idx', 'runs', ['workspace_id', 'started_at', 'id']],
  ['runs_workspace_status_started_idx', 'runs', ['workspace_id', 'status', 'started_at', 'id']],
  ['runs_journey_started_idx', 'runs', ['workspace_id', 'journey_id', 'started_at', 'id']],
  ['runs_journey_status_started_idx', 'runs', ['workspace_id', 'journey_id', 'status', 'started_at', 'id']],
  ['messages_workspace_created_idx', 'messages', ['workspace_id', 'created_at', 'id']],
  ['messages_journey_created_idx', 'messages', ['workspace_id', 'journey_id', 'created_at', 'id']],
  ['coupons_workspace_issued_idx', 'coupons', ['workspace_id', 'issued_at', 'id']],
  ['coupons_journey_issued_idx', 'coupons', ['workspace_id', 'journey_id', 'issued_at', 'id']],
  ['events_workspace_received_idx', 'events', ['workspace_id', 'received_at', 'id']],
  ['events_workspace_status_received_idx', 'events', ['workspace_id', 'status', 'received_at', 'id']],
  ['events_member_received_idx', 'events', ['member_id', 'received_at', 'id']],
  ['journeys_workspace_updated_idx', 'journeys', ['workspace_id', 'updated_at', 'id']],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of INDEXES)
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute();
}
