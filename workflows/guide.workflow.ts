import { proxyActivities } from '@temporalio/workflow';
import type { JourneyActivities } from './activities.js';

const { sweepGuideTasks } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One pass of the guide-task schedule (a Temporal Schedule starts it every period): reminders that are due
 * go out page by page, then open tasks past their due time are recorded overdue.
 */
export async function guideTaskSweep(input: { pageSize?: number } = {}) {
  const limit = input.pageSize ?? 500;
  let reminded = 0;
  let overdue = 0;
  // bounded: a backlog larger than this is left to the next pass
  for (let page = 0; page < 20; page++) {
    const r = await sweepGuideTasks({ limit });
    reminded += r.reminded;
    overdue += r.overdue;
    if (!r.more) break;
  }
  return { reminded, overdue };
}
