import { proxyActivities } from '@temporalio/workflow';
import type { JourneyActivities } from './activities.js';

const { noop } = proxyActivities<JourneyActivities>({ startToCloseTimeout: '30 seconds' });

/** The benchmark's yardstick: start, one empty activity, complete — the floor any journey run pays. */
export async function baselineRun(): Promise<void> {
  await noop();
}
