import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AudienceDeps } from '../../workflows/activities.js';
import { pollPendingDeliveries } from '../channels/deliver.js';
import { logger } from '../infra/logger.js';
import { publishedJourneys, versionPlan } from '../repositories/journey.repository.js';
import { startRun, type TemporalDeps } from '../services/runs.service.js';
import type { SegmentRule } from './rules.js';
import { dependencyOrder, retryPendingEntries, sweepSegmentPage } from './segments.service.js';

/** A deterministic uuid for an entry key (the same in SQL: `md5(text)::uuid`). */
export function entryKey(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface DateEntry {
  on: 'date';
  attribute: string;
  offsetDays: number;
  at: string;
  yearly: boolean;
}

/** The engine side of the audience schedule and broadcasts (see workflows/audience.workflow.ts). */
export function createAudienceDeps(
  db: Kysely<Database>,
  temporal: () => Promise<TemporalDeps>,
): AudienceDeps {
  const segmentWithZone = (id: string) =>
    db
      .selectFrom('segments as s')
      .innerJoin('workspaces as w', 'w.id', 's.workspace_id')
      .select([
        's.id',
        's.workspace_id',
        's.rule',
        's.time_based',
        's.event_names',
        's.member_fields',
        's.depends_on',
        'w.timezone',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();

  return {
    async passTargets() {
      const now = Date.now();
      const all = await db
        .selectFrom('segments')
        .select(['id', 'depends_on', 'time_based', 'evaluated_at', 'updated_at'])
        .execute();
      // Time-based audiences, those not evaluated since they changed, and everything that refers to them.
      const due = new Set(
        all.filter((s) => s.time_based || !s.evaluated_at || s.evaluated_at < s.updated_at).map((s) => s.id),
      );
      for (let grew = true; grew; ) {
        grew = false;
        for (const s of all)
          if (!due.has(s.id) && s.depends_on.some((d) => due.has(d))) {
            due.add(s.id);
            grew = true;
          }
      }
      const dateJourneys = await publishedJourneys(db)
        .select('j.id')
        .where('j.status', '=', 'active')
        .where('v.trigger_kind', '=', 'date')
        .execute();
      return {
        segments: dependencyOrder(all)
          .filter((s) => due.has(s.id))
          .map((s) => s.id),
        dateJourneys: dateJourneys.map((j) => j.id),
        now,
      };
    },

    async sweepPage({ segmentId, after, pageSize }) {
      // Each page is evaluated at its own instant (a long pass does not judge its last page by its first
      // page's clock); what the real-time path changes after that instant stays (see applyChanges).
      const now = Date.now();
      const s = await segmentWithZone(segmentId);
      if (!s) return { next: null, entered: 0, left: 0 }; // deleted meanwhile
      const r = await sweepSegmentPage(
        db,
        await temporal(),
        { ...s, rule: s.rule as unknown as SegmentRule },
        { after, pageSize, now, timezone: s.timezone },
      );
      return { next: r.next, entered: r.entered, left: r.left };
    },

    async finishSweep({ segmentId, now }) {
      await db
        .updateTable('segments')
        .set({ evaluated_at: new Date(now) })
        .where('id', '=', segmentId)
        .execute();
    },

    /**
     * One page of a date trigger: members whose date (plus the offset; every year when yearly) is today in
     * their own zone and whose local time has reached `at`, not entered for today yet. The entry key is
     * (journey, member, local date), so each occurrence enters once however often the pass sees it.
     */
    async datePage({ journeyId, after, now, pageSize }) {
      const j = await publishedJourneys(db)
        .innerJoin('workspaces as w', 'w.id', 'j.workspace_id')
        .select(['j.id', 'j.workspace_id', 'j.status', 'v.version', 'v.plan', 'w.timezone'])
        .where('j.id', '=', journeyId)
        .executeTakeFirst();
      if (j?.status !== 'active') return { next: null, entered: 0 };
      const plan = versionPlan(j.plan);
      const e = plan.trigger.entry as unknown as DateEntry;
      let range = db
        .selectFrom('members')
        .select('id')
        .where('workspace_id', '=', j.workspace_id)
        .orderBy('id')
        .limit(pageSize);
      if (after) range = range.where('id', '>', after);
      const ids = await range.execute();
      if (!ids.length) return { next: null, entered: 0 };
      const hi = ids[ids.length - 1].id;
      const local = sql`(${new Date(now)}::timestamptz at time zone coalesce(m.timezone, ${j.timezone}))`;
      const target = sql`(yt_date(m.attributes ->> ${e.attribute}) + ${e.offsetDays}::int)`;
      const today = sql`(${local})::date`;
      const isToday = e.yearly
        ? sql`(${target} + make_interval(years => (extract(year from ${today}) - extract(year from ${target}))::int))::date = ${today}`
        : sql`${target} = ${today}`;
      let q = db
        .selectFrom('members as m')
        .select(['m.id', sql<string>`(${today})::text`.as('day')])
        .where('m.workspace_id', '=', j.workspace_id)
        .where('m.id', '<=', hi)
        .where(sql<boolean>`jsonb_typeof(m.attributes -> ${e.attribute}) = 'string'`)
        .where(sql<boolean>`${target} is not null`)
        .where(isToday as never)
        .where(sql<boolean>`(${local})::time >= ${e.at}::time`)
        .where(
          sql<boolean>`not exists (select 1 from runs r where r.journey_id = ${j.id}
            and r.trigger_event_id = md5(${j.id} || ':' || m.id || ':' || (${today})::text)::uuid)`,
        );
      if (after) q = q.where('m.id', '>', after);
      const due = await q.execute();
      const deps = await temporal();
      let entered = 0;
      for (const m of due) {
        const r = await startRun(db, deps, {
          workspaceId: j.workspace_id,
          journeyId: j.id,
          version: j.version,
          plan,
          memberId: m.id,
          triggerEventId: entryKey(`${j.id}:${m.id}:${m.day}`),
        });
        if (r.started) entered++;
      }
      return { next: ids.length < pageSize ? null : hi, entered };
    },

    async retryPendingEntries() {
      const retried = await retryPendingEntries(db, await temporal());
      // The minute pass also asks polling providers (WeCom tasks awaiting a guide) about pending deliveries:
      // one schedule, no timer of our own. A provider that does not answer is asked again next pass.
      await pollPendingDeliveries(db).catch((err) =>
        logger.warn({ err: String(err) }, 'delivery status poll failed; trying again next pass'),
      );
      return retried;
    },

    async broadcastBatch({ broadcastId, limit }) {
      const b = await db
        .selectFrom('broadcasts as b')
        .innerJoin('journeys as j', 'j.id', 'b.journey_id')
        .leftJoin('journey_versions as v', (join) =>
          join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
        )
        .select([
          'b.id',
          'b.workspace_id',
          'b.status',
          'j.id as journeyId',
          'j.status as journeyStatus',
          'v.version',
          'v.plan',
        ])
        .where('b.id', '=', broadcastId)
        .executeTakeFirst();
      if (b?.status !== 'running') return { done: true, entered: 0, skipped: 0 };
      if (b.journeyStatus === 'archived' || !b.plan || b.version === null) {
        await finish(db, broadcastId, 'cancelled', 'the journey was archived');
        return { done: true, entered: 0, skipped: 0 };
      }
      // A paused journey admits nobody: the broadcast waits, keeping its place.
      if (b.journeyStatus !== 'active') return { done: false, entered: 0, skipped: 0 };
      const pending = await db
        .selectFrom('broadcast_members')
        .select('member_id')
        .where('broadcast_id', '=', broadcastId)
        .where('outcome', 'is', null)
        .orderBy('member_id')
        .limit(limit)
        .execute();
      if (!pending.length) {
        await finish(db, broadcastId, 'done', null);
        return { done: true, entered: 0, skipped: 0 };
      }
      const deps = await temporal();
      const plan = versionPlan(b.plan);
      const version = b.version;
      let entered = 0;
      let skipped = 0;
      const enter = async ({ member_id }: { member_id: string }) => {
        const r = await startRun(db, deps, {
          workspaceId: b.workspace_id,
          journeyId: b.journeyId,
          version,
          plan,
          memberId: member_id,
          triggerEventId: entryKey(`${broadcastId}:${member_id}`),
        });
        const outcome = r.runId
          ? r.ownTrigger
            ? 'entered'
            : 'already_in_journey'
          : (r.skipped ?? 'not_eligible');
        // Counted once: only the attempt that sets the outcome counts it.
        const set = await db
          .updateTable('broadcast_members')
          .set({ outcome })
          .where('broadcast_id', '=', broadcastId)
          .where('member_id', '=', member_id)
          .where('outcome', 'is', null)
          .returning('member_id')
          .executeTakeFirst();
        if (set) {
          if (outcome === 'entered') entered++;
          else skipped++;
        }
      };
      // A few at a time: a batch is a tick's worth of entries, and each is a few queries and one start.
      for (let i = 0; i < pending.length; i += 8) await Promise.all(pending.slice(i, i + 8).map(enter));
      await db
        .updateTable('broadcasts')
        .set({ entered: sql`entered + ${entered}`, skipped: sql`skipped + ${skipped}` })
        .where('id', '=', broadcastId)
        .execute();
      return { done: false, entered, skipped };
    },
  };
}

async function finish(db: Kysely<Database>, id: string, status: 'done' | 'cancelled', error: string | null) {
  await db
    .updateTable('broadcasts')
    .set({ status, error, finished_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}
