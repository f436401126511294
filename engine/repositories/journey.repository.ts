import { type JoinBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { StoredPlan } from '../../db/tables/journey.table.js';
import { type PlanV1, upgradePlan } from '../../workflows/legacy-plan.js';
import type { Plan } from '../../workflows/plan.js';
import { notFound } from '../api/app-error.js';
import type { JourneyDocument } from '../compiler/document.schema.js';

const currentVersion = (join: JoinBuilder<any, any>) =>
  join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version');

/**
 * Published journeys joined with their current version, as `j` and `v`.
 *
 * @example
 * const active = await publishedJourneys(db).select(['j.id', 'v.plan']).where('j.status', '=', 'active').execute();
 */
export function publishedJourneys(db: Kysely<Database>) {
  return db.selectFrom('journeys as j').innerJoin('journey_versions as v', currentVersion);
}

/** Every journey with its current version if it has one (`v` columns null when never published). */
export function journeysWithVersion(db: Kysely<Database>) {
  return db.selectFrom('journeys as j').leftJoin('journey_versions as v', currentVersion);
}

/** A stored plan as today's shape: versions published before plan v2 are upgraded with their old meaning. */
export function versionPlan(stored: StoredPlan): Plan {
  return upgradePlan(stored as unknown as Plan | PlanV1);
}

/** The plan of one published version, or null. */
export async function findVersionPlan(db: Kysely<Database>, journeyId: string, version: number) {
  const row = await db
    .selectFrom('journey_versions')
    .select('plan')
    .where('journey_id', '=', journeyId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? versionPlan(row.plan) : null;
}

export async function findJourneyOrThrow(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await db
    .selectFrom('journeys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('journey');
  return row;
}

export async function journeyVersions(db: Kysely<Database>, journeyId: string) {
  return db
    .selectFrom('journey_versions')
    .select(['version', 'note', 'published_at', 'published_by_name'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .execute();
}

/** Run totals of journeys, from the counters a trigger keeps on `runs` (not a count over every run). */
export async function runTotals(db: Kysely<Database>, workspaceId: string, journeyIds?: string[]) {
  if (journeyIds && journeyIds.length === 0) return new Map<string, Totals>();
  let q = db
    .selectFrom('journey_run_counts as c')
    .innerJoin('journeys as j', 'j.id', 'c.journey_id')
    .select(['c.journey_id', 'c.status', sql<number>`sum(c.n)::bigint`.as('n')])
    .where('j.workspace_id', '=', workspaceId)
    .groupBy(['c.journey_id', 'c.status']);
  if (journeyIds) q = q.where('c.journey_id', 'in', journeyIds);
  const rows = await q.execute();
  const out = new Map<string, Totals>();
  for (const r of rows) {
    const t = out.get(r.journey_id) ?? emptyTotals();
    t.entered += r.n;
    if (r.status === 'running' || r.status === 'waiting') t.active += r.n;
    else if (r.status === 'failed') {
      t.failed += r.n;
      t.active += r.n; // a failed run waits for a retry: still in the journey
    } else if (r.status === 'completed') t.completed += r.n;
    else if (r.status === 'converted') t.converted += r.n;
    else if (r.status === 'exited') t.exited += r.n;
    else t.cancelled += r.n;
    out.set(r.journey_id, t);
  }
  return out;
}

export interface Totals {
  entered: number;
  /** still inside: running, waiting, or failed and waiting for a retry */
  active: number;
  completed: number;
  /** reached the journey's goal */
  converted: number;
  /** met an exit criterion */
  exited: number;
  cancelled: number;
  failed: number;
}
export const emptyTotals = (): Totals => ({
  entered: 0,
  active: 0,
  completed: 0,
  converted: 0,
  exited: 0,
  cancelled: 0,
  failed: 0,
});

/** A journey as the API answers it, with whatever the route adds (e.g. its run counts as `stats`). */
export function journeyView<Extra extends { stats?: Totals } = Record<never, never>>(
  row: Awaited<ReturnType<typeof findJourneyOrThrow>>,
  extra: Extra = {} as Extra,
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    currentVersion: row.current_version,
    hasUnpublishedChanges: row.has_unpublished_changes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...extra,
  };
}

export type { JourneyDocument };
