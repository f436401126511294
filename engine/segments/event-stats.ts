import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Per member and event name: how many, first and last time — kept with every stored event, so "last order
 * more than 90 days ago" is one indexed row per member, for one member or a million.
 */
export async function recordEventStats(
  db: Kysely<Database>,
  events: { workspace_id: string; member_id: string; name: string; occurred_at: Date }[],
): Promise<void> {
  // One row per (member, name) in the statement: Postgres refuses to update a row twice in one upsert.
  const merged = new Map<
    string,
    { workspace_id: string; member_id: string; name: string; count: number; first: Date; last: Date }
  >();
  for (const e of events) {
    const key = `${e.member_id}\u0000${e.name}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...e, count: 1, first: e.occurred_at, last: e.occurred_at });
    else {
      m.count++;
      if (e.occurred_at < m.first) m.first = e.occurred_at;
      if (e.occurred_at > m.last) m.last = e.occurred_at;
    }
  }
  if (!merged.size) return;
  await db
    .insertInto('member_event_stats')
    .values(
      [...merged.values()].map((m) => ({
        member_id: m.member_id,
        name: m.name,
        workspace_id: m.workspace_id,
        count: m.count,
        first_at: m.first,
        last_at: m.last,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['member_id', 'name']).doUpdateSet({
        count: sql`member_event_stats.count + excluded.count`,
        first_at: sql`least(member_event_stats.first_at, excluded.first_at)`,
        last_at: sql`greatest(member_event_stats.last_at, excluded.last_at)`,
      }),
    )
    .execute();
}
