/**
 * The journey interpreter: a pure step function over (plan, state, input). The Temporal workflow is a thin
 * host around it (timers, signals, activities); unit tests and the simulator drive it directly with a virtual
 * clock. No I/O, no Date.now(), no randomness: every input carries `now`.
 *
 * It knows the plan's generic behaviours (pass, end, action, route, wait) and no node type by name. A run
 * waits on several things at once — its node's own wait, the journey's goal and exit criteria, a deferral
 * of a guarded action — each a {@link Waiter} with a reason and an optional deadline; the host sleeps until
 * the earliest deadline or the next signal.
 */
import type { Behavior, EventMatch, ExitCriterion, GuardSpec, JsonObject, Plan, PlanNode } from '../plan.js';
import { evaluateCondition, type MemberFacts, matchesFilters, stableBucket } from './conditions.js';

export interface MemberEvent {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

/** Every status a run can have; the database, the API and the web all take it from here. */
export const RUN_STATUSES = [
  'running',
  'waiting',
  'completed',
  'converted',
  'exited',
  'failed',
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses of a run that is still inside its journey (a failed run waits for a retry). */
export const LIVE_STATUSES: readonly RunStatus[] = ['running', 'waiting', 'failed'];

/** Why a guarded action did not happen (yet). */
export type GuardReason = 'quiet_hours' | 'frequency_cap' | 'no_consent' | 'no_address' | 'holdout' | string;

/** Something a run waits on. */
export type Waiter =
  /** the node's own wait; for a wait an action asked for (an outside completion), its listeners are here */
  | {
      reason: 'node';
      nodeId: string;
      since: number;
      until: number | null;
      completion?: { outputs: string[]; timeoutOutput: string };
    }
  /** the journey goal; `until` ends the conversion window */
  | { reason: 'goal'; since: number; until: number | null }
  /** a journey exit criterion (plan.journey.exits[i].id) */
  | { reason: 'exit'; criterion: string; since: number; until: null }
  /** a guarded action held back until `until` */
  | { reason: 'deferred'; nodeId: string; cause: GuardReason; since: number; until: number };

export interface RunState {
  status: RunStatus;
  /** the node the run is at; null before start */
  nodeId: string | null;
  /** steps emitted so far: the next step's seq */
  seq: number;
  /** times each node was entered; part of the idempotency key so a loop's second pass is a new effect */
  visits: Record<string, number>;
  vars: Record<string, unknown>;
  /** what the run waits on now, each with its reason and deadline */
  waits: Waiter[];
  /** what the run needs from its host before it can go on */
  pending: {
    nodeId: string;
    kind: 'action' | 'member' | 'time' | 'nodes' | 'decision';
    since: number;
  } | null;
  /** member events received since the last wait ended; a wait-for-event node looks here first */
  inbox: MemberEvent[];
  seenEventIds: string[];
  failure: { nodeId: string; message: string; code?: string } | null;
  exitReason: string | null;
  /** seeds for stable split groups: the member's and the journey's ids */
  memberKey: string;
  journeyKey: string;
  enteredAt: number | null;
  /** in a holdout group: in this run, or (carried in by the host) in an earlier entry of the journey */
  heldOut: boolean;
}

export type GuardDecision =
  | { kind: 'defer'; until: number; reason: GuardReason }
  | { kind: 'skip'; reason: GuardReason };

export type Input =
  | { type: 'start'; now: number }
  | { type: 'timer'; now: number }
  | { type: 'event'; event: MemberEvent; now: number }
  | {
      type: 'actionDone';
      nodeId: string;
      output: string;
      detail?: Record<string, unknown>;
      vars?: Record<string, unknown>;
      /** the member's facts after the effect (a tag node), checked against the exit criteria */
      member?: MemberFacts;
      /** the action started something that completes from outside (a task): wait for it or the deadline */
      wait?: { until: number; timeoutOutput: string; completionOutputs: string[] };
      now: number;
    }
  | {
      type: 'actionGuarded';
      nodeId: string;
      decision: GuardDecision;
      detail?: Record<string, unknown>;
      now: number;
    }
  | { type: 'actionFailed'; nodeId: string; message: string; code?: string; now: number }
  /** facts loaded for the conditions route the run is at */
  | { type: 'member'; nodeId: string; member: MemberFacts; now: number }
  /** the member changed (profile update, a tag added elsewhere): checked against the exit criteria */
  | { type: 'memberChanged'; member: MemberFacts; now: number }
  | { type: 'timeResolved'; nodeId: string; at: number; now: number }
  | { type: 'nodesLoaded'; now: number }
  /** a split's decided winner (auto-winner or a marketer's pick), or null: the random split stands */
  | { type: 'splitDecided'; nodeId: string; variant: string | null; now: number }
  | {
      type: 'completion';
      nodeId: string;
      output: string;
      detail?: Record<string, unknown>;
      now: number;
    }
  | { type: 'retry'; now: number }
  | { type: 'cancel'; reason: string; now: number };

export type Command =
  | {
      type: 'action';
      nodeId: string;
      nodeType: string;
      typeVersion: number;
      config: JsonObject;
      visit: number;
      /** ask for a guard decision before the effect; null when the node has no guard-rails */
      guard: (GuardSpec & { priority: number }) | null;
    }
  | { type: 'loadMember'; nodeId: string }
  | {
      type: 'resolveTime';
      nodeId: string;
      nodeType: string;
      typeVersion: number;
      config: JsonObject;
      from: number;
    }
  | { type: 'loadNodes'; nodeIds: string[] }
  /** ask whether a split has a decided winner before placing the member */
  | { type: 'decideSplit'; nodeId: string }
  /** sleep until `until` (null: only a signal wakes the run) */
  | { type: 'wait'; nodeId: string | null; until: number | null }
  | { type: 'awaitRetry'; nodeId: string }
  | { type: 'end' };

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'deferred' | 'converted' | 'exited';

export interface StepRecord {
  seq: number;
  nodeId: string;
  nodeType: string;
  output: string | null;
  status: StepStatus;
  at: number;
  detail: Record<string, unknown>;
}

export interface StepResult {
  state: RunState;
  steps: StepRecord[];
  command: Command;
}

const INBOX_LIMIT = 50;
const SEEN_LIMIT = 200;
/** control nodes passed in one step without blocking; the compiler forbids wait-free cycles, this is a backstop */
const MAX_HOPS = 1000;

export function initialState(memberKey: string, journeyKey = '', heldOut = false): RunState {
  return {
    status: 'running',
    nodeId: null,
    seq: 0,
    visits: {},
    vars: {},
    waits: [],
    pending: null,
    inbox: [],
    seenEventIds: [],
    failure: null,
    exitReason: null,
    memberKey,
    journeyKey,
    enteredAt: null,
    heldOut,
  };
}

export function isFinished(state: RunState): boolean {
  return (
    state.status === 'completed' ||
    state.status === 'converted' ||
    state.status === 'exited' ||
    state.status === 'cancelled'
  );
}

/** A state carried over from before waiters existed (`wait` instead of `waits`): read it as today's. */
export function upgradeState(
  state: RunState & { wait?: { nodeId: string; since: number; until: number } | null },
): RunState {
  if (Array.isArray(state.waits)) return state;
  const { wait, ...rest } = state;
  return {
    ...rest,
    waits: wait ? [{ reason: 'node', nodeId: wait.nodeId, since: wait.since, until: wait.until }] : [],
    journeyKey: rest.journeyKey ?? '',
    enteredAt: rest.enteredAt ?? null,
    heldOut: rest.heldOut ?? false,
  };
}

export function step(plan: Plan, prev: RunState, input: Input): StepResult {
  // JSON copy: the state is plain data, and structuredClone does not exist in the workflow sandbox.
  const run = new Stepper(plan, JSON.parse(JSON.stringify(prev)) as RunState, input.now);
  run.apply(input);
  return { state: run.state, steps: run.steps, command: currentCommand(plan, run.state) };
}

/** The earliest deadline among what the run waits on, or null. */
export function nextDeadline(state: RunState): number | null {
  let min: number | null = null;
  for (const w of state.waits) if (w.until !== null && (min === null || w.until < min)) min = w.until;
  return min;
}

/** What the host must do next; derived from the state alone, so re-deriving it never repeats an effect. */
export function currentCommand(plan: Plan, state: RunState): Command {
  if (isFinished(state)) return { type: 'end' };
  if (state.status === 'failed' && state.failure) return { type: 'awaitRetry', nodeId: state.failure.nodeId };
  const pending = state.pending;
  if (pending?.kind === 'nodes') return { type: 'loadNodes', nodeIds: [pending.nodeId] };
  if (pending?.kind === 'member') return { type: 'loadMember', nodeId: pending.nodeId };
  if (pending?.kind === 'decision') return { type: 'decideSplit', nodeId: pending.nodeId };
  if (pending) {
    const node = plan.nodes[pending.nodeId];
    if (pending.kind === 'time') {
      return {
        type: 'resolveTime',
        nodeId: node.id,
        nodeType: node.type,
        typeVersion: node.typeVersion,
        config: node.config,
        from: pending.since,
      };
    }
    const guard = node.behavior.kind === 'action' ? node.behavior.guard : undefined;
    return {
      type: 'action',
      nodeId: node.id,
      nodeType: node.type,
      typeVersion: node.typeVersion,
      config: node.config,
      visit: state.visits[node.id] ?? 1,
      guard: guard ? { ...guard, priority: plan.journey.priority } : null,
    };
  }
  if (state.waits.some((w) => w.reason === 'node' || w.reason === 'deferred'))
    return { type: 'wait', nodeId: state.nodeId, until: nextDeadline(state) };
  return { type: 'end' };
}

class Stepper {
  readonly steps: StepRecord[] = [];
  constructor(
    private readonly plan: Plan,
    readonly state: RunState,
    private readonly now: number,
  ) {}

  apply(input: Input): void {
    const s = this.state;
    if (isFinished(s) && input.type !== 'event') return;
    switch (input.type) {
      case 'start': {
        if (s.nodeId !== null) return; // started already: a replayed start is a no-op
        s.enteredAt = this.now;
        this.listen();
        const trigger = this.node(this.plan.trigger.nodeId);
        this.enter(trigger);
        return;
      }
      case 'timer':
        this.timer();
        return;
      case 'event': {
        if (s.seenEventIds.includes(input.event.id)) return; // a redelivered event counts once
        s.seenEventIds = [...s.seenEventIds, input.event.id].slice(-SEEN_LIMIT);
        if (isFinished(s)) return;
        this.event(input.event);
        return;
      }
      case 'actionDone': {
        if (s.pending?.kind !== 'action' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        if (input.vars) s.vars = { ...s.vars, ...input.vars };
        // An effect the node itself declined (a coupon out of stock) is a skip with its reason, like a guard's.
        // An effect that starts an outside wait (a guide's task) leaves the run at the node: the step says so,
        // so per-node counts do not take it for a pass (db/migrations/0017).
        this.record(
          node,
          input.output,
          input.detail?.skipped === true ? 'skipped' : 'ok',
          input.wait ? { ...input.detail, waiting: true } : (input.detail ?? {}),
        );
        if (input.member && this.memberExit(input.member)) return;
        if (input.wait) {
          // The effect started something that completes from outside (e.g. a guide's task).
          s.waits.push({
            reason: 'node',
            nodeId: node.id,
            since: this.now,
            until: input.wait.until,
            completion: { outputs: input.wait.completionOutputs, timeoutOutput: input.wait.timeoutOutput },
          });
          s.status = 'waiting';
          return;
        }
        if (!Object.hasOwn(node.next, input.output)) {
          this.fail(node, `output "${input.output}" leads nowhere`);
          return;
        }
        this.follow(node, input.output);
        return;
      }
      case 'actionGuarded': {
        if (s.pending?.kind !== 'action' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        const d = input.decision;
        if (d.kind === 'defer') {
          this.record(node, null, 'deferred', { ...input.detail, reason: d.reason, until: d.until });
          s.waits.push({
            reason: 'deferred',
            nodeId: node.id,
            cause: d.reason,
            since: this.now,
            until: d.until,
          });
          s.status = 'waiting';
          return;
        }
        this.skip(node, d.reason, input.detail);
        return;
      }
      case 'actionFailed': {
        if (s.pending?.kind !== 'action' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        this.record(node, null, 'failed', { error: input.message, code: input.code });
        s.status = 'failed';
        s.failure = { nodeId: node.id, message: input.message, code: input.code };
        return;
      }
      case 'retry': {
        if (s.status !== 'failed') return;
        // Same node, same visit: the retried effect keeps its idempotency key.
        s.status = 'running';
        s.failure = null;
        return;
      }
      case 'member': {
        if (s.pending?.kind !== 'member' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        if (this.memberExit(input.member)) return;
        const b = node.behavior;
        if (b.kind !== 'route' || b.by !== 'conditions') {
          this.fail(node, 'not a conditions route');
          return;
        }
        const hit = b.cases.find((c) => evaluateCondition(c.when, input.member));
        const output = hit?.output ?? b.otherwise;
        this.record(node, output, 'ok', { matched: hit ? output : null });
        this.follow(node, output);
        return;
      }
      case 'memberChanged': {
        this.memberExit(input.member);
        return;
      }
      case 'timeResolved': {
        if (s.pending?.kind !== 'time' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        s.waits.push({ reason: 'node', nodeId: node.id, since: this.now, until: input.at });
        s.status = 'waiting';
        return;
      }
      case 'splitDecided': {
        if (s.pending?.kind !== 'decision' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        const b = node.behavior;
        if (b.kind !== 'route' || b.by !== 'bucket') {
          this.fail(node, 'not a split');
          return;
        }
        const output = this.bucket(node, b, input.variant);
        this.record(node, output.name, 'ok', output.detail);
        this.follow(node, output.name);
        return;
      }
      case 'nodesLoaded': {
        if (s.pending?.kind !== 'nodes' || !Object.hasOwn(this.plan.nodes, s.pending.nodeId)) return;
        const target = this.plan.nodes[s.pending.nodeId];
        s.pending = null;
        this.enter(target);
        return;
      }
      case 'completion': {
        const w = s.waits.find((x) => x.reason === 'node' && x.nodeId === input.nodeId);
        if (w?.reason !== 'node') return;
        const node = this.node(input.nodeId);
        const outputs =
          w.completion?.outputs ??
          (node.behavior.kind === 'wait' ? node.behavior.completion?.outputs : undefined);
        if (!outputs?.includes(input.output)) return;
        this.endNodeWait();
        this.record(node, input.output, 'ok', { ...input.detail, waitedMs: this.now - w.since });
        this.follow(node, input.output);
        return;
      }
      case 'cancel': {
        const at =
          s.nodeId && Object.hasOwn(this.plan.nodes, s.nodeId) ? this.plan.nodes[s.nodeId] : undefined;
        if (at) this.record(at, null, 'skipped', { cancelled: input.reason });
        this.finish('cancelled', input.reason);
        return;
      }
    }
  }

  /** The journey-level listeners every run starts with: the goal (with its window) and the exit criteria. */
  private listen(): void {
    const { goal, exits } = this.plan.journey;
    if (goal) {
      this.state.waits.push({
        reason: 'goal',
        since: this.now,
        until: goal.windowMs === null ? null : this.now + goal.windowMs,
      });
    }
    for (const exit of exits)
      this.state.waits.push({ reason: 'exit', criterion: exit.id, since: this.now, until: null });
  }

  private timer(): void {
    const s = this.state;
    // A conversion window that closed: the goal no longer converts; the run goes on.
    s.waits = s.waits.filter((w) => !(w.reason === 'goal' && w.until !== null && w.until <= this.now));
    const due = s.waits.find(
      (w) => (w.reason === 'node' || w.reason === 'deferred') && w.until !== null && w.until <= this.now,
    );
    if (!due) return;
    if (due.reason === 'deferred') {
      // The deferral is over: the action is due again, and its guard is asked again (same visit, same key).
      s.waits = s.waits.filter((w) => w !== due);
      s.pending = { nodeId: due.nodeId, kind: 'action', since: this.now };
      s.status = 'running';
      return;
    }
    if (due.reason !== 'node') return;
    const node = this.node(due.nodeId);
    this.endNodeWait();
    const b = node.behavior;
    const output = due.completion?.timeoutOutput ?? (b.kind === 'wait' ? b.timer?.output : undefined);
    if (!output) {
      this.fail(node, 'a wait ended without a timeout output');
      return;
    }
    this.record(node, output, 'ok', { waitedMs: this.now - due.since });
    this.follow(node, output);
  }

  private event(event: MemberEvent): void {
    const s = this.state;
    const { goal, exits } = this.plan.journey;
    if (goal && s.waits.some((w) => w.reason === 'goal') && matches(goal.match, event)) {
      this.end('converted', 'goal', { goal: event.name, eventId: event.id });
      return;
    }
    const exit = exits.find((x) => x.kind === 'event' && this.listening(x) && matches(x.match, event));
    if (exit) {
      this.end('exited', `exit:${exit.label}`, {
        criterion: exit.label,
        event: event.name,
        eventId: event.id,
      });
      return;
    }
    const wait = s.waits.find((w) => w.reason === 'node');
    if (wait?.reason === 'node' && !wait.completion) {
      const node = this.node(wait.nodeId);
      const hit =
        node.behavior.kind === 'wait'
          ? node.behavior.events?.find((e) => matches(e.match, event))
          : undefined;
      if (hit) {
        this.endNodeWait();
        this.record(node, hit.output, 'ok', {
          eventId: event.id,
          event: event.name,
          waitedMs: this.now - wait.since,
        });
        this.follow(node, hit.output);
        return;
      }
    }
    s.inbox = [...s.inbox, event].slice(-INBOX_LIMIT);
  }

  private listening(exit: ExitCriterion): boolean {
    return this.state.waits.some((w) => w.reason === 'exit' && w.criterion === exit.id);
  }

  /** Member facts met an exit criterion: the run ends as exited. */
  private memberExit(member: MemberFacts): boolean {
    const exit = this.plan.journey.exits.find(
      (x) => x.kind === 'member' && this.listening(x) && evaluateCondition(x.when, member),
    );
    if (!exit) return false;
    this.end('exited', `exit:${exit.label}`, { criterion: exit.label });
    return true;
  }

  /** The run ends where it stands (goal, exit criterion): the step says why, nothing further happens. */
  private end(status: 'converted' | 'exited', reason: string, detail: Record<string, unknown>): void {
    const s = this.state;
    const at = s.nodeId && Object.hasOwn(this.plan.nodes, s.nodeId) ? this.plan.nodes[s.nodeId] : undefined;
    if (at) this.record(at, null, status, detail);
    this.finish(status, reason);
  }

  private finish(status: RunState['status'], reason: string): void {
    const s = this.state;
    s.status = status;
    s.exitReason = reason;
    s.waits = [];
    s.pending = null;
    s.inbox = [];
    s.failure = null;
  }

  private endNodeWait(): void {
    this.state.waits = this.state.waits.filter((w) => w.reason !== 'node');
    this.state.inbox = [];
  }

  private skip(node: PlanNode, reason: GuardReason, detail: Record<string, unknown> = {}): void {
    const b = node.behavior;
    const output = b.kind === 'action' ? b.skipOutput : undefined;
    this.record(node, output ?? null, 'skipped', { ...detail, reason });
    if (!output || !Object.hasOwn(node.next, output))
      this.fail(node, `skipped (${reason}) with nowhere to go`);
    else this.follow(node, output);
  }

  /** Move along an output: enter the target, unless it is not loaded yet (the host loads it first). */
  private follow(from: PlanNode, output: string): void {
    const targetId = Object.hasOwn(from.next, output) ? from.next[output] : undefined;
    if (!targetId) {
      this.finish('completed', 'end_of_path');
      return;
    }
    this.goTo(targetId);
  }

  private goTo(targetId: string): void {
    if (!Object.hasOwn(this.plan.nodes, targetId)) {
      this.state.pending = { nodeId: targetId, kind: 'nodes', since: this.now };
      this.state.status = 'running';
      return;
    }
    this.enter(this.plan.nodes[targetId]);
  }

  /** Enter a node and run control behaviour until something blocks (an action, a wait, member facts, the end). */
  private enter(first: PlanNode): void {
    let node: PlanNode | undefined = first;
    for (let hops = 0; node && hops < MAX_HOPS; hops++) {
      const s = this.state;
      s.visits[node.id] = (s.visits[node.id] ?? 0) + 1;
      s.nodeId = node.id;
      s.status = 'running';
      const output = this.enterBehavior(node, node.behavior);
      if (output === null) return;
      this.record(node, output.name, 'ok', output.detail);
      const targetId: string | undefined = Object.hasOwn(node.next, output.name)
        ? node.next[output.name]
        : undefined;
      if (!targetId) {
        this.finish('completed', 'end_of_path');
        return;
      }
      if (!Object.hasOwn(this.plan.nodes, targetId)) {
        this.goTo(targetId);
        return;
      }
      node = this.plan.nodes[targetId];
    }
    if (node) this.fail(node, 'too many steps without a wait');
  }

  /** What entering a node does: an output to pass on through at once, or null when the run blocks or ends here. */
  private enterBehavior(
    node: PlanNode,
    b: Behavior,
  ): { name: string; detail?: Record<string, unknown> } | null {
    const s = this.state;
    switch (b.kind) {
      case 'pass':
        return { name: b.output };
      case 'end':
        this.record(node, null, 'ok');
        this.finish('completed', b.reason);
        return null;
      case 'action':
        if (b.reachesMember && s.heldOut) {
          // A holdout member gets no message or coupon, even on a path shared with the other groups.
          this.skip(node, 'holdout');
          return null;
        }
        s.pending = { nodeId: node.id, kind: 'action', since: this.now };
        return null;
      case 'route':
        if (b.by === 'conditions') {
          s.pending = { nodeId: node.id, kind: 'member', since: this.now };
          return null;
        }
        // A member who would join a competing variant first asks whether the split has a decided winner
        // (the holdout and its members never ask: its share is never given away).
        if (
          this.bucketVariant(node, b).holdout === false &&
          b.variants.filter((v) => !v.holdout).length > 1
        ) {
          s.pending = { nodeId: node.id, kind: 'decision', since: this.now };
          return null;
        }
        return this.bucket(node, b, null);
      case 'wait': {
        const early = b.events?.length
          ? s.inbox.find((e) => b.events!.some((x) => matches(x.match, e)))
          : undefined;
        if (early) {
          const hit = b.events!.find((x) => matches(x.match, early))!;
          s.inbox = [];
          return { name: hit.output, detail: { eventId: early.id, event: early.name, waitedMs: 0 } };
        }
        s.status = 'waiting';
        const spec = b.timer?.spec;
        if (spec?.kind === 'resolve') {
          // The deadline depends on the member's calendar: the host asks the node type on the worker.
          s.pending = { nodeId: node.id, kind: 'time', since: this.now };
          s.status = 'running';
          return null;
        }
        s.waits.push({
          reason: 'node',
          nodeId: node.id,
          since: this.now,
          until: spec ? this.now + spec.ms : null,
        });
        return null;
      }
    }
  }

  /** The member's stable bucket at a split and the variant its percentages give (the holdout for a held-out member). */
  private bucketVariant(node: PlanNode, b: Extract<Behavior, { kind: 'route'; by: 'bucket' }>) {
    const s = this.state;
    const seed = b.legacySeed ? `${s.memberKey}:${node.id}` : `${s.journeyKey}:${s.memberKey}:${node.id}`;
    const bucket = stableBucket(seed);
    const holdout = b.variants.find((v) => v.holdout);
    let chosen = holdout && s.heldOut ? holdout : undefined;
    if (!chosen) {
      let acc = 0;
      chosen =
        b.variants.find((v) => {
          acc += v.percent;
          return bucket < acc;
        }) ?? b.variants[b.variants.length - 1];
    }
    return { bucket, ...chosen };
  }

  /**
   * The variant a member takes: the random one, or — once the split has a decided winner — the winner,
   * unless the random draw put them in the holdout (its share stays, so lift remains measurable).
   */
  private bucket(
    node: PlanNode,
    b: Extract<Behavior, { kind: 'route'; by: 'bucket' }>,
    decided: string | null,
  ): { name: string; detail: Record<string, unknown> } {
    let chosen = this.bucketVariant(node, b);
    const winner = decided === null ? undefined : b.variants.find((v) => v.output === decided && !v.holdout);
    const byWinner = !chosen.holdout && winner !== undefined;
    if (byWinner) chosen = { ...winner, bucket: chosen.bucket };
    if (chosen.holdout) this.state.heldOut = true;
    return {
      name: chosen.output,
      detail: {
        bucket: chosen.bucket,
        ...(chosen.holdout ? { holdout: true } : {}),
        ...(byWinner ? { winner: true } : {}),
      },
    };
  }

  private fail(node: PlanNode, message: string): void {
    this.record(node, null, 'failed', { error: message });
    this.state.status = 'failed';
    this.state.failure = { nodeId: node.id, message };
  }

  private record(
    node: PlanNode,
    output: string | null,
    status: StepStatus,
    detail: Record<string, unknown> = {},
  ) {
    this.steps.push({
      seq: this.state.seq++,
      nodeId: node.id,
      nodeType: node.type,
      output,
      status,
      at: this.now,
      detail,
    });
  }

  private node(id: string): PlanNode {
    if (!Object.hasOwn(this.plan.nodes, id)) throw new Error(`plan has no node ${id}`);
    return this.plan.nodes[id];
  }
}

function matches(match: EventMatch, event: MemberEvent): boolean {
  return event.name === match.event && matchesFilters(event.properties, match.where);
}
