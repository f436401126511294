import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities, PlanWant, ProgressUpdate } from './activities.js';
import type { MemberFacts } from './core/conditions.js';
import {
  type Command,
  currentCommand,
  type Input,
  initialState,
  isFinished,
  type MemberEvent,
  nextDeadline,
  type RunState,
  type StepRecord,
  step,
  upgradeState,
} from './core/interpreter.js';
import { type PlanV1, upgradePlan } from './legacy-plan.js';
import type { Plan, PlanNode } from './plan.js';

export interface JourneyRunInput {
  runId: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  memberId: string;
  /** the plan's head (trigger region and journey rules); the run loads further nodes as it reaches them */
  plan: Plan | PlanV1;
  /** the member was in a holdout group of this journey before: they stay there */
  heldOut?: boolean;
  /** the interpreter state (and unprocessed signals) carried over by continue-as-new; absent on the first run */
  resume?: { state: RunState; queue?: QueuedInput[]; cancel?: string | null; retry?: boolean };
  /** continue as new once the history has this many events (default 2000): long-lived runs stay small */
  continueAsNewAfter?: number;
}

export interface Completion {
  nodeId: string;
  output: string;
  detail?: Record<string, unknown>;
}

/** Signals that reach a run from outside, kept in arrival order. */
export type QueuedInput =
  | { type: 'event'; event: MemberEvent }
  | { type: 'memberChanged'; member: MemberFacts }
  | { type: 'completion'; completion: Completion };

export const memberEventSignal = defineSignal<[MemberEvent]>('memberEvent');
/** the member's profile or tags changed: exit criteria on tags and attributes are checked */
export const memberChangedSignal = defineSignal<[MemberFacts]>('memberChanged');
/** something outside completed what a node waits for (a guide's task): the output it leads to */
export const completionSignal = defineSignal<[Completion]>('completion');
export const cancelSignal = defineSignal<[string]>('cancel');
export const retrySignal = defineSignal('retry');
export const stateQuery = defineQuery<RunState>('state');

/** patch ids: workflow changes that running histories must not see (see workflows/replay.test.ts) */
const DRAIN_BEFORE_SLEEP = 'drain-signals-before-sleep';
/** a split asks for its decided winner (auto-winner, issue 16); runs from before keep the random split */
const SPLIT_DECISION = 'split-decision';

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
// Bookkeeping and reads are local: no extra task round-trip per step.
const { recordProgress, loadMemberFacts, resolveDeadline, loadPlanNodes, decideSplit } =
  proxyLocalActivities<JourneyActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
  });

/**
 * One member's run through one journey version: a thin host around the pure interpreter.
 *
 * Time: workflow code uses Temporal's clock only. Deadlines that need the member's calendar (a time of day
 * in their zone, a calendar month, the end of quiet hours) are computed on the worker — by the node type or
 * the guard stage — in activities, so the result sits in the history: a replay reads it back instead of
 * recomputing it with whatever tz database the replaying worker happens to ship.
 */
export async function journeyRun(input: JourneyRunInput): Promise<{ status: string; steps: number }> {
  const head = upgradePlan(input.plan);
  // The nodes known so far; activities bring the regions the run reaches next (history stays O(path)).
  const plan: Plan = { ...head, nodes: { ...head.nodes } };
  const planRef = { journeyId: input.journeyId, version: input.version };
  const learn = (nodes: PlanNode[] | undefined) => {
    for (const n of nodes ?? []) plan.nodes[n.id] = n;
  };
  let state: RunState = input.resume
    ? upgradeState(input.resume.state)
    : initialState(input.memberId, input.journeyId, input.heldOut ?? false);
  const queue: QueuedInput[] = [...(input.resume?.queue ?? [])];
  let cancelReason: string | null = input.resume?.cancel ?? null;
  let retryRequested = input.resume?.retry ?? false;
  setHandler(memberEventSignal, (event) => void queue.push({ type: 'event', event }));
  setHandler(memberChangedSignal, (member) => void queue.push({ type: 'memberChanged', member }));
  setHandler(completionSignal, (completion) => void queue.push({ type: 'completion', completion }));
  setHandler(cancelSignal, (reason) => {
    cancelReason ??= reason || 'cancelled';
  });
  setHandler(retrySignal, () => {
    retryRequested = true;
  });
  setHandler(stateQuery, () => state);

  let unrecorded: StepRecord[] = [];
  let recordedKey = '';
  let heldOutRecorded = state.heldOut;
  const progressKey = () => `${state.status}|${state.nodeId}|${nextDeadline(state) ?? ''}`;
  const feed = (event: Input): Command => {
    const result = step(plan, state, event);
    state = result.state;
    unrecorded.push(...result.steps);
    return result.command;
  };
  /** What changed since the last write, or null. Carried by the next activity, or written on its own before a wait. */
  const takeProgress = (): ProgressUpdate | null => {
    const key = progressKey();
    const heldOut = state.heldOut && !heldOutRecorded;
    if (unrecorded.length === 0 && key === recordedKey && !heldOut) return null;
    const steps = unrecorded;
    unrecorded = [];
    recordedKey = key;
    heldOutRecorded = state.heldOut;
    const finished = isFinished(state);
    const deadline = nextDeadline(state);
    return {
      workspaceId: input.workspaceId,
      journeyId: input.journeyId,
      runId: input.runId,
      steps,
      status: state.status,
      currentNodeId: finished ? null : state.nodeId,
      nextAt: deadline,
      exitReason: state.exitReason,
      error: state.status === 'failed' ? (state.failure?.message ?? null) : null,
      ended: finished,
      ...(heldOut ? { heldOut: { journeyId: input.journeyId, memberId: input.memberId } } : {}),
    };
  };
  /** Successors of a node that the run does not know yet: asked for along with the activity at that node. */
  const want = (nodeId: string | null): PlanWant | null => {
    const node = nodeId && Object.hasOwn(plan.nodes, nodeId) ? plan.nodes[nodeId] : undefined;
    const missing = node
      ? [...new Set(Object.values(node.next))].filter((id) => !Object.hasOwn(plan.nodes, id))
      : [];
    return missing.length ? { ...planRef, nodeIds: missing } : null;
  };
  const drain = (command: Command): Command => {
    let c = command;
    if (cancelReason !== null && c.type !== 'end')
      c = feed({ type: 'cancel', reason: cancelReason, now: Date.now() });
    while (queue.length > 0 && c.type !== 'end') {
      const q = queue.shift()!;
      const now = Date.now();
      if (q.type === 'event') c = feed({ type: 'event', event: q.event, now });
      else if (q.type === 'memberChanged') c = feed({ type: 'memberChanged', member: q.member, now });
      else c = feed({ type: 'completion', ...q.completion, now });
    }
    return c;
  };

  // A continued run picks up where the previous one stood; its progress is already recorded.
  let command = input.resume ? currentCommand(plan, state) : feed({ type: 'start', now: Date.now() });
  if (input.resume) recordedKey = progressKey();
  for (;;) {
    command = drain(command);
    // Actions and reads carry the progress in their own activity; before a wait or the end it is written alone.
    if (command.type === 'wait' || command.type === 'awaitRetry' || command.type === 'end') {
      const progress = takeProgress();
      if (progress) {
        const written = await recordProgress(
          command.type === 'wait' ? { ...progress, want: want(command.nodeId) } : progress,
        );
        learn(written?.nodes);
        // Signals that came in while the progress was written are handled before sleeping (runs that
        // started before this change slept first: their histories must replay as they were).
        if ((queue.length > 0 || cancelReason !== null) && patched(DRAIN_BEFORE_SLEEP)) continue;
      }
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
            version: input.version,
            runId: input.runId,
            memberId: input.memberId,
            nodeId,
            nodeType: command.nodeType,
            typeVersion: command.typeVersion,
            config: command.config,
            visit: command.visit,
            vars: state.vars,
            guard: command.guard,
            progress,
            want: want(nodeId),
          });
          learn(result.nodes);
          const now = Date.now();
          command = result.guard
            ? feed({ type: 'actionGuarded', nodeId, decision: result.guard, detail: result.detail, now })
            : feed({
                type: 'actionDone',
                nodeId,
                output: result.output,
                detail: result.detail,
                vars: result.vars,
                member: result.member,
                wait: result.wait,
                now,
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
        const facts = await loadMemberFacts({
          memberId: input.memberId,
          progress: takeProgress(),
          want: want(command.nodeId),
        });
        learn(facts.nodes);
        command = feed({
          type: 'member',
          nodeId: command.nodeId,
          member: { tags: facts.tags, attributes: facts.attributes },
          now: Date.now(),
        });
        break;
      }
      case 'resolveTime': {
        const resolved = await resolveDeadline({
          workspaceId: input.workspaceId,
          memberId: input.memberId,
          nodeId: command.nodeId,
          nodeType: command.nodeType,
          typeVersion: command.typeVersion,
          config: command.config,
          from: command.from,
          progress: takeProgress(),
          want: want(command.nodeId),
        });
        learn(resolved.nodes);
        command = feed({ type: 'timeResolved', nodeId: command.nodeId, at: resolved.at, now: Date.now() });
        break;
      }
      case 'decideSplit': {
        // Histories recorded before splits asked go on without asking, exactly as they ran.
        if (!patched(SPLIT_DECISION)) {
          command = feed({ type: 'splitDecided', nodeId: command.nodeId, variant: null, now: Date.now() });
          break;
        }
        const decided = await decideSplit({
          workspaceId: input.workspaceId,
          journeyId: input.journeyId,
          version: input.version,
          nodeId: command.nodeId,
          progress: takeProgress(),
          want: want(command.nodeId),
        });
        learn(decided.nodes);
        command = feed({
          type: 'splitDecided',
          nodeId: command.nodeId,
          variant: decided.variant,
          now: Date.now(),
        });
        break;
      }
      case 'loadNodes': {
        learn(await loadPlanNodes({ ...planRef, nodeIds: command.nodeIds }));
        command = feed({ type: 'nodesLoaded', now: Date.now() });
        break;
      }
      case 'wait': {
        // A member may wait for months and receive many events: start a fresh history at a quiet moment.
        // Nothing is pending here (signals were drained above), and any that arrive now go along in `queue`.
        const info = workflowInfo();
        if (info.historyLength >= (input.continueAsNewAfter ?? 2000) || info.continueAsNewSuggested) {
          await continueAsNew<typeof journeyRun>({
            ...input,
            plan: head,
            resume: { state, queue: [...queue], cancel: cancelReason, retry: retryRequested },
          });
        }
        const remaining = command.until === null ? undefined : command.until - Date.now();
        if (remaining !== undefined && remaining <= 0) {
          command = feed({ type: 'timer', now: Date.now() });
          break;
        }
        const wake = () => queue.length > 0 || cancelReason !== null;
        if (remaining === undefined) await condition(wake);
        else if (!(await condition(wake, remaining))) command = feed({ type: 'timer', now: Date.now() });
        break;
      }
      case 'awaitRetry': {
        await condition(() => retryRequested || cancelReason !== null || queue.length > 0);
        if (retryRequested) {
          retryRequested = false;
          command = feed({ type: 'retry', now: Date.now() });
        }
        break;
      }
    }
  }
}
