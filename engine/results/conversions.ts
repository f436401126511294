import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { EventRow } from '../../db/tables/event.table.js';
import { matchesFilters } from '../../workflows/core/conditions.js';
import type { Plan } from '../../workflows/plan.js';
import { versionPlan } from '../repositories/journey.repository.js';
import { parseGoalValue, readProperty } from './goal-value.js';

const DAY = 86_400_000;
/** plans published before attribution windows existed */
export const DEFAULT_ATTRIBUTION_MS = 7 * DAY;
/** a wait whose deadline depends on the member's calendar (time of day, months) is taken as one day */
const RESOLVED_WAIT_MS = DAY;
/** a journey's planned duration is capped here (a loop, a wait of years) */
const MAX_PLANNED_MS = 365 * DAY;

/**
 * The longest time a member can spend in the journey by its plan: the sum of wait timers along the longest
 * path from the trigger (cycles cut; a wait for an event counts its timeout; a calendar wait counts one day).
 *
 * Why: a holdout member's run ends at the split (it gets nothing), while a treatment member's run lasts the
 * journey's waits. Were the holdout's attribution window "7 days after its run ended", it would be shorter
 * than the treatment's and the holdout would convert less for no reason but time. So a holdout run's window
 * ends at entry + planned duration + the attribution window — as long as a treatment run's that went the
 * whole way without converting.
 */
export function plannedDurationMs(plan: Plan): number {
  const memo = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    if (!Object.hasOwn(plan.nodes, id) || path.has(id)) return 0;
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const node = plan.nodes[id];
    const b = node.behavior;
    const own =
      b.kind === 'wait' && b.timer ? (b.timer.spec.kind === 'after' ? b.timer.spec.ms : RESOLVED_WAIT_MS) : 0;
    path.add(id);
    let longest = 0;
    for (const next of new Set(Object.values(node.next))) longest = Math.max(longest, visit(next, path));
    path.delete(id);
    const total = Math.min(MAX_PLANNED_MS, own + longest);
    memo.set(id, total);
    return total;
  };
  return visit(plan.trigger.nodeId, new Set());
}

interface Candidate {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  member_id: string;
  started_at: Date;
  ended_at: Date | null;
  plan: Plan;
}

const planCache = new Map<string, { plan: Plan; planned: number }>();
function cachedPlan(journeyId: string, version: number, stored: unknown) {
  const key = `${journeyId}:${version}`;
  let hit = planCache.get(key);
  if (!hit) {
    const plan = versionPlan(stored as never);
    // published versions never change: cache them (bounded, oldest out)
    hit = { plan, planned: plannedDurationMs(plan) };
    if (planCache.size > 500) planCache.delete(planCache.keys().next().value!);
    planCache.set(key, hit);
  }
  return hit;
}

export interface ConversionOutcome {
  recorded: number;
  /** goal events that matched a run but fell outside its window, with the reason (for ops) */
  outside: { runId: string; reason: 'before_entry' | 'after_goal_window' | 'after_attribution' }[];
}

/**
 * Record the conversions an event makes: every run of the member (live or ended) whose journey version has
 * this event as its goal, that the event follows, and whose window it falls in, gets one conversion row —
 * at most one per run, whatever the retries, redeliveries and duplicate events (the run is the key).
 *
 * Windows: an event counts if it happened at or after the run's entry, within the goal's own window after
 * entry when it has one, and — once the run has ended — no later than the attribution window after its end
 * (7 days unless the journey says otherwise). A holdout run's end is taken as entry + the journey's planned
 * duration (see {@link plannedDurationMs}), so both groups are measured over the same span.
 */
export async function recordConversions(
  db: Kysely<Database>,
  event: Pick<EventRow, 'id' | 'workspace_id' | 'member_id' | 'name' | 'properties' | 'occurred_at'>,
): Promise<ConversionOutcome> {
  const rows = await db
    .selectFrom('runs as r')
    .innerJoin('journey_versions as v', (j) =>
      j.onRef('v.journey_id', '=', 'r.journey_id').onRef('v.version', '=', 'r.version'),
    )
    .select([
      'r.id',
      'r.workspace_id',
      'r.journey_id',
      'r.version',
      'r.member_id',
      'r.started_at',
      'r.ended_at',
      'v.plan',
    ])
    .where('r.member_id', '=', event.member_id)
    .where('r.workspace_id', '=', event.workspace_id)
    .where(sql<string>`v.plan->'journey'->'goal'->'match'->>'event'`, '=', event.name)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('conversions as c').select('c.run_id').whereRef('c.run_id', '=', 'r.id'))),
    )
    .execute();
  const outcome: ConversionOutcome = { recorded: 0, outside: [] };
  if (!rows.length) return outcome;
  const at = event.occurred_at.getTime();
  const due: (Candidate & { planned: number })[] = [];
  for (const row of rows) {
    const { plan, planned } = cachedPlan(row.journey_id, row.version, row.plan);
    const goal = plan.journey.goal;
    if (!goal || !matchesFilters(event.properties ?? {}, goal.match.where)) continue;
    const entered = row.started_at.getTime();
    if (at < entered) {
      outcome.outside.push({ runId: row.id, reason: 'before_entry' });
      continue;
    }
    if (goal.windowMs !== null && at > entered + goal.windowMs) {
      outcome.outside.push({ runId: row.id, reason: 'after_goal_window' });
      continue;
    }
    due.push({ ...row, plan, planned });
  }
  if (!due.length) return outcome;
  // The variant of every split the run passed (and whether it was held out): from its steps.
  const splits = await db
    .selectFrom('run_steps')
    .select([
      'run_id',
      'node_id',
      'output',
      sql<boolean>`coalesce(detail->>'holdout', '') = 'true'`.as('holdout'),
    ])
    .where(
      'run_id',
      'in',
      due.map((r) => r.id),
    )
    .where('node_type', '=', 'split')
    .where('status', '=', 'ok')
    .where('output', 'is not', null)
    .orderBy('seq')
    .execute();
  const values = [];
  for (const run of due) {
    const goal = run.plan.journey.goal!;
    const attribution = goal.attributionMs ?? DEFAULT_ATTRIBUTION_MS;
    const mine = splits.filter((s) => s.run_id === run.id);
    const heldOut = mine.some((s) => s.holdout);
    const end = heldOut ? run.started_at.getTime() + run.planned : run.ended_at?.getTime();
    if (end !== undefined && (heldOut || run.ended_at) && at > end + attribution) {
      outcome.outside.push({ runId: run.id, reason: 'after_attribution' });
      continue;
    }
    const value = goal.value ? parseGoalValue(readProperty(event.properties ?? {}, goal.value)) : null;
    values.push({
      run_id: run.id,
      workspace_id: run.workspace_id,
      journey_id: run.journey_id,
      version: run.version,
      member_id: run.member_id,
      variants: JSON.stringify(Object.fromEntries(mine.map((s) => [s.node_id, s.output!]))),
      held_out: heldOut,
      entered_at: run.started_at,
      day: sql<string>`(${run.started_at}::timestamptz at time zone coalesce((select timezone from workspaces where id = ${run.workspace_id}), 'Asia/Shanghai'))::date`,
      converted_at: event.occurred_at,
      // an overflow was refused at ingest; one stored before the goal named this property counts as no value
      value_fen: value?.kind === 'value' ? value.fen.toString() : '0',
      has_value: value?.kind === 'value',
      event_id: event.id,
    });
  }
  if (values.length) {
    const inserted = await db
      .insertInto('conversions')
      .values(values as never)
      .onConflict((oc) => oc.column('run_id').doNothing())
      .returning('run_id')
      .execute();
    outcome.recorded = inserted.length;
  }
  return outcome;
}
