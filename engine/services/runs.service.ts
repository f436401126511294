import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MemberFacts } from '../../workflows/core/conditions.js';
import { LIVE_STATUSES, type MemberEvent } from '../../workflows/core/interpreter.js';
import {
  cancelSignal,
  type JourneyRunInput,
  journeyRun,
  memberChangedSignal,
  memberEventSignal,
  retrySignal,
} from '../../workflows/journey.workflow.js';
import { type Plan, planHead } from '../../workflows/plan.js';
import { runsStarted } from '../infra/metrics.js'; // yutang:infra
import { findVersionPlan } from '../repositories/journey.repository.js';

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
  namespace: string;
  /** Temporal Web UI, for deep links from a run; null when there is none */
  uiUrl: string | null;
}

/** Derived from journey, member and entry number: a duplicate trigger maps to the same workflow and starts nothing. */
export function runWorkflowId(journeyId: string, memberId: string, entryNo: number): string {
  return `journey-${journeyId}-member-${memberId}-entry-${entryNo}`;
}

export interface StartRunRequest {
  workspaceId: string;
  journeyId: string;
  version: number;
  plan: Plan;
  memberId: string;
  triggerEventId: string | null;
}

/**
 * Enter a member into a journey: a runs row, then one workflow. Both steps are idempotent, so a redelivered
 * event, a retry after a crash between them, or two racing API processes all end with one run.
 * Re-entry follows the trigger: once ever (default), again after the previous run ended, or after a cool-down.
 */
export async function startRun(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  req: StartRunRequest,
): Promise<{
  runId: string | null;
  started: boolean;
  /** the run is this trigger's (new, or started by this very event before); false: the member was inside already */
  ownTrigger?: boolean;
  skipped?: EntrySkipReason;
}> {
  const entryNo = await nextEntry(db, req);
  if (entryNo === null) return { runId: null, started: false };
  const workflowId = runWorkflowId(req.journeyId, req.memberId, entryNo);
  const entry = req.plan.journey.entry;
  const now = Date.now();
  if (
    entry &&
    ((entry.startAt !== null && now < entry.startAt) || (entry.endAt !== null && now >= entry.endAt))
  ) {
    await recordEntrySkip(db, req, 'outside_entry_window');
    return { runId: null, started: false, skipped: 'outside_entry_window' };
  }
  // Any unique conflict means the run exists: same entry (a race) or same trigger event (a redelivery).
  const insert = (trx: Kysely<Database>) =>
    trx
      .insertInto('runs')
      .values({
        workspace_id: req.workspaceId,
        journey_id: req.journeyId,
        version: req.version,
        member_id: req.memberId,
        entry_no: entryNo,
        workflow_id: workflowId,
        trigger_event_id: req.triggerEventId,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'version', 'status', 'workflow_id', 'trigger_event_id'])
      .executeTakeFirst();
  const maxPerHour = entry?.maxPerHour ?? null;
  const inserted =
    maxPerHour === null
      ? await insert(db)
      : // Counted and taken in one transaction under the journey's lock: the limit holds across API processes.
        await db.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(hashtextextended(${req.journeyId}, 9173))`.execute(trx);
          const { n } = await trx
            .selectFrom('runs')
            .select(sql<number>`count(*)`.as('n'))
            .where('journey_id', '=', req.journeyId)
            .where('started_at', '>', new Date(now - 3_600_000))
            .executeTakeFirstOrThrow();
          return n >= maxPerHour ? 'limited' : insert(trx);
        });
  if (inserted === 'limited') {
    await recordEntrySkip(db, req, 'entry_rate_limited');
    return { runId: null, started: false, skipped: 'entry_rate_limited' };
  }
  let existing = inserted;
  if (!existing && req.triggerEventId) {
    existing = await db
      .selectFrom('runs')
      .select(['id', 'version', 'status', 'workflow_id', 'trigger_event_id'])
      .where('journey_id', '=', req.journeyId)
      .where('trigger_event_id', '=', req.triggerEventId)
      .executeTakeFirst();
  }
  existing ??= await db
    .selectFrom('runs')
    .select(['id', 'version', 'status', 'workflow_id', 'trigger_event_id'])
    .where('workflow_id', '=', workflowId)
    .executeTakeFirstOrThrow();
  const run = existing;
  const ownTrigger = run.trigger_event_id === req.triggerEventId;
  // Only a row still "running" may lack its workflow (a start that failed or is in flight). A finished run
  // must not be started again: Temporal forgets workflow ids after the namespace's retention period.
  if (run.status !== 'running') return { runId: run.id, started: false, ownTrigger };
  const plan = run.version === req.version ? req.plan : await findVersionPlan(db, req.journeyId, run.version);
  if (!plan) throw new Error(`journey ${req.journeyId} has no version ${run.version}`);
  const input = await runInput(db, {
    runId: run.id,
    workspaceId: req.workspaceId,
    journeyId: req.journeyId,
    version: run.version,
    memberId: req.memberId,
    plan,
  });
  try {
    await temporal.client.workflow.start(journeyRun, startOptions(temporal, run.workflow_id, input));
    runsStarted.inc(); // yutang:infra
    return { runId: run.id, started: true, ownTrigger };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { runId: run.id, started: false, ownTrigger };
    throw err;
  }
}

export type EntrySkipReason = 'outside_entry_window' | 'entry_rate_limited';

/** A refused entry is kept with its reason, so ops can see who did not get in and why. */
async function recordEntrySkip(db: Kysely<Database>, req: StartRunRequest, reason: EntrySkipReason) {
  await db
    .insertInto('entry_skips')
    .values({ journey_id: req.journeyId, member_id: req.memberId, workspace_id: req.workspaceId, reason })
    .execute();
}

/**
 * A workflow's input: the plan's head only (the run loads the nodes it reaches), and whether the member was
 * held out of this journey before (a holdout member stays in the holdout when they come back).
 */
async function runInput(
  db: Kysely<Database>,
  run: Omit<JourneyRunInput, 'plan' | 'heldOut'> & { plan: Plan },
): Promise<JourneyRunInput> {
  const held = await db
    .selectFrom('journey_holdouts')
    .select('member_id')
    .where('journey_id', '=', run.journeyId)
    .where('member_id', '=', run.memberId)
    .executeTakeFirst();
  return { ...run, plan: planHead(run.plan), ...(held ? { heldOut: true } : {}) };
}

/** The entry number this trigger maps to, or null when the member may not enter (yet). */
async function nextEntry(db: Kysely<Database>, req: StartRunRequest): Promise<number | null> {
  const latest = await db
    .selectFrom('runs')
    .select(['entry_no', 'status', 'ended_at', 'trigger_event_id'])
    .where('journey_id', '=', req.journeyId)
    .where('member_id', '=', req.memberId)
    .orderBy('entry_no', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return 1;
  const finished = !LIVE_STATUSES.includes(latest.status);
  // Still inside, or this very event started the latest run: the same entry (nothing new starts).
  if (!finished || (req.triggerEventId && latest.trigger_event_id === req.triggerEventId))
    return latest.entry_no;
  const { mode, cooldownMs } = req.plan.trigger.reentry;
  if (mode === 'once') return null;
  if (mode === 'cooldown' && cooldownMs !== null) {
    if (Date.now() < (latest.ended_at?.getTime() ?? 0) + cooldownMs) return null;
  }
  return latest.entry_no + 1;
}

function startOptions(temporal: TemporalDeps, workflowId: string, input: JourneyRunInput) {
  return {
    workflowId,
    taskQueue: temporal.taskQueue,
    args: [input] as [JourneyRunInput],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    memo: { journeyId: input.journeyId, version: input.version },
  };
}

/** Deliver a member event to the member's live runs; finished workflows are skipped quietly. */
export async function signalMemberRuns(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  memberId: string,
  event: MemberEvent,
  exceptRunIds: string[] = [],
): Promise<number> {
  let q = db
    .selectFrom('runs')
    .select(['id', 'workflow_id', 'workspace_id', 'journey_id', 'version', 'member_id'])
    .where('member_id', '=', memberId)
    .where('status', 'in', [...LIVE_STATUSES]);
  if (exceptRunIds.length) q = q.where('id', 'not in', exceptRunIds);
  const runs = await q.execute();
  const results = await Promise.all(
    runs.map(async (run) => {
      try {
        await temporal.client.workflow.getHandle(run.workflow_id).signal(memberEventSignal, event);
        return 1;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      // The row exists but its workflow does not (yet): another request is about to start it, or its start
      // failed and awaits the sweeper. Start it with the event, so the event is not dropped; if the
      // workflow already ran to its end, the start is refused and the event is moot.
      const plan = await findVersionPlan(db, run.journey_id, run.version);
      if (!plan) return 0;
      const input = await runInput(db, {
        runId: run.id,
        workspaceId: run.workspace_id,
        journeyId: run.journey_id,
        version: run.version,
        memberId: run.member_id,
        plan,
      });
      try {
        // signal-with-start signals a workflow that is running by then (its conflict policy is USE_EXISTING)
        const { workflowIdConflictPolicy: _fail, ...options } = startOptions(
          temporal,
          run.workflow_id,
          input,
        );
        await temporal.client.workflow.signalWithStart(journeyRun, {
          ...options,
          signal: memberEventSignal,
          signalArgs: [event],
        });
        return 1;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 0;
        throw err;
      }
    }),
  );
  return results.reduce<number>((a, b) => a + b, 0);
}

/**
 * The member's tags or attributes changed: their live runs check their exit criteria against the new facts.
 * Runs whose workflow is gone or not started yet are skipped (they read facts when they need them).
 */
export async function signalMemberChanged(
  db: Kysely<Database>,
  temporal: Pick<TemporalDeps, 'client'>,
  memberId: string,
  facts: MemberFacts,
  exceptRunIds: string[] = [],
): Promise<number> {
  let q = db
    .selectFrom('runs')
    .select(['id', 'workflow_id'])
    .where('member_id', '=', memberId)
    .where('status', 'in', [...LIVE_STATUSES]);
  if (exceptRunIds.length) q = q.where('id', 'not in', exceptRunIds);
  const runs = await q.execute();
  const delivered = await Promise.all(
    runs.map(async (run) => {
      try {
        await temporal.client.workflow.getHandle(run.workflow_id).signal(memberChangedSignal, facts);
        return 1;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 0;
        throw err;
      }
    }),
  );
  return delivered.reduce<number>((a, b) => a + b, 0);
}

export async function signalRun(
  temporal: TemporalDeps,
  workflowId: string,
  signal: 'cancel' | 'retry',
  arg?: string,
) {
  const handle = temporal.client.workflow.getHandle(workflowId);
  try {
    if (signal === 'cancel') await handle.signal(cancelSignal, arg ?? 'cancelled');
    else await handle.signal(retrySignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
