import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { TemporalDeps } from '../services/runs.service.js';

/**
 * A Temporal Schedule that starts `workflow` (a sweep taking no input) every `everySeconds`, skipping a start while
 * the previous one still runs: our periodic work runs on Temporal, not on a timer loop of our own. Created, or
 * brought up to date (a changed period, a new workflow), at every start-up; returns its id.
 */
export async function ensureSweepSchedule(
  temporal: TemporalDeps,
  name: string,
  workflow: (input: Record<string, never>) => Promise<unknown>,
  everySeconds: number,
): Promise<string> {
  const scheduleId = `yutang-${name}-${temporal.taskQueue}`;
  const spec = { intervals: [{ every: `${everySeconds}s` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: workflow,
    taskQueue: temporal.taskQueue,
    args: [{}] as [Record<string, never>],
  };
  try {
    await temporal.client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (err) {
    if ((err as Error).name !== 'ScheduleAlreadyRunning') throw err;
    await temporal.client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
  }
  return scheduleId;
}
