import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { MemberFacts } from './core/conditions.js';
import type { RunStatus, StepRecord } from './core/interpreter.js';

export interface ActionRequest {
  workspaceId: string;
  journeyId: string;
  runId: string;
  memberId: string;
  nodeId: string;
  nodeType: string;
  typeVersion: number;
  config: Record<string, unknown>;
  visit: number;
  vars: Record<string, unknown>;
  /** the run's progress since it was last written: recorded before the effect, saving a round-trip per step */
  progress?: ProgressUpdate | null;
}

export interface ActionResult {
  output: string;
  detail?: Record<string, unknown>;
  vars?: Record<string, unknown>;
}

export interface ProgressUpdate {
  workspaceId: string;
  runId: string;
  steps: StepRecord[];
  status: RunStatus;
  currentNodeId: string | null;
  nextAt: number | null;
  exitReason: string | null;
  error: string | null;
  ended: boolean;
}

export interface ActivityDeps {
  db: Kysely<Database>;
  /** runs a node type's `run` (injected by the worker process, which owns the node registry) */
  executeNode(request: ActionRequest): Promise<ActionResult>;
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
              node_id: s.nodeId,
              node_type: s.nodeType,
              output: s.output,
              status: s.status,
              detail: JSON.stringify(s.detail ?? {}),
              at: new Date(s.at),
            })),
          )
          .onConflict((oc) => oc.columns(['run_id', 'seq']).doNothing())
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

  return {
    async runAction(request: ActionRequest): Promise<ActionResult> {
      try {
        if (request.progress) await recordProgress(request.progress);
        const result = await deps.executeNode(request);
        deps.observe?.action?.(request, result);
        return result;
      } catch (err) {
        const e = err as Error & { code?: string };
        // yutang:infra — an unreachable database is retried until it is back; other failures have a budget.
        const spent = !isDatabaseUnavailable(err) && currentAttempt() >= ACTION_ATTEMPTS;
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
    }): Promise<MemberFacts> {
      if (input.progress) await recordProgress(input.progress);
      const member = await deps.db
        .selectFrom('members')
        .select(['attributes', 'name', 'email', 'phone', 'timezone'])
        .where('id', '=', input.memberId)
        .executeTakeFirstOrThrow();
      const tags = await deps.db
        .selectFrom('member_tags')
        .select('tag')
        .where('member_id', '=', input.memberId)
        .execute();
      return { tags: tags.map((t) => t.tag), attributes: member.attributes ?? {} };
    },

    /** Writes the steps a run took and where it stands. Step seq is the key: a retried write changes nothing. */
    recordProgress,

    /** The benchmark's baseline: an activity that does nothing. */
    async noop(): Promise<void> {},
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
