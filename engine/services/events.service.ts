import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { EventRow } from '../../db/tables/event.table.js';
import { matchesFilters } from '../../workflows/core/conditions.js';
import { isEventEntry } from '../../workflows/plan.js';
import { eventsIngested, eventsProcessed, failureReason } from '../infra/metrics.js'; // yutang:infra
import { versionPlan } from '../repositories/journey.repository.js';
import { ensureMember } from '../repositories/member.repository.js';
import { recordEventStats } from '../segments/event-stats.js';
import { evaluateMemberSegments } from '../segments/segments.service.js';
import { signalMemberRuns, startRun, type TemporalDeps } from './runs.service.js';

export interface IncomingEvent {
  memberId: string;
  name: string;
  properties?: Record<string, unknown>;
  occurredAt?: Date;
  id?: string;
}

export interface IngestResult {
  eventId: string;
  duplicate: boolean;
  runsStarted: number;
  runsSignalled: number;
}

/**
 * Store an event and act on it: start runs of active journeys whose trigger matches, and signal the
 * member's waiting runs. Storing comes first and processing is idempotent, so a failure part-way leaves
 * an unprocessed event that a redelivery or the sweeper finishes — nothing is lost, nothing is doubled.
 */
export async function ingestEvent(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  input: IncomingEvent,
): Promise<IngestResult> {
  const memberId = await ensureMember(db, workspaceId, input.memberId);
  const values = {
    workspace_id: workspaceId,
    member_id: memberId,
    client_id: input.id ?? null,
    name: input.name,
    properties: JSON.stringify(input.properties ?? {}),
    occurred_at: input.occurredAt ?? new Date(),
  };
  // The event and the member's aggregates (count, first and last time per name) are stored together.
  const inserted = await db.transaction().execute(async (trx) => {
    const row = input.id
      ? await trx
          .insertInto('events')
          .values(values)
          .onConflict((oc) => oc.columns(['workspace_id', 'client_id']).doNothing())
          .returningAll()
          .executeTakeFirst()
      : await trx.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
    if (row) await recordEventStats(trx, [row]);
    return row;
  });
  const event =
    inserted ??
    (await db
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('client_id', '=', input.id!)
      .executeTakeFirstOrThrow());
  const duplicate = !inserted;
  eventsIngested.inc({ result: duplicate ? 'duplicate' : 'accepted' }); // yutang:infra
  if (duplicate && event.processed_at)
    return { eventId: event.id, duplicate, runsStarted: 0, runsSignalled: 0 };
  const { runsStarted, runsSignalled } = await processEvent(db, temporal, event);
  return { eventId: event.id, duplicate, runsStarted, runsSignalled };
}

export async function processEvent(db: Kysely<Database>, temporal: TemporalDeps, event: EventRow) {
  try {
    const journeys = await db
      .selectFrom('journeys as j')
      .innerJoin('journey_versions as v', (join) =>
        join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
      )
      .select(['j.id', 'v.version', 'v.plan'])
      .where('j.workspace_id', '=', event.workspace_id)
      .where('j.status', '=', 'active')
      .where('v.trigger_event', '=', event.name)
      .execute();
    const started: string[] = [];
    let runsStarted = 0;
    for (const j of journeys) {
      const plan = versionPlan(j.plan);
      const entry = plan.trigger.entry;
      if (!isEventEntry(entry) || !matchesFilters(event.properties ?? {}, entry.match.where)) continue;
      const r = await startRun(db, temporal, {
        workspaceId: event.workspace_id,
        journeyId: j.id,
        version: j.version,
        plan,
        memberId: event.member_id,
        triggerEventId: event.id,
      });
      if (r.runId) started.push(r.runId);
      if (r.started) runsStarted++;
    }
    const runsSignalled = await signalMemberRuns(
      db,
      temporal,
      event.member_id,
      {
        id: event.id,
        name: event.name,
        properties: event.properties ?? {},
        occurredAt: event.occurred_at.toISOString(),
      },
      started,
    );
    // Audiences that count this event are re-evaluated for this member now (the real-time path): a member
    // who qualifies through it enters segment-triggered journeys within the same request.
    await evaluateMemberSegments(db, temporal, event.workspace_id, event.member_id, { events: [event.name] });
    await db
      .updateTable('events')
      .set({ processed_at: sql`now()`, process_error: null })
      .where('id', '=', event.id)
      .execute();
    eventsProcessed.inc({ outcome: 'processed', reason: '' }); // yutang:infra
    return { runsStarted, runsSignalled };
  } catch (err) {
    eventsProcessed.inc({ outcome: 'failed', reason: failureReason(err) }); // yutang:infra
    await db
      .updateTable('events')
      .set({ process_error: String((err as Error).message ?? err).slice(0, 1000) })
      .where('id', '=', event.id)
      .execute()
      .catch(() => {});
    throw err;
  }
}

/**
 * Finish events whose processing failed (Temporal was down, the process died): every `intervalMs`, pick up
 * unprocessed events older than `graceMs`. No locks needed: processing is idempotent end to end (run rows,
 * workflow ids, event ids in the workflow), so two API processes sweeping the same event do no harm.
 */
export function startEventSweeper(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  opts: { intervalMs?: number; graceMs?: number; log?: (m: string) => void } = {},
) {
  const { intervalMs = 10_000, graceMs = 15_000, log = console.warn } = opts;
  let running = false;
  const tick = async () => {
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('processed_at', 'is', null)
      .where('received_at', '<', new Date(Date.now() - graceMs))
      .orderBy('received_at')
      .limit(100)
      .execute();
    for (const event of events) {
      await processEvent(db, temporal, event).catch((err) =>
        log(`event ${event.id} still failing: ${err.message}`),
      );
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch((err) => log(`event sweeper: ${err.message}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
