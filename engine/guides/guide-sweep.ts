import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { guideTaskSweep } from '../../workflows/guide.workflow.js';
import { ensureSweepSchedule } from '../infra/sweep-schedule.js';
import type { TemporalDeps } from '../services/runs.service.js';
import type { GuideNotifier } from './guide-notifier.js';
import {
  cancelTasksOfEndedRuns,
  dueReminders,
  markOverdueTasks,
  markReminded,
} from './guide-tasks.repository.js';

/** The text of a task reminder, in the guides' language. */
export function reminderText(t: {
  title: string;
  memberName: string | null;
  memberExternalId: string;
  dueAt: Date;
}) {
  const due = t.dueAt.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  return `【导购任务提醒】${t.title}：会员 ${t.memberName ?? t.memberExternalId}，请在 ${due} 前完成。`;
}

/**
 * One page of the guide-task sweep (an activity of `guideTaskSweep`, which a Temporal Schedule starts):
 * reminders whose time has come are sent — each exactly once, by its idempotency key at the notifier and the
 * task's `reminded_at` — open tasks whose run ended another way (goal, exit criterion, cancel) are recorded
 * cancelled, and open tasks past their due time overdue (their runs took `overdue` then, on Temporal's timer).
 */
export function createGuideSweep(db: Kysely<Database>, notifier: GuideNotifier) {
  return async function sweepGuideTasks(req: { limit: number }) {
    const now = new Date();
    const due = await dueReminders(db, now, req.limit);
    for (const t of due) {
      await notifier.send({
        workspaceId: t.workspaceId,
        guide: { id: t.guideId, name: t.guideName, wecomUserId: t.wecomUserId },
        taskId: t.id,
        text: reminderText(t),
        idempotencyKey: `guide-task:${t.id}:reminder`,
      });
      await markReminded(db, t.id, now);
    }
    // tasks of runs that left the journey another way first: their guides are not to act on them any more
    await cancelTasksOfEndedRuns(db, now);
    const overdue = await markOverdueTasks(db, now);
    return { reminded: due.length, overdue, more: due.length === req.limit };
  };
}

/**
 * The guide-task schedule: a Temporal Schedule that starts a sweep every period (default a minute; tests
 * shorten it), skipping a start while the previous sweep still runs. Created or brought up to date at start.
 */
export function ensureGuideSchedule(temporal: TemporalDeps, everySeconds: number): Promise<string> {
  return ensureSweepSchedule(temporal, 'guide-tasks', guideTaskSweep, everySeconds);
}
