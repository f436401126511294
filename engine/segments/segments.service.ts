import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { memberFacts } from '../../workflows/activities.js';
import { LIVE_STATUSES } from '../../workflows/core/interpreter.js';
import { publishedJourneys, versionPlan } from '../repositories/journey.repository.js';
import { signalMemberChanged, startRun, type TemporalDeps } from '../services/runs.service.js';
import { evaluateRule } from './evaluate.js';
import { loadSegmentFacts } from './facts.js';
import type { SegmentRule } from './rules.js';
import { ruleSql } from './sql.js';

/** What an audience needs for evaluation (a row of `segments`). */
export interface SegmentDef {
  id: string;
  workspace_id: string;
  rule: SegmentRule;
  time_based: boolean;
  event_names: string[];
  member_fields: boolean;
  depends_on: string[];
}

export interface MembershipChange {
  segmentId: string;
  memberId: string;
  change: 'entered' | 'left';
  /** the membership row: a segment trigger's entry key */
  entryId: string;
}

/** Audiences in an order where every one comes after those it refers to. */
export function dependencyOrder<T extends { id: string; depends_on: string[] }>(segments: T[]): T[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: T) => {
    if (state.get(s.id) === 'done' || state.get(s.id) === 'visiting') return; // cycles are refused when saved
    state.set(s.id, 'visiting');
    for (const d of s.depends_on) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
    state.set(s.id, 'done');
    out.push(s);
  };
  for (const s of segments) visit(s);
  return out;
}

export async function workspaceSegments(db: Kysely<Database>, workspaceId: string): Promise<SegmentDef[]> {
  const rows = await db
    .selectFrom('segments')
    .select(['id', 'workspace_id', 'rule', 'time_based', 'event_names', 'member_fields', 'depends_on'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((r) => ({ ...r, rule: r.rule as unknown as SegmentRule }));
}

/**
 * Record entries and leavings decided by an evaluation at `at`; returns what actually changed. Another
 * evaluation may have got there first, or later: a change made after `at` (the real-time path entering a
 * member while a scheduled pass that looked earlier is still applying its page) is never undone by this one.
 */
async function applyChanges(
  db: Kysely<Database>,
  segment: { id: string; workspace_id: string },
  enterAll: string[],
  leave: string[],
  at: Date,
): Promise<MembershipChange[]> {
  const changes: MembershipChange[] = [];
  const leftSince = enterAll.length
    ? await db
        .selectFrom('segment_members')
        .select('member_id')
        .where('segment_id', '=', segment.id)
        .where('member_id', 'in', enterAll)
        .where('left_at', '>', at)
        .execute()
    : [];
  const skip = new Set(leftSince.map((r) => r.member_id));
  const enter = enterAll.filter((id) => !skip.has(id));
  if (enter.length) {
    const rows = await db
      .insertInto('segment_members')
      .values(
        enter.map((memberId) => ({
          segment_id: segment.id,
          member_id: memberId,
          workspace_id: segment.workspace_id,
          entered_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['segment_id', 'member_id']).where(sql.ref('left_at'), 'is', null).doNothing(),
      )
      .returning(['id', 'member_id'])
      .execute();
    for (const r of rows)
      changes.push({ segmentId: segment.id, memberId: r.member_id, change: 'entered', entryId: r.id });
  }
  if (leave.length) {
    const rows = await db
      .updateTable('segment_members')
      .set({ left_at: at })
      .where('segment_id', '=', segment.id)
      .where('member_id', 'in', leave)
      .where('left_at', 'is', null)
      .where('entered_at', '<=', at)
      .returning(['id', 'member_id'])
      .execute();
    for (const r of rows)
      changes.push({ segmentId: segment.id, memberId: r.member_id, change: 'left', entryId: r.id });
  }
  return changes;
}

/**
 * The journeys a membership entry starts: active journeys whose trigger watches the audience. The entry's
 * row id is the run's trigger key, so a repeated attempt starts nothing twice; the row is marked once all
 * are entered, and the schedule retries entries left unmarked (Temporal away, a crash in between).
 */
export async function enterSegmentJourneys(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  entries: { entryId: string; segmentId: string; memberId: string; workspaceId: string }[],
): Promise<number> {
  if (!entries.length) return 0;
  const segmentIds = [...new Set(entries.map((e) => e.segmentId))];
  const journeys = await publishedJourneys(db)
    .select(['j.id', 'v.version', 'v.plan', 'v.trigger_segment_id'])
    .where('j.status', '=', 'active')
    .where('v.trigger_segment_id', 'in', segmentIds)
    .execute();
  let started = 0;
  for (const e of entries) {
    for (const j of journeys.filter((x) => x.trigger_segment_id === e.segmentId)) {
      const r = await startRun(db, temporal, {
        workspaceId: e.workspaceId,
        journeyId: j.id,
        version: j.version,
        plan: versionPlan(j.plan),
        memberId: e.memberId,
        triggerEventId: e.entryId,
      });
      if (r.started) started++;
    }
    await db
      .updateTable('segment_members')
      .set({ journeys_entered_at: sql`now()` })
      .where('id', '=', e.entryId)
      .execute();
  }
  return started;
}

/** After changes: segment-triggered journeys for entries, and the members' live runs hear about leavings. */
async function afterChanges(
  db: Kysely<Database>,
  temporal: TemporalDeps | null,
  changes: MembershipChange[],
  workspaceId: string,
) {
  if (!temporal || !changes.length) return;
  await enterSegmentJourneys(
    db,
    temporal,
    changes.filter((c) => c.change === 'entered').map((c) => ({ ...c, workspaceId })),
  );
  // Runs with an exit on leaving an audience (or a branch on it) see the new membership: only members with
  // live runs are told (one query for the whole page, not one per member).
  const changed = [...new Set(changes.map((c) => c.memberId))];
  const live = await db
    .selectFrom('runs')
    .select('member_id')
    .distinct()
    .where('member_id', 'in', changed)
    .where('status', 'in', [...LIVE_STATUSES])
    .execute();
  for (const { member_id } of live)
    await signalMemberChanged(db, temporal, member_id, await memberFacts(db, member_id));
}

/**
 * The real-time path: the audiences that can change for one member after an event (its name) or a profile
 * change are re-evaluated for that member alone, in memory over the facts they need, in dependency order.
 */
export async function evaluateMemberSegments(
  db: Kysely<Database>,
  temporal: TemporalDeps | null,
  workspaceId: string,
  memberId: string,
  cause: { events?: string[]; memberChanged?: boolean },
  now = Date.now(),
): Promise<MembershipChange[]> {
  const all = await workspaceSegments(db, workspaceId);
  if (!all.length) return [];
  const affected = new Set(
    all
      .filter(
        (s) =>
          (cause.memberChanged && s.member_fields) ||
          (cause.events ?? []).some((e) => s.event_names.includes(e)),
      )
      .map((s) => s.id),
  );
  // and everything that refers to an affected audience, transitively
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all)
      if (!affected.has(s.id) && s.depends_on.some((d) => affected.has(d))) {
        affected.add(s.id);
        grew = true;
      }
  }
  if (!affected.size) return [];
  const ordered = dependencyOrder(all).filter((s) => affected.has(s.id));
  const facts = await loadSegmentFacts(
    db,
    memberId,
    [...ordered.map((s) => s.rule), { kind: 'segment', op: 'in', segmentId: ordered[0].id }],
    now,
  );
  if (!facts) return [];
  const changes: MembershipChange[] = [];
  const at = new Date(now);
  for (const s of ordered) {
    const inNow = evaluateRule(s.rule, facts);
    const wasIn = facts.segments.includes(s.id);
    if (inNow === wasIn) continue;
    const c = await applyChanges(db, s, inNow ? [memberId] : [], inNow ? [] : [memberId], at);
    changes.push(...c);
    // audiences later in the order see this one's new membership
    facts.segments = inNow ? [...facts.segments, s.id] : facts.segments.filter((x) => x !== s.id);
  }
  await afterChanges(db, temporal, changes, workspaceId);
  return changes;
}

/**
 * One page of a set-based pass: the next `pageSize` members of the workspace by id after `after`, evaluated
 * in SQL, compared with the stored membership and brought in line (its own short transaction — a million
 * members are many small pages, never one long one).
 */
export async function sweepSegmentPage(
  db: Kysely<Database>,
  temporal: TemporalDeps | null,
  segment: SegmentDef,
  opts: { after: string | null; pageSize: number; now: number; timezone: string },
): Promise<{ next: string | null; entered: number; left: number; members: number }> {
  let range = db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', segment.workspace_id)
    .orderBy('id')
    .limit(opts.pageSize);
  if (opts.after) range = range.where('id', '>', opts.after);
  const ids = await range.execute();
  if (!ids.length) return { next: null, entered: 0, left: 0, members: 0 };
  const lo = opts.after;
  const hi = ids[ids.length - 1].id;
  const inRange = <T extends { where: (...a: any[]) => T }>(q: T, col: string) =>
    (lo ? q.where(col, '>', lo) : q).where(col, '<=', hi);
  const qualifying = await inRange(
    db
      .selectFrom('members as m')
      .select('m.id')
      .where('m.workspace_id', '=', segment.workspace_id)
      .where(ruleSql(segment.rule, { now: new Date(opts.now), timezone: opts.timezone })),
    'm.id',
  ).execute();
  const current = await inRange(
    db
      .selectFrom('segment_members')
      .select('member_id')
      .where('segment_id', '=', segment.id)
      .where('left_at', 'is', null),
    'member_id',
  ).execute();
  const want = new Set(qualifying.map((r) => r.id));
  const have = new Set(current.map((r) => r.member_id));
  const enter = [...want].filter((id) => !have.has(id));
  const leave = [...have].filter((id) => !want.has(id));
  const changes = await applyChanges(db, segment, enter, leave, new Date(opts.now));
  await afterChanges(db, temporal, changes, segment.workspace_id);
  return {
    next: ids.length < opts.pageSize ? null : hi,
    entered: changes.filter((c) => c.change === 'entered').length,
    left: changes.filter((c) => c.change === 'left').length,
    members: ids.length,
  };
}

/** A whole pass over one audience, page after page (tests, previews; the schedule runs pages as activities). */
export async function sweepSegment(
  db: Kysely<Database>,
  temporal: TemporalDeps | null,
  segment: SegmentDef,
  opts: { pageSize?: number; now?: number; timezone: string },
) {
  const total = { entered: 0, left: 0, members: 0 };
  let after: string | null = null;
  do {
    const page = await sweepSegmentPage(db, temporal, segment, {
      after,
      pageSize: opts.pageSize ?? 5000,
      now: opts.now ?? Date.now(),
      timezone: opts.timezone,
    });
    total.entered += page.entered;
    total.left += page.left;
    total.members += page.members;
    after = page.next;
  } while (after);
  await db
    .updateTable('segments')
    .set({ evaluated_at: new Date(opts.now ?? Date.now()) })
    .where('id', '=', segment.id)
    .execute();
  return total;
}

/**
 * Many members changed at once (an import): every audience of the workspace, in dependency order, is
 * evaluated in SQL for just those members — two queries per audience, not a round of queries per member.
 */
export async function evaluateMembersInSet(
  db: Kysely<Database>,
  temporal: TemporalDeps | null,
  workspaceId: string,
  memberIds: string[],
  now = Date.now(),
): Promise<MembershipChange[]> {
  if (!memberIds.length) return [];
  const [segments, ws] = await Promise.all([
    workspaceSegments(db, workspaceId),
    db.selectFrom('workspaces').select('timezone').where('id', '=', workspaceId).executeTakeFirstOrThrow(),
  ]);
  const changes: MembershipChange[] = [];
  for (const s of dependencyOrder(segments)) {
    const [qualifying, current] = await Promise.all([
      db
        .selectFrom('members as m')
        .select('m.id')
        .where('m.workspace_id', '=', workspaceId)
        .where('m.id', 'in', memberIds)
        .where(ruleSql(s.rule, { now: new Date(now), timezone: ws.timezone }))
        .execute(),
      db
        .selectFrom('segment_members')
        .select('member_id')
        .where('segment_id', '=', s.id)
        .where('member_id', 'in', memberIds)
        .where('left_at', 'is', null)
        .execute(),
    ]);
    const want = new Set(qualifying.map((r) => r.id));
    const have = new Set(current.map((r) => r.member_id));
    changes.push(
      ...(await applyChanges(
        db,
        s,
        [...want].filter((id) => !have.has(id)),
        [...have].filter((id) => !want.has(id)),
        new Date(now),
      )),
    );
  }
  await afterChanges(db, temporal, changes, workspaceId);
  return changes;
}

/** Entries whose journeys were not entered yet (an outage, a crash in between): tried again. */
export async function retryPendingEntries(db: Kysely<Database>, temporal: TemporalDeps, limit = 500) {
  const pending = await db
    .selectFrom('segment_members')
    .select([
      'id as entryId',
      'segment_id as segmentId',
      'member_id as memberId',
      'workspace_id as workspaceId',
    ])
    .where('journeys_entered_at', 'is', null)
    .where('left_at', 'is', null)
    .where('entered_at', '<', new Date(Date.now() - 5_000))
    .limit(limit)
    .execute();
  return enterSegmentJourneys(db, temporal, pending);
}
