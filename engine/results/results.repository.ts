import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';

/** Every read of the results rollups (db/migrations/0017): sums over shards, never a scan of runs or steps. */

export interface GroupSums {
  entered: number;
  converted: number;
  /** Σ 分 and Σ 分² as decimal strings: they may pass 2^53 */
  revenueFen: string;
  revenueSq: string;
  noValue: number;
}

export interface DailyRow extends GroupSums {
  day: string;
  splitNodeId: string;
  variant: string;
}

export async function dailyResults(
  db: Kysely<Database>,
  journeyId: string,
  q: { version: number | null; from: string | null; to: string | null; splitsOnly?: boolean },
): Promise<DailyRow[]> {
  let s = db
    .selectFrom('journey_daily_results')
    .select([
      sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'),
      'split_node_id',
      'variant',
      sql<number>`sum(entered)::bigint`.as('entered'),
      sql<number>`sum(converted)::bigint`.as('converted'),
      sql<string>`sum(revenue_fen)::text`.as('revenue_fen'),
      sql<string>`sum(revenue_sq)::text`.as('revenue_sq'),
      sql<number>`sum(no_value)::bigint`.as('no_value'),
    ])
    .where('journey_id', '=', journeyId)
    .groupBy(['day', 'split_node_id', 'variant']);
  if (q.version !== null) s = s.where('version', '=', q.version);
  if (q.from !== null) s = s.where('day', '>=', q.from);
  if (q.to !== null) s = s.where('day', '<=', q.to);
  if (q.splitsOnly) s = s.where('split_node_id', '<>', '');
  const rows = await s.execute();
  return rows.map((r) => ({
    day: r.day,
    splitNodeId: r.split_node_id,
    variant: r.variant,
    entered: Number(r.entered),
    converted: Number(r.converted),
    revenueFen: r.revenue_fen,
    revenueSq: r.revenue_sq,
    noValue: Number(r.no_value),
  }));
}

/** One split node's variants over all days and versions: what the auto-winner decides on. */
export async function splitVariantCounts(db: Kysely<Database>, journeyId: string, nodeId: string) {
  const rows = await db
    .selectFrom('journey_daily_results')
    .select([
      'variant',
      sql<number>`sum(entered)::bigint`.as('entered'),
      sql<number>`sum(converted)::bigint`.as('converted'),
    ])
    .where('journey_id', '=', journeyId)
    .where('split_node_id', '=', nodeId)
    .groupBy('variant')
    .execute();
  return new Map(
    rows.map((r) => [r.variant, { entered: Number(r.entered), converted: Number(r.converted) }]),
  );
}

export interface NodeCountRow {
  version: number;
  nodeId: string;
  metric: string;
  key: string;
  n: number;
}

export async function nodeCounts(
  db: Kysely<Database>,
  journeyIds: string[],
  version: number | null,
): Promise<(NodeCountRow & { journeyId: string })[]> {
  if (!journeyIds.length) return [];
  let s = db
    .selectFrom('journey_node_counts')
    .select(['journey_id', 'version', 'node_id', 'metric', 'key', sql<number>`sum(n)::bigint`.as('n')])
    .where('journey_id', 'in', journeyIds)
    .groupBy(['journey_id', 'version', 'node_id', 'metric', 'key'])
    .having(sql`sum(n)`, '<>', 0);
  if (version !== null) s = s.where('version', '=', version);
  const rows = await s.execute();
  return rows.map((r) => ({
    journeyId: r.journey_id,
    version: r.version,
    nodeId: r.node_id,
    metric: r.metric,
    key: r.key,
    n: Number(r.n),
  }));
}

/** Entered / converted / revenue of the whole journey over a day range, for many journeys (the list). */
export async function journeyTotals(db: Kysely<Database>, journeyIds: string[], from: string, to: string) {
  if (!journeyIds.length)
    return new Map<string, { entered: number; converted: number; revenueFen: string }>();
  const rows = await db
    .selectFrom('journey_daily_results')
    .select([
      'journey_id',
      sql<number>`sum(entered)::bigint`.as('entered'),
      sql<number>`sum(converted)::bigint`.as('converted'),
      sql<string>`sum(revenue_fen)::text`.as('revenue_fen'),
    ])
    .where('journey_id', 'in', journeyIds)
    .where('split_node_id', '=', '')
    .where('variant', '=', '')
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('journey_id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.journey_id,
      { entered: Number(r.entered), converted: Number(r.converted), revenueFen: r.revenue_fen },
    ]),
  );
}

export async function currentDecisions(db: Kysely<Database>, journeyId: string) {
  return db
    .selectFrom('split_decisions')
    .selectAll()
    .where('journey_id', '=', journeyId)
    .where('cleared_at', 'is', null)
    .execute();
}

export async function workspaceTimeZone(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('workspaces')
    .select('timezone')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.timezone ?? 'Asia/Shanghai';
}

export async function versionPlans(db: Kysely<Database>, journeyId: string) {
  return db
    .selectFrom('journey_versions')
    .select(['version', 'plan'])
    .where('journey_id', '=', journeyId)
    .orderBy('version')
    .execute();
}

/** Runs entered per version (all days): what enters a version's trigger node. */
export async function enteredByVersion(db: Kysely<Database>, journeyId: string, version: number | null) {
  let s = db
    .selectFrom('journey_daily_results')
    .select(['version', sql<number>`sum(entered)::bigint`.as('entered')])
    .where('journey_id', '=', journeyId)
    .where('split_node_id', '=', '')
    .where('variant', '=', '')
    .groupBy('version');
  if (version !== null) s = s.where('version', '=', version);
  const rows = await s.execute();
  return new Map(rows.map((r) => [r.version, Number(r.entered)]));
}
