/**
 * The journey interpreter: a pure step function over (plan, state, input). The Temporal workflow is a thin
 * host around it (timers, signals, activities); unit tests and the simulator drive it directly with a virtual
 * clock. No I/O, no Date.now(), no randomness: every input carries `now`.
 */
import {
  type Condition,
  type Duration,
  durationMs,
  type Plan,
  type PlanNode,
  type PropertyFilter,
} from '../plan.js';
import { evaluateCondition, type MemberFacts, matchesFilters, stableBucket } from './conditions.js';

export interface MemberEvent {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

export type RunStatus = 'running' | 'waiting' | 'completed' | 'exited' | 'failed' | 'cancelled';

export interface RunState {
  status: RunStatus;
  /** the node the run is at; null before start */
  nodeId: string | null;
  /** steps emitted so far: the next step's seq */
  seq: number;
  /** times each node was entered; part of the idempotency key so a loop's second pass is a new effect */
  visits: Record<string, number>;
  vars: Record<string, unknown>;
  wait: { nodeId: string; kind: 'duration' | 'event'; since: number; until: number } | null;
  pending: { nodeId: string; kind: 'action' | 'member'; since: number } | null;
  /** member events received since the last wait ended; a wait-for-event node looks here first */
  inbox: MemberEvent[];
  seenEventIds: string[];
  failure: { nodeId: string; message: string; code?: string } | null;
  exitReason: string | null;
  /** seed for stable split groups: the member's id */
  memberKey: string;
}

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
      now: number;
    }
  | { type: 'actionFailed'; nodeId: string; message: string; code?: string; now: number }
  | { type: 'member'; nodeId: string; member: MemberFacts; now: number }
  | { type: 'retry'; now: number }
  | { type: 'cancel'; reason: string; now: number };

export type Command =
  | {
      type: 'action';
      nodeId: string;
      nodeType: string;
      typeVersion: number;
      config: Record<string, unknown>;
      visit: number;
    }
  | { type: 'loadMember'; nodeId: string }
  | { type: 'wait'; nodeId: string; until: number }
  | { type: 'awaitRetry'; nodeId: string }
  | { type: 'end' };

export interface StepRecord {
  seq: number;
  nodeId: string;
  nodeType: string;
  output: string | null;
  status: 'ok' | 'failed' | 'skipped';
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

export function initialState(memberKey: string): RunState {
  return {
    status: 'running',
    nodeId: null,
    seq: 0,
    visits: {},
    vars: {},
    wait: null,
    pending: null,
    inbox: [],
    seenEventIds: [],
    failure: null,
    exitReason: null,
    memberKey,
  };
}

export function isFinished(state: RunState): boolean {
  return state.status === 'completed' || state.status === 'exited' || state.status === 'cancelled';
}

export function step(plan: Plan, prev: RunState, input: Input): StepResult {
  // JSON copy: the state is plain data, and structuredClone does not exist in the workflow sandbox.
  const run = new Stepper(plan, JSON.parse(JSON.stringify(prev)) as RunState, input.now);
  run.apply(input);
  return { state: run.state, steps: run.steps, command: currentCommand(plan, run.state) };
}

/** What the host must do next; derived from the state alone, so re-deriving it never repeats an effect. */
export function currentCommand(plan: Plan, state: RunState): Command {
  if (isFinished(state)) return { type: 'end' };
  if (state.status === 'failed' && state.failure) return { type: 'awaitRetry', nodeId: state.failure.nodeId };
  if (state.wait) return { type: 'wait', nodeId: state.wait.nodeId, until: state.wait.until };
  if (state.pending?.kind === 'member') return { type: 'loadMember', nodeId: state.pending.nodeId };
  if (state.pending?.kind === 'action') {
    const node = plan.nodes[state.pending.nodeId];
    return {
      type: 'action',
      nodeId: node.id,
      nodeType: node.type,
      typeVersion: node.typeVersion,
      config: node.config,
      visit: state.visits[node.id] ?? 1,
    };
  }
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
        const trigger = this.node(this.plan.trigger.nodeId);
        this.enterCount(trigger.id);
        s.nodeId = trigger.id;
        this.record(trigger, 'next', 'ok');
        this.follow(trigger, 'next');
        return;
      }
      case 'timer': {
        const wait = s.wait;
        if (!wait || this.now < wait.until) return;
        const node = this.node(wait.nodeId);
        s.wait = null;
        s.inbox = [];
        const output = wait.kind === 'duration' ? 'next' : 'timeout';
        this.record(node, output, 'ok', { waitedMs: this.now - wait.since });
        this.follow(node, output);
        return;
      }
      case 'event': {
        if (s.seenEventIds.includes(input.event.id)) return; // a redelivered event counts once
        s.seenEventIds = [...s.seenEventIds, input.event.id].slice(-SEEN_LIMIT);
        if (isFinished(s)) return;
        if (s.wait?.kind === 'event') {
          const node = this.node(s.wait.nodeId);
          if (this.matches(node, input.event)) {
            this.eventMatched(node, input.event);
            return;
          }
        }
        s.inbox = [...s.inbox, input.event].slice(-INBOX_LIMIT);
        return;
      }
      case 'actionDone': {
        if (s.pending?.kind !== 'action' || s.pending.nodeId !== input.nodeId) return;
        const node = this.node(input.nodeId);
        s.pending = null;
        if (input.vars) s.vars = { ...s.vars, ...input.vars };
        this.record(node, input.output, 'ok', input.detail ?? {});
        if (!(input.output in node.next)) {
          this.fail(node, `output "${input.output}" leads nowhere`);
          return;
        }
        this.follow(node, input.output);
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
        const conditions = (node.config.conditions ?? []) as { id: string; label: string; when: Condition }[];
        const hit = conditions.find((c) => evaluateCondition(c.when, input.member));
        const output = hit?.id ?? 'else';
        this.record(node, output, 'ok', { matched: hit?.label ?? null });
        this.follow(node, output);
        return;
      }
      case 'cancel': {
        const at = s.nodeId ? this.plan.nodes[s.nodeId] : undefined;
        if (at) this.record(at, null, 'skipped', { cancelled: input.reason });
        s.status = 'cancelled';
        s.exitReason = input.reason;
        s.wait = null;
        s.pending = null;
        return;
      }
    }
  }

  /** Move along an output and run control nodes until something blocks (an action, a wait, member facts, the end). */
  private follow(from: PlanNode, output: string): void {
    let targetId: string | undefined = from.next[output];
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      const s = this.state;
      if (!targetId) {
        s.status = 'completed';
        s.exitReason = 'end_of_path';
        return;
      }
      const node = this.node(targetId);
      this.enterCount(node.id);
      s.nodeId = node.id;
      s.status = 'running';
      switch (node.kind) {
        case 'action':
          s.pending = { nodeId: node.id, kind: 'action', since: this.now };
          return;
        case 'branch':
          s.pending = { nodeId: node.id, kind: 'member', since: this.now };
          return;
        case 'wait.duration':
          s.wait = {
            nodeId: node.id,
            kind: 'duration',
            since: this.now,
            until: this.now + durationMs(node.config as unknown as Duration),
          };
          s.status = 'waiting';
          return;
        case 'wait.event': {
          const early = s.inbox.find((e) => this.matches(node, e));
          if (early) {
            s.inbox = [];
            this.record(node, 'matched', 'ok', { eventId: early.id, event: early.name, waitedMs: 0 });
            targetId = node.next.matched;
            continue;
          }
          const timeout = node.config.timeout as Duration;
          s.wait = { nodeId: node.id, kind: 'event', since: this.now, until: this.now + durationMs(timeout) };
          s.status = 'waiting';
          return;
        }
        case 'split': {
          const variants = (node.config.variants ?? []) as { id: string; percent: number }[];
          const bucket = stableBucket(`${s.memberKey}:${node.id}`);
          let acc = 0;
          const chosen =
            variants.find((v) => {
              acc += v.percent;
              return bucket < acc;
            }) ?? variants[variants.length - 1];
          this.record(node, chosen.id, 'ok', { bucket });
          targetId = node.next[chosen.id];
          continue;
        }
        case 'exit':
          this.record(node, null, 'ok');
          s.status = 'completed';
          s.exitReason = 'exit_node';
          return;
        case 'trigger':
          this.fail(node, 'a trigger cannot be entered from inside a journey');
          return;
      }
    }
    this.fail(this.node(this.state.nodeId!), 'too many steps without a wait');
  }

  private eventMatched(node: PlanNode, event: MemberEvent): void {
    const wait = this.state.wait!;
    this.state.wait = null;
    this.state.inbox = [];
    this.record(node, 'matched', 'ok', {
      eventId: event.id,
      event: event.name,
      waitedMs: this.now - wait.since,
    });
    this.follow(node, 'matched');
  }

  private matches(node: PlanNode, event: MemberEvent): boolean {
    return (
      event.name === node.config.event &&
      matchesFilters(event.properties, node.config.where as PropertyFilter[] | undefined)
    );
  }

  private fail(node: PlanNode, message: string): void {
    this.record(node, null, 'failed', { error: message });
    this.state.status = 'failed';
    this.state.failure = { nodeId: node.id, message };
  }

  private enterCount(nodeId: string): void {
    this.state.visits[nodeId] = (this.state.visits[nodeId] ?? 0) + 1;
  }

  private record(
    node: PlanNode,
    output: string | null,
    status: StepRecord['status'],
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
    const node = this.plan.nodes[id];
    if (!node) throw new Error(`plan has no node ${id}`);
    return node;
  }
}
