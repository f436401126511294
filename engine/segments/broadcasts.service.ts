import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { audiencePass, broadcastRun } from '../../workflows/audience.workflow.js';
import { AppError, notFound } from '../api/app-error.js';
import { ensureSweepSchedule } from '../infra/sweep-schedule.js';
import { journeysWithVersion, versionPlan } from '../repositories/journey.repository.js';
import type { TemporalDeps } from '../services/runs.service.js';

/** The default pace of a broadcast when the journey sets no hourly limit. */
export const DEFAULT_PER_MINUTE = 2000;

export function broadcastMinuteMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.YUTANG_BROADCAST_MINUTE_MS);
  return Number.isFinite(v) && v >= 100 ? v : 60_000;
}

export function broadcastView(b: {
  id: string;
  journey_id: string;
  source: unknown;
  per_minute: number;
  total: number;
  entered: number;
  skipped: number;
  status: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}) {
  return {
    id: b.id,
    journeyId: b.journey_id,
    source: b.source as { kind: 'list'; count: number } | { kind: 'segment'; segmentId: string },
    perMinute: b.per_minute,
    total: b.total,
    entered: b.entered,
    skipped: b.skipped,
    /** not yet reached by the pace */
    pending: Math.max(0, b.total - b.entered - b.skipped),
    status: b.status as 'running' | 'done' | 'failed' | 'cancelled',
    error: b.error,
    createdAt: b.created_at,
    finishedAt: b.finished_at,
  };
}

/**
 * Enter a list of members or everyone in an audience into a journey, once, paced by a workflow at the
 * journey's entry limit. The members are fixed when it starts (a snapshot), so the progress has a total.
 */
export async function createBroadcast(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  journeyId: string,
  input: { memberIds?: string[]; segmentId?: string; perMinute?: number; requireManual?: boolean },
) {
  const j = await journeysWithVersion(db)
    .select(['j.id', 'j.status', 'v.plan', 'v.trigger_kind'])
    .where('j.workspace_id', '=', workspaceId)
    .where('j.id', '=', journeyId)
    .executeTakeFirst();
  if (!j) throw notFound('journey');
  if (j.status !== 'active' || !j.plan)
    throw new AppError('conflict', 'only a published, active journey can take members in');
  if (input.requireManual !== false && j.trigger_kind !== 'manual')
    throw new AppError(
      'conflict',
      'members enter this journey by its trigger; give it a manual (list) trigger',
    );
  if (!input.memberIds === !input.segmentId)
    throw new AppError('invalid_input', 'give either memberIds or segmentId', { field: 'memberIds' });
  const limit = versionPlan(j.plan).journey.entry?.maxPerHour ?? null;
  const paceLimit = limit === null ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(limit / 60));
  const perMinute = Math.min(input.perMinute ?? DEFAULT_PER_MINUTE, paceLimit);

  let unknown: string[] = [];
  const b = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('broadcasts')
      .values({
        workspace_id: workspaceId,
        journey_id: journeyId,
        source: JSON.stringify(
          input.segmentId
            ? { kind: 'segment', segmentId: input.segmentId }
            : { kind: 'list', count: input.memberIds!.length },
        ),
        per_minute: perMinute,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.segmentId) {
      const seg = await trx
        .selectFrom('segments')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.segmentId)
        .executeTakeFirst();
      if (!seg) throw new AppError('invalid_input', 'no such audience', { field: 'segmentId' });
      await sql`insert into broadcast_members (broadcast_id, member_id)
        select ${row.id}, member_id from segment_members where segment_id = ${input.segmentId} and left_at is null`.execute(
        trx,
      );
    } else {
      const ids = [...new Set(input.memberIds)];
      const found = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 5000) {
        const rows = await trx
          .selectFrom('members')
          .select(['id', 'external_id'])
          .where('workspace_id', '=', workspaceId)
          .where('external_id', 'in', ids.slice(i, i + 5000))
          .execute();
        for (const r of rows) found.set(r.external_id, r.id);
      }
      unknown = ids.filter((x) => !found.has(x));
      const memberIds = [...found.values()];
      for (let i = 0; i < memberIds.length; i += 5000)
        await trx
          .insertInto('broadcast_members')
          .values(memberIds.slice(i, i + 5000).map((member_id) => ({ broadcast_id: row.id, member_id })))
          .execute();
    }
    const { n } = await trx
      .selectFrom('broadcast_members')
      .select(sql<number>`count(*)`.as('n'))
      .where('broadcast_id', '=', row.id)
      .executeTakeFirstOrThrow();
    return trx
      .updateTable('broadcasts')
      .set({ total: n })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  await temporal.client.workflow.start(broadcastRun, {
    workflowId: `broadcast-${b.id}`,
    taskQueue: temporal.taskQueue,
    args: [{ broadcastId: b.id, perMinute, minuteMs: broadcastMinuteMs() }],
  });
  return {
    broadcast: broadcastView(b),
    unknownMemberIds: unknown.slice(0, 100),
    unknownCount: unknown.length,
  };
}

/** An audience changed (created, edited): work out its members now rather than at the next scheduled pass. */
export async function evaluateSegmentSoon(temporal: TemporalDeps, segmentId: string, version: string) {
  await temporal.client.workflow
    .start(audiencePass, {
      workflowId: `audience-${segmentId}-${version}`,
      taskQueue: temporal.taskQueue,
      args: [{ remaining: { segments: [segmentId], dateJourneys: [], now: Date.now() } }],
    })
    .catch((err: Error) => {
      // the same version is already being evaluated
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}

/**
 * The audience schedule: a Temporal Schedule that starts an audience pass every period (default a minute),
 * skipping a start while the previous pass still runs. Created or brought up to date at start-up.
 */
export function ensureAudienceSchedule(temporal: TemporalDeps, everySeconds: number): Promise<string> {
  return ensureSweepSchedule(temporal, 'audiences', audiencePass, everySeconds);
}
