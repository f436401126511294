import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { completionSignal } from '../../workflows/journey.workflow.js';
import { AppError, notFound } from '../api/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { TemporalDeps } from '../services/runs.service.js';

import { lockTask, markOverdueTasks, markTaskDone } from './guide-tasks.repository.js';
import { guideIdOfUser } from './guides.repository.js';

type Db = Kysely<Database>;

/**
 * Whose tasks a caller sees: everyone's with `guide_tasks.all.read` (ops, admins, systems), else only those of the
 * guide the signed-in user is (none at all for an account no guide is linked to).
 */
export type TaskScope = { all: true } | { all: false; guideId: string | null };

export async function taskScope(db: Db, workspaceId: string, principal: Principal): Promise<TaskScope> {
  if (principal.permissions.has('guide_tasks.all.read')) return { all: true };
  if (principal.kind !== 'user') return { all: false, guideId: null };
  return { all: false, guideId: await guideIdOfUser(db, workspaceId, principal.userId) };
}

/** The guide filter a scope forces on a list: a guide's own, or what an admin asked for. */
export function scopedGuideId(scope: TaskScope, asked: string | undefined): string | undefined | null {
  return scope.all ? asked : scope.guideId;
}

export type CompleteOutcome = { taskId: string; alreadyDone: boolean };

/**
 * The guide marks a task done: the run waiting on it is told (`completion` signal, output `done`) and the task
 * records the note. Again on a done task: nothing new (200). On a task past its due time: 409 — its run took
 * the `overdue` output when the time came, and a late "done" would say otherwise.
 *
 * The row stays locked while the run is signalled, so two completions queue and the second finds it done; if
 * Temporal is away the signal fails, nothing is recorded, and the caller may try again (503).
 */
export async function completeTask(
  db: Db,
  temporal: TemporalDeps,
  input: {
    workspaceId: string;
    taskId: string;
    scope: TaskScope;
    note: string | null;
    by: string;
    now: Date;
  },
  /** runs the change in a transaction (the route's audited one) */
  inTransaction: (change: (trx: Db) => Promise<CompleteOutcome>) => Promise<CompleteOutcome>,
): Promise<CompleteOutcome> {
  try {
    return await inTransaction(async (trx) => {
      const task = await lockTask(trx, input.workspaceId, input.taskId);
      // another guide's task is as good as no task: its existence is not theirs to know
      if (!task || (!input.scope.all && task.guide_id !== input.scope.guideId)) throw notFound('guide task');
      if (task.status === 'done') return { taskId: task.id, alreadyDone: true };
      const endedEarly = task.run_ended_at && task.run_ended_at.getTime() < task.due_at.getTime();
      if (task.status === 'cancelled' || endedEarly)
        throw new AppError(
          'conflict',
          'the member left the journey before the task was done: nobody waits for it any more',
          { field: 'status' },
        );
      if (task.status === 'overdue' || task.due_at.getTime() <= input.now.getTime())
        throw new TaskOverdue(task.due_at);
      if (task.workflow_id && task.node_id) {
        try {
          await temporal.client.workflow.getHandle(task.workflow_id).signal(completionSignal, {
            nodeId: task.node_id,
            output: 'done',
            detail: { taskId: task.id, ...(input.note ? { note: input.note } : {}) },
          });
        } catch (err) {
          // no workflow behind the run (never started, or past Temporal's retention): the guide's work counts
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      await markTaskDone(trx, task.id, { note: input.note, completedBy: input.by, at: input.now });
      return { taskId: task.id, alreadyDone: false };
    });
  } catch (err) {
    if (!(err instanceof TaskOverdue)) throw err;
    // recorded now rather than at the next sweep: the guide's list shows it where it belongs
    await markOverdueTasks(db, input.now, [input.taskId]);
    throw new AppError(
      'conflict',
      `the task was due at ${err.dueAt.toISOString()} and is overdue: it can no longer be marked done`,
      { field: 'status' },
    );
  }
}

class TaskOverdue extends Error {
  constructor(readonly dueAt: Date) {
    super('task overdue');
  }
}
