import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { MemberFacts } from './core/conditions.js';
import type { GuardDecision, RunStatus, StepRecord } from './core/interpreter.js';
import type { GuardSpec, JsonObject, PlanNode } from './plan.js';

/** Which part of the plan the run lacks: an activity that knows the plan answers with that region too. */
export interface PlanWant {
  journeyId: string;
  version: number;
  nodeIds: string[];
}

export interface ActionRequest {
  workspaceId: string;
  journeyId: string;
  version?: number;
  runId: string;
  memberId: string;
  nodeId: string;
  nodeType: string;
  typeVersion: number;
  config: JsonObject;
  visit: number;
  vars: Record<string, unknown>;
  /** guard-rails to decide before the effect (null: none) */
  guard?: (GuardSpec & { priority: number }) | null;
  /** the run's progress since it was last written: recorded before the effect, saving a round-trip per step */
  progress?: ProgressUpdate | null;
  want?: PlanWant | null;
}

export interface ActionResult {
  /** the output taken; absent when the guard held the effect back */
  output: string;
  detail?: Record<string, unknown>;
  vars?: Record<string, unknown>;
  /** the guard's answer when it did not allow the effect (deferred or skipped, with the reason) */
  guard?: GuardDecision;
  /** the member's facts after an effect that changed them (tags, attributes) */
  member?: MemberFacts;
  /** the effect completes from outside (a task): wait for it until the deadline */
  wait?: { until: number; timeoutOutput: string; completionOutputs: string[] };
  nodes?: PlanNode[];
}

export interface DeadlineRequest {
  workspaceId: string;
  memberId: string;
  nodeId: string;
  nodeType: string;
  typeVersion: number;
  config: JsonObject;
  /** ms since epoch: when the wait began */
  from: number;
  progress?: ProgressUpdate | null;
  want?: PlanWant | null;
}

export interface SplitDecisionRequest {
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
}

export interface ProgressUpdate {
  workspaceId: string;
  /** absent in progress written by runs that started before steps carried it */
  journeyId?: string;
  runId: string;
  steps: StepRecord[];
  status: RunStatus;
  currentNodeId: string | null;
  nextAt: number | null;
  exitReason: string | null;
  error: string | null;
  ended: boolean;
  /** the run landed in a holdout group: it stays there when it re-enters the journey */
  heldOut?: { journeyId: string; memberId: string } | null;
}

/** What the audience schedule and broadcasts do, on the engine side (engine/segments). */
export interface AudienceDeps {
  /** the time-based audiences (dependency order) and date-triggered journeys, and the pass's instant */
  passTargets(): Promise<{ segments: string[]; dateJourneys: string[]; now: number }>;
  sweepPage(req: { segmentId: string; after: string | null; now: number; pageSize: number }): Promise<{
    next: string | null;
    entered: number;
    left: number;
  }>;
  finishSweep(req: { segmentId: string; now: number }): Promise<void>;
  datePage(req: { journeyId: string; after: string | null; now: number; pageSize: number }): Promise<{
    next: string | null;
    entered: number;
  }>;
  retryPendingEntries(): Promise<number>;
  broadcastBatch(req: { broadcastId: string; limit: number }): Promise<{
    done: boolean;
    entered: number;
    skipped: number;
  }>;
}

/** The guide-task sweep (reminders, overdue tasks), on the engine side (engine/guides/guide-sweep.ts). */
export interface GuideSweepDeps {
  sweepGuideTasks(req: { limit: number }): Promise<{ reminded: number; overdue: number; more: boolean }>;
}

export interface ActivityDeps {
  db: Kysely<Database>;
  /** runs a node type's guard stage and `run` (injected by the worker process, which owns the node registry) */
  executeNode(request: ActionRequest): Promise<ActionResult>;
  /** a wait's deadline in the member's calendar, computed by the node type (time of day, months) */
  resolveDeadline(request: DeadlineRequest): Promise<number>;
  /** nodes of a published plan (cached by the worker: versions never change) */
  planNodes(want: PlanWant): Promise<PlanNode[]>;
  /** a split's decided winner, or null (engine/results/split-decision.ts); absent: splits stay random */
  splitWinner?(req: SplitDecisionRequest): Promise<string | null>;
  /** the audience schedule and broadcasts; absent in workers that serve journeys only (tests) */
  audience?: AudienceDeps;
  /** guide-task reminders and overdue marking; absent in workers that serve journeys only */
  guides?: GuideSweepDeps;
  /** told what was recorded and done, for metrics; optional (yutang:infra) */
  observe?: {
    progress?(update: ProgressUpdate): void;
    action?(request: ActionRequest, result: ActionResult): void;
  };
}

/**
 * Attempts an action gets for failures other than an unreachable database (yutang:infra). The workflow's
 * retry policy has no attempt limit, so a database outage of any length is ridden out and the run then
 * finishes; any other failure turns non-retryable here from this attempt on, and the run shows it as failed.
 */
export const ACTION_ATTEMPTS = 6;

/** Failures a retry cannot mend carry this name: thrown by node code, mapped to non-retryable here. */
const NON_RETRYABLE = new Set(['NodeFailure']);
/** The failure type a channel's rate-limit answer is thrown as (engine/channels/deliver.ts), with its delay. */
export const RATE_LIMITED = 'ChannelRateLimited';

/** Activities are built by a factory that receives their dependencies, so tests and workers inject real ones. */
export function createActivities(deps: ActivityDeps) {
  const recordProgress = async (update: ProgressUpdate): Promise<void> => {
    await deps.db.transaction().execute(async (trx) => {
      if (update.steps.length) {
        await trx
          .insertInto('run_steps')
          .values(
            update.steps.map((s) => ({
              run_id: update.runId,
              seq: s.seq,
              workspace_id: update.workspaceId,
              journey_id: update.journeyId ?? null,
              node_id: s.nodeId,
              node_type: s.nodeType,
              output: s.output,
              status: s.status,
              reason: typeof s.detail?.reason === 'string' ? s.detail.reason : null,
              detail: JSON.stringify(s.detail ?? {}),
              at: new Date(s.at),
            })),
          )
          .onConflict((oc) => oc.columns(['run_id', 'seq']).doNothing())
          .execute();
      }
      if (update.heldOut) {
        await trx
          .insertInto('journey_holdouts')
          .values({
            workspace_id: update.workspaceId,
            journey_id: update.heldOut.journeyId,
            member_id: update.heldOut.memberId,
            run_id: update.runId,
          })
          .onConflict((oc) => oc.columns(['journey_id', 'member_id']).doNothing())
          .execute();
      }
      await trx
        .updateTable('runs')
        .set({
          status: update.status,
          current_node_id: update.currentNodeId,
          next_at: update.nextAt === null ? null : new Date(update.nextAt),
          exit_reason: update.exitReason,
          error: update.error,
          updated_at: sql`now()`,
          ended_at: update.ended ? sql`coalesce(ended_at, now())` : null,
        })
        .where('id', '=', update.runId)
        .execute();
    });
    deps.observe?.progress?.(update);
  };

  const region = async (want: PlanWant | null | undefined): Promise<PlanNode[] | undefined> =>
    want?.nodeIds.length ? deps.planNodes(want) : undefined;

  return {
    async runAction(request: ActionRequest): Promise<ActionResult> {
      try {
        if (request.progress) await recordProgress(request.progress);
        const result = await deps.executeNode(request);
        deps.observe?.action?.(request, result);
        const nodes = await region(request.want);
        return nodes ? { ...result, nodes } : result;
      } catch (err) {
        const e = err as Error & { code?: string };
        // yutang:infra — an unreachable database is retried until it is back; other failures have a budget.
        // A provider's rate limit is not a fault either: the send waits its turn (the failure names the delay).
        const rateLimited =
          e.name === 'ApplicationFailure' && (err as ApplicationFailure).type === RATE_LIMITED;
        const spent = !isDatabaseUnavailable(err) && !rateLimited && currentAttempt() >= ACTION_ATTEMPTS;
        if (NON_RETRYABLE.has(e.name) || spent) {
          throw ApplicationFailure.create({
            message: e.message,
            type: e.name,
            nonRetryable: true,
            details: [e.code],
          });
        }
        throw err;
      }
    },

    async loadMemberFacts(input: {
      memberId: string;
      progress?: ProgressUpdate | null;
      want?: PlanWant | null;
    }): Promise<MemberFacts & { nodes?: PlanNode[] }> {
      if (input.progress) await recordProgress(input.progress);
      const facts = await memberFacts(deps.db, input.memberId);
      const nodes = await region(input.want);
      return nodes ? { ...facts, nodes } : facts;
    },

    /** A deadline in the member's calendar; the result is recorded, so a replay never recomputes it. */
    async resolveDeadline(request: DeadlineRequest): Promise<{ at: number; nodes?: PlanNode[] }> {
      if (request.progress) await recordProgress(request.progress);
      const at = await deps.resolveDeadline(request);
      const nodes = await region(request.want);
      return nodes ? { at, nodes } : { at };
    },

    /** Whether a split has a decided winner for the member about to be placed (auto-winner or a marketer's pick). */
    async decideSplit(
      req: SplitDecisionRequest & { progress?: ProgressUpdate | null; want?: PlanWant | null },
    ): Promise<{ variant: string | null; nodes?: PlanNode[] }> {
      if (req.progress) await recordProgress(req.progress);
      const variant = deps.splitWinner
        ? await deps.splitWinner({
            workspaceId: req.workspaceId,
            journeyId: req.journeyId,
            version: req.version,
            nodeId: req.nodeId,
          })
        : null;
      const nodes = await region(req.want);
      return nodes ? { variant, nodes } : { variant };
    },

    async loadPlanNodes(want: PlanWant): Promise<PlanNode[]> {
      return deps.planNodes(want);
    },

    /** Writes the steps a run took and where it stands. Step seq is the key: a retried write changes nothing. */
    async recordProgress(
      update: ProgressUpdate & { want?: PlanWant | null },
    ): Promise<{ nodes?: PlanNode[] } | undefined> {
      const { want, ...progress } = update;
      await recordProgress(progress);
      const nodes = await region(want);
      return nodes ? { nodes } : undefined;
    },

    ...audienceActivities(deps.audience),

    async sweepGuideTasks(req: { limit: number }) {
      if (!deps.guides) throw ApplicationFailure.nonRetryable('this worker has no guide service', 'NoGuides');
      return deps.guides.sweepGuideTasks(req);
    },

    /** The benchmark's baseline: an activity that does nothing. */
    async noop(): Promise<void> {},
  };
}

/** The audience activities, bound to their engine implementation (or refusing, where there is none). */
function audienceActivities(audience: AudienceDeps | undefined) {
  const need = (): AudienceDeps => {
    if (!audience) throw ApplicationFailure.nonRetryable('this worker has no audience service', 'NoAudience');
    return audience;
  };
  return {
    passTargets: () => need().passTargets(),
    sweepPage: (req: Parameters<AudienceDeps['sweepPage']>[0]) => need().sweepPage(req),
    finishSweep: (req: Parameters<AudienceDeps['finishSweep']>[0]) => need().finishSweep(req),
    datePage: (req: Parameters<AudienceDeps['datePage']>[0]) => need().datePage(req),
    retryPendingEntries: () => need().retryPendingEntries(),
    broadcastBatch: (req: Parameters<AudienceDeps['broadcastBatch']>[0]) => need().broadcastBatch(req),
  };
}

/** The member facts conditions and exit criteria read: tags and attributes. */
export async function memberFacts(db: Kysely<Database>, memberId: string): Promise<MemberFacts> {
  const member = await db
    .selectFrom('members')
    .select(['attributes'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
  const [tags, segments] = await Promise.all([
    db.selectFrom('member_tags').select('tag').where('member_id', '=', memberId).execute(),
    db
      .selectFrom('segment_members')
      .select('segment_id')
      .where('member_id', '=', memberId)
      .where('left_at', 'is', null)
      .execute(),
  ]);
  return {
    tags: tags.map((t) => t.tag),
    attributes: member.attributes ?? {},
    segments: segments.map((s) => s.segment_id),
  };
}

export type JourneyActivities = ReturnType<typeof createActivities>;

/** The activity's attempt number (1 outside an activity, e.g. a direct call in a test). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
