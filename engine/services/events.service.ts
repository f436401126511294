import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { EventRow } from '../../db/tables/event.table.js';
import { matchesFilters } from '../../workflows/core/conditions.js';
import { isEventEntry } from '../../workflows/plan.js';
import { logger } from '../infra/logger.js';
import { eventsIngested, eventsProcessed, failureReason } from '../infra/metrics.js'; // yutang:infra
import { publishedJourneys, versionPlan } from '../repositories/journey.repository.js';
import { ensureMembers } from '../repositories/member.repository.js';
import { recordConversions } from '../results/conversions.js';
import { checkGoalValues } from '../results/goal-value-check.js';
import { recordEventStats } from '../segments/event-stats.js';
import { evaluateMemberSegments } from '../segments/segments.service.js';
import { type ErrorKind, errorKind, errorMessage } from './error-kind.js';
import { signalMemberRuns, startRun, type TemporalDeps } from './runs.service.js';

export interface IncomingEvent {
  memberId: string;
  name: string;
  properties?: Record<string, unknown>;
  occurredAt?: Date;
  id?: string;
}

/**
 * What happened to one event:
 * - `processed`: its runs were started and the member's waiting runs signalled;
 * - `kept`: stored, but processing failed for a reason that passes (a server away); the sweeper retries it;
 * - `dead`: stored, but processing failed for good (or ran out of attempts); ops see it and can replay it.
 */
export interface EventOutcome {
  eventId: string;
  /** the sender's id, when it gave one */
  id: string | null;
  /** the sender had sent this id before: nothing new was stored */
  duplicate: boolean;
  status: 'processed' | 'kept' | 'dead';
  runsStarted: number;
  runsSignalled: number;
  error?: { kind: ErrorKind; message: string; retryAt?: string };
}

/** Attempts, back-off and dead-lettering of event processing; from the environment unless given. */
export interface RetryPolicy {
  /** attempts before an event that keeps failing is dead-lettered */
  maxAttempts: number;
  /** the first retry waits this long; each next one twice as long */
  baseMs: number;
  maxMs: number;
  /** how long a freshly stored event is left to the request that stored it before the sweeper may take it */
  graceMs: number;
}

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const env = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    maxAttempts: Math.max(1, env('YUTANG_EVENT_MAX_ATTEMPTS', 12)),
    baseMs: env('YUTANG_EVENT_RETRY_BASE_MS', 5_000),
    maxMs: env('YUTANG_EVENT_RETRY_MAX_MS', 3_600_000),
    graceMs: 15_000,
    ...overrides,
  };
}

/** The wait before attempt `attempts + 1`: base · 2^(attempts-1), capped, with ±10 % jitter so a herd spreads. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.round(raw * (0.9 + Math.random() * 0.2));
}

export interface StoredEvent {
  row: EventRow;
  duplicate: boolean;
}

/**
 * Store events — all of them, in one transaction — before acting on any. Members are created on first sight.
 * A client id seen before (or twice in the same batch) stores nothing and answers with the first event.
 */
export async function storeEvents(
  db: Kysely<Database>,
  workspaceId: string,
  inputs: IncomingEvent[],
  policy = retryPolicy(),
): Promise<StoredEvent[]> {
  // A goal's value past what a bigint of 分 holds is refused before anything is stored (issue 16).
  await checkGoalValues(db, workspaceId, inputs);
  return db.transaction().execute((trx) => storeEventsIn(trx, workspaceId, inputs, policy));
}

/**
 * `storeEvents` inside the caller's transaction: an event that must be stored with another write or not at all
 * (a counted click and its `link_clicked`, engine/links/link-click.service.ts). Process it after the commit.
 */
export async function storeEventsIn(
  trx: Kysely<Database>,
  workspaceId: string,
  inputs: IncomingEvent[],
  policy = retryPolicy(),
): Promise<StoredEvent[]> {
  const members = await ensureMembers(
    trx,
    workspaceId,
    inputs.map((e) => e.memberId),
  );
  const dueAt = new Date(Date.now() + policy.graceMs);
  const values = inputs.map((e) => ({
    id: randomUUID(),
    workspace_id: workspaceId,
    member_id: members.get(e.memberId)!,
    client_id: e.id ?? null,
    name: e.name,
    properties: JSON.stringify(e.properties ?? {}),
    occurred_at: e.occurredAt ?? new Date(),
    next_attempt_at: dueAt,
  }));
  const inserted = new Map<string, EventRow>();
  // 7 parameters a row: chunks stay far below Postgres' 65535 parameters per statement
  for (let i = 0; i < values.length; i += 1000) {
    const rows = await trx
      .insertInto('events')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['workspace_id', 'client_id']).doNothing())
      .returningAll()
      .execute();
    for (const r of rows) inserted.set(r.id, r);
    // the member's aggregates (count, first and last time per name) are stored with the events
    await recordEventStats(trx, rows);
  }
  const missing = values.filter((v) => !inserted.has(v.id)).map((v) => v.client_id!);
  const earlier = new Map<string, EventRow>();
  if (missing.length) {
    const rows = await trx
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('client_id', 'in', [...new Set(missing)])
      .execute();
    for (const r of rows) earlier.set(r.client_id!, r);
  }
  return values.map((v) => {
    const row = inserted.get(v.id);
    eventsIngested.inc({ result: row ? 'accepted' : 'duplicate' }); // yutang:infra
    return row ? { row, duplicate: false } : { row: earlier.get(v.client_id!)!, duplicate: true };
  });
}

/**
 * Store one event and act on it: start runs of active journeys whose trigger matches, and signal the member's
 * waiting runs. Storing comes first and processing is idempotent, so a failure part-way leaves a pending event
 * that a redelivery or the sweeper finishes — nothing is lost, nothing is doubled.
 */
export async function ingestEvent(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  input: IncomingEvent,
): Promise<EventOutcome> {
  const [stored] = await storeEvents(db, workspaceId, [input]);
  return attemptStored(db, temporal, stored);
}

/**
 * A batch: stored whole first (one transaction), then processed in order, so a member's events reach their
 * runs in the order sent. A failure does not stop the rest; when a server is away, the remaining events are
 * left to the sweeper rather than each waiting for the same timeout.
 */
export async function ingestBatch(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  inputs: IncomingEvent[],
): Promise<EventOutcome[]> {
  const stored = await storeEvents(db, workspaceId, inputs);
  const outcomes: EventOutcome[] = [];
  const done = new Map<string, EventOutcome>();
  let away: EventOutcome['error'] | undefined;
  for (const s of stored) {
    const seen = done.get(s.row.id);
    if (seen) {
      outcomes.push({ ...seen, duplicate: true, runsStarted: 0, runsSignalled: 0 });
      continue;
    }
    const outcome = away ? keptOutcome(s, away) : await attemptStored(db, temporal, s);
    if (outcome.status === 'kept' && outcome.error?.kind === 'unavailable') away = outcome.error;
    done.set(s.row.id, outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

function keptOutcome(s: StoredEvent, error: NonNullable<EventOutcome['error']>): EventOutcome {
  return {
    eventId: s.row.id,
    id: s.row.client_id,
    duplicate: s.duplicate,
    status: 'kept',
    runsStarted: 0,
    runsSignalled: 0,
    error,
  };
}

async function attemptStored(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  { row, duplicate }: StoredEvent,
): Promise<EventOutcome> {
  const base = { eventId: row.id, id: row.client_id, duplicate, runsStarted: 0, runsSignalled: 0 };
  // A resent event that was finished or given up is reported as it stands; a pending one is tried again now.
  if (row.status === 'processed') return { ...base, status: 'processed' };
  if (row.status === 'dead')
    return {
      ...base,
      status: 'dead',
      error: { kind: 'permanent', message: row.process_error ?? 'dead-lettered' },
    };
  return { ...base, ...(await attemptEvent(db, temporal, row)) };
}

/**
 * One processing attempt with its bookkeeping: processed; or, on failure, another attempt later (back-off) or
 * the dead letter (permanent failure, or out of attempts). Never throws for a processing failure.
 */
export async function attemptEvent(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  event: EventRow,
  policy = retryPolicy(),
): Promise<Pick<EventOutcome, 'status' | 'runsStarted' | 'runsSignalled' | 'error'>> {
  try {
    const counts = await processEvent(db, temporal, event);
    eventsProcessed.inc({ outcome: 'processed', reason: '' }); // yutang:infra
    return { status: 'processed', ...counts };
  } catch (err) {
    eventsProcessed.inc({ outcome: 'failed', reason: failureReason(err) }); // yutang:infra
    const kind = errorKind(err);
    const message = errorMessage(err);
    const attempts = event.attempts + 1;
    const retry = kind !== 'permanent' && attempts < policy.maxAttempts;
    const retryAt = retry ? new Date(Date.now() + backoffMs(policy, attempts)) : null;
    await db
      .updateTable('events')
      .set({
        attempts,
        last_attempt_at: sql`now()`,
        process_error: message,
        ...(retry
          ? { next_attempt_at: retryAt }
          : { status: 'dead', dead_at: sql`now()`, next_attempt_at: null }),
      })
      .where('id', '=', event.id)
      .where('status', '=', 'pending')
      .execute()
      // the database itself may be what is away: the event stays pending and the sweeper finds it
      .catch(() => {});
    return {
      status: retry ? 'kept' : 'dead',
      runsStarted: 0,
      runsSignalled: 0,
      error: { kind, message, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) },
    };
  }
}

/** Act on a stored event and mark it processed; throws when something fails (nothing is marked then). */
export async function processEvent(db: Kysely<Database>, temporal: TemporalDeps, event: EventRow) {
  const journeys = await publishedJourneys(db)
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
    // The run this event started does not also hear it (its own trigger is not an answer to its waits); a run
    // the member was already in does.
    if (r.runId && r.ownTrigger) started.push(r.runId);
    if (r.started) runsStarted++;
  }
  // Conversions first: the run a goal ends is still live here, and one that ended keeps its window. One row
  // per run at most, so a redelivered or replayed event counts once.
  const conversions = await recordConversions(db, event);
  if (conversions.outside.length)
    logger.info(
      { eventId: event.id, outside: conversions.outside },
      'goal event outside the attribution window of some runs: not counted',
    );
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
    .set({
      status: 'processed',
      processed_at: sql`now()`,
      process_error: null,
      next_attempt_at: null,
      attempts: sql`attempts + 1`,
      last_attempt_at: sql`now()`,
    })
    .where('id', '=', event.id)
    .execute();
  return { runsStarted, runsSignalled };
}

/**
 * Ops' replay of dead (or pending) events: attempts reset to zero, then one attempt now, its outcome answered.
 * A processed event is left alone (`processed`); ids of other workspaces are not found.
 */
export async function replayEvents(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  ids: string[],
): Promise<{ outcomes: EventOutcome[]; notFound: string[] }> {
  const rows = await db
    .updateTable('events')
    .set({ attempts: 0, status: 'pending', dead_at: null, next_attempt_at: sql`now() + interval '1 minute'` })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .where('status', '!=', 'processed')
    .returningAll()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const processed =
    rows.length < ids.length
      ? await db
          .selectFrom('events')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', ids)
          .where('status', '=', 'processed')
          .execute()
      : [];
  for (const r of processed) byId.set(r.id, r);
  const outcomes: EventOutcome[] = [];
  const notFound: string[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) notFound.push(id);
    else outcomes.push(await attemptStored(db, temporal, { row, duplicate: false }));
  }
  return { outcomes, notFound };
}

/**
 * Finish events whose processing failed (a server was away, the process died): every `intervalMs`, claim the
 * pending events that are due, oldest due first — a failure moves its event back by its back-off, so events
 * that keep failing cannot starve newer ones. A claim is a lease (the due time moves `leaseMs` ahead in the
 * same statement), so several API processes share the work, and an event whose process died is taken again.
 * Processing is idempotent end to end (run rows, workflow ids, event ids in the workflow), so a lease that
 * expires mid-attempt does no harm.
 */
export function startEventSweeper(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  opts: {
    intervalMs?: number;
    batchSize?: number;
    leaseMs?: number;
    policy?: Partial<RetryPolicy>;
    log?: (m: string) => void;
  } = {},
) {
  const { intervalMs = 10_000, batchSize = 100, leaseMs = 300_000, log = console.warn } = opts;
  const policy = retryPolicy(opts.policy);
  let running = false;
  const claim = () =>
    db
      .updateTable('events')
      .set({ next_attempt_at: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(
        'id',
        'in',
        db
          .selectFrom('events')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .orderBy('next_attempt_at')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  const tick = async () => {
    // Batch after batch while there is a backlog; stop at the first sign that a server is away.
    for (;;) {
      // in arrival order, so a member's events reach its runs in the order they were sent
      const events = (await claim()).sort((a, b) => a.seq - b.seq);
      for (const [i, event] of events.entries()) {
        const r = await attemptEvent(db, temporal, event, policy);
        if (r.status === 'dead') log(`event ${event.id} dead-lettered: ${r.error?.message}`);
        if (r.error?.kind === 'unavailable') {
          log(`event sweeper: ${r.error.message}; trying again later`);
          const rest = events.slice(i + 1).map((e) => e.id);
          if (rest.length)
            await db
              .updateTable('events')
              .set({ next_attempt_at: new Date(Date.now() + backoffMs(policy, 1)) })
              .where('id', 'in', rest)
              .execute();
          return;
        }
      }
      if (events.length < batchSize) return;
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
