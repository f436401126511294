import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities, ProgressUpdate } from './activities.js';
import {
  type Command,
  currentCommand,
  type Input,
  initialState,
  type MemberEvent,
  type RunState,
  type StepRecord,
  step,
} from './core/interpreter.js';
import type { Plan } from './plan.js';

export interface JourneyRunInput {
  runId: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  memberId: string;
  plan: Plan;
  /** the interpreter state carried over by continue-as-new; absent on the first run */
  resume?: { state: RunState };
  /** continue as new once the history has this many events (default 2000): long-lived runs stay small */
  continueAsNewAfter?: number;
}

export const memberEventSignal = defineSignal<[MemberEvent]>('memberEvent');
export const cancelSignal = defineSignal<[string]>('cancel');
export const retrySignal = defineSignal('retry');
export const stateQuery = defineQuery<RunState>('state');

// Effects retry with back-off; once retries are spent the run shows the step as failed and waits for ops.
// A worker that dies mid-effect is noticed after startToCloseTimeout; the retry reuses the effect's key.
// yutang:infra — no attempt limit here: the activity itself turns a failure non-retryable after
// ACTION_ATTEMPTS (activities.ts), except "database unreachable", which retries until the database is back.
const { runAction } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    // no maximumAttempts: unlimited (yutang:infra)
  },
});
// Bookkeeping is local: no extra task round-trip per step.
const { recordProgress, loadMemberFacts } = proxyLocalActivities<JourneyActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

/** One member's run through one journey version: a thin host around the pure interpreter. */
export async function journeyRun(input: JourneyRunInput): Promise<{ status: string; steps: number }> {
  const { plan } = input;
  let state: RunState = input.resume?.state ?? initialState(input.memberId);
  const inbox: MemberEvent[] = [];
  let cancelReason: string | null = null;
  let retryRequested = false;
  setHandler(memberEventSignal, (event) => void inbox.push(event));
  setHandler(cancelSignal, (reason) => {
    cancelReason ??= reason || 'cancelled';
  });
  setHandler(retrySignal, () => {
    retryRequested = true;
  });
  setHandler(stateQuery, () => state);

  let unrecorded: StepRecord[] = [];
  let recordedKey = '';
  const feed = (event: Input): Command => {
    const result = step(plan, state, event);
    state = result.state;
    unrecorded.push(...result.steps);
    return result.command;
  };
  /** What changed since the last write, or null. Carried by the next activity, or written on its own before a wait. */
  const takeProgress = (): ProgressUpdate | null => {
    const wait = state.wait;
    const key = `${state.status}|${state.nodeId}|${wait?.until ?? ''}`;
    if (unrecorded.length === 0 && key === recordedKey) return null;
    const steps = unrecorded;
    unrecorded = [];
    recordedKey = key;
    const finished =
      state.status === 'completed' || state.status === 'exited' || state.status === 'cancelled';
    return {
      workspaceId: input.workspaceId,
      runId: input.runId,
      steps,
      status: state.status,
      currentNodeId: finished ? null : state.nodeId,
      nextAt: wait?.until ?? null,
      exitReason: state.exitReason,
      error: state.failure?.message ?? null,
      ended: finished,
    };
  };

  // A continued run picks up where the previous one stood; its progress is already recorded.
  let command = input.resume ? currentCommand(plan, state) : feed({ type: 'start', now: Date.now() });
  if (input.resume) recordedKey = `${state.status}|${state.nodeId}|${state.wait?.until ?? ''}`;
  for (;;) {
    if (cancelReason !== null && command.type !== 'end')
      command = feed({ type: 'cancel', reason: cancelReason, now: Date.now() });
    while (inbox.length > 0 && command.type !== 'end') {
      command = feed({ type: 'event', event: inbox.shift()!, now: Date.now() });
    }
    // Actions and member look-ups carry the progress in their own activity; before a wait or the end it is written alone.
    if (command.type === 'wait' || command.type === 'awaitRetry' || command.type === 'end') {
      const progress = takeProgress();
      if (progress) await recordProgress(progress);
    }
    switch (command.type) {
      case 'end':
        return { status: state.status, steps: state.seq };
      case 'action': {
        const { nodeId } = command;
        const progress = takeProgress();
        try {
          const result = await runAction({
            workspaceId: input.workspaceId,
            journeyId: input.journeyId,
            runId: input.runId,
            memberId: input.memberId,
            nodeId,
            nodeType: command.nodeType,
            typeVersion: command.typeVersion,
            config: command.config,
            visit: command.visit,
            vars: state.vars,
            progress,
          });
          command = feed({
            type: 'actionDone',
            nodeId,
            output: result.output,
            detail: result.detail,
            vars: result.vars,
            now: Date.now(),
          });
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          // The failed activity may not have written the progress it carried: write it again (idempotent by seq).
          if (progress) unrecorded = [...progress.steps, ...unrecorded];
          recordedKey = '';
          const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
          const message = err.cause?.message ?? err.message;
          const code = (cause?.details?.[0] as string | undefined) ?? cause?.type ?? undefined;
          command = feed({ type: 'actionFailed', nodeId, message, code: code ?? undefined, now: Date.now() });
        }
        break;
      }
      case 'loadMember': {
        const member = await loadMemberFacts({ memberId: input.memberId, progress: takeProgress() });
        command = feed({ type: 'member', nodeId: command.nodeId, member, now: Date.now() });
        break;
      }
      case 'wait': {
        // A member may wait for months and receive many events: start a fresh history at a quiet moment.
        const info = workflowInfo();
        if (info.historyLength >= (input.continueAsNewAfter ?? 2000) || info.continueAsNewSuggested) {
          await continueAsNew<typeof journeyRun>({ ...input, resume: { state } });
        }
        const remaining = command.until - Date.now();
        const woken =
          remaining > 0 && (await condition(() => inbox.length > 0 || cancelReason !== null, remaining));
        if (!woken) command = feed({ type: 'timer', now: Date.now() });
        break;
      }
      case 'awaitRetry': {
        await condition(() => retryRequested || cancelReason !== null);
        if (retryRequested) {
          retryRequested = false;
          command = feed({ type: 'retry', now: Date.now() });
        }
        break;
      }
    }
  }
}
