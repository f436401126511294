import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { parseGoalValue, readProperty } from './goal-value.js';

/** A goal value too large to store in 分; `field` names it as the caller sent it. */
export class GoalValueTooLarge extends Error {
  readonly code = 'invalid_input';
  constructor(readonly field: string) {
    super(`${field} is larger than the largest amount that can be stored (92,233,720,368,547,758.07 元)`);
    this.name = 'GoalValueTooLarge';
  }
}

/**
 * Refuse events whose goal value (the property an active journey's goal reads, for that event name) is a
 * number beyond a bigint of 分. Only events named by a goal with a value cost a look-up of the goals.
 */
export async function checkGoalValues(
  db: Kysely<Database>,
  workspaceId: string,
  events: { name: string; properties?: Record<string, unknown> }[],
): Promise<void> {
  if (!events.length) return;
  const names = [...new Set(events.map((e) => e.name))];
  const goals = await db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (j) =>
      j.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
    )
    .select([
      sql<string>`v.plan->'journey'->'goal'->'match'->>'event'`.as('event'),
      sql<string>`v.plan->'journey'->'goal'->>'value'`.as('value'),
    ])
    .distinct()
    .where('j.workspace_id', '=', workspaceId)
    .where('j.status', 'in', ['active', 'paused'])
    .where(sql<string>`v.plan->'journey'->'goal'->'match'->>'event'`, 'in', names)
    .where(sql<string>`v.plan->'journey'->'goal'->>'value'`, 'is not', null)
    .execute();
  if (!goals.length) return;
  events.forEach((e, i) => {
    for (const g of goals) {
      if (g.event !== e.name) continue;
      if (parseGoalValue(readProperty(e.properties ?? {}, g.value)).kind === 'overflow')
        throw new GoalValueTooLarge(
          events.length === 1 ? `properties.${g.value}` : `events.${i}.properties.${g.value}`,
        );
    }
  });
}
