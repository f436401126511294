import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { JourneyActivities } from './activities.js';

const { passTargets, sweepPage, finishSweep, datePage, retryPendingEntries } =
  proxyActivities<JourneyActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
const { broadcastBatch } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export interface AudiencePassInput {
  /** left to do when a long pass continued as new */
  remaining?: { segments: string[]; dateJourneys: string[]; now: number };
  pageSize?: number;
}

/**
 * One pass of the audience schedule (a Temporal Schedule starts it every period): time-based audiences in
 * dependency order, each page by page (a million members are many short activities, never one transaction),
 * then date-triggered journeys, then journey entries an outage left behind. Survives restarts like any run.
 */
export async function audiencePass(
  input: AudiencePassInput = {},
): Promise<{ segments: number; dateJourneys: number }> {
  const targets = input.remaining ?? (await passTargets());
  const pageSize = input.pageSize ?? 5000;
  const { now } = targets;
  const segments = [...targets.segments];
  const dateJourneys = [...targets.dateJourneys];
  const handOver = async () => {
    if (workflowInfo().historyLength > 8000)
      await continueAsNew<typeof audiencePass>({ remaining: { segments, dateJourneys, now }, pageSize });
  };
  while (segments.length) {
    const segmentId = segments[0];
    let after: string | null = null;
    do {
      after = (await sweepPage({ segmentId, after, now, pageSize })).next;
    } while (after);
    await finishSweep({ segmentId, now });
    segments.shift();
    await handOver();
  }
  while (dateJourneys.length) {
    const journeyId = dateJourneys[0];
    let after: string | null = null;
    do {
      after = (await datePage({ journeyId, after, now, pageSize })).next;
    } while (after);
    dateJourneys.shift();
    await handOver();
  }
  await retryPendingEntries();
  return { segments: targets.segments.length, dateJourneys: targets.dateJourneys.length };
}

export interface BroadcastInput {
  broadcastId: string;
  perMinute: number;
  /** the length of a "minute" (tests shorten it); default 60 000 ms */
  minuteMs?: number;
}

/**
 * A one-off entry of a list or an audience, paced: every tick a batch of its members enters (each once —
 * the broadcast and member make the entry key), so the journey sees `perMinute` a minute, not all at once.
 */
export async function broadcastRun(input: BroadcastInput): Promise<{ entered: number; skipped: number }> {
  const ticksPerMinute = 6;
  const tickMs = Math.round((input.minuteMs ?? 60_000) / ticksPerMinute);
  const batch = Math.max(1, Math.ceil(input.perMinute / ticksPerMinute));
  let entered = 0;
  let skipped = 0;
  for (;;) {
    const r = await broadcastBatch({ broadcastId: input.broadcastId, limit: batch });
    entered += r.entered;
    skipped += r.skipped;
    if (r.done) return { entered, skipped };
    if (workflowInfo().historyLength > 8000) await continueAsNew<typeof broadcastRun>(input);
    await sleep(tickMs);
  }
}
