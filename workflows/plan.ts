/**
 * The compiled journey plan: plain, validated data that the generic workflow interprets.
 * This file is imported by workflow code, so it holds types and tiny pure helpers only —
 * no zod, no registry, nothing heavy (see ARCHITECTURE.md, "Workflow code stays small").
 *
 * A node does not tell the interpreter *what type* it is but *how to treat it*: its node type turns its
 * config into a {@link Behavior} at compile time, in a small, generic instruction set (pass, end, action,
 * route, wait). The interpreter knows these instructions and no node type by name, so a new control node
 * is one file in engine/nodes, and a run keeps the behaviour its version was compiled with forever.
 */

export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months';
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** A comparison against a member fact or an event property. */
export type Operator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists';
export interface PropertyFilter {
  property: string;
  op: Operator;
  value?: unknown;
}

export type Condition =
  | { kind: 'tag'; op: 'has' | 'has_not'; tag: string }
  | { kind: 'attribute'; key: string; op: Operator; value?: unknown }
  /** membership of an audience (人群), as stored when the member's facts were read */
  | { kind: 'segment'; op: 'in' | 'not_in'; segmentId: string }
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] };

/** An event the run listens for: its name and optional property filters. */
export interface EventMatch {
  event: string;
  where?: PropertyFilter[];
}

/**
 * When a wait's timer fires. A fixed span is plain arithmetic on workflow time. Anything that depends on
 * the member's calendar (a time of day in their zone, a calendar month) is `resolve`d by the node type on
 * the worker, in an activity: the deadline is then recorded in the run's history, so replaying it never
 * depends on the tz database of the worker that replays (see workflows/journey.workflow.ts).
 */
export type TimerSpec = { kind: 'after'; ms: number } | { kind: 'resolve' };

/** Guard-rails between an action that is due and its effect (see engine/guard). */
export interface GuardSpec {
  /** the channel the effect uses: consent, address, quiet hours and caps are per channel */
  channel: string;
  /** during quiet hours: send when they end (default), skip, or send anyway (transactional) */
  quietHours: 'defer' | 'skip' | 'ignore';
  /** over a frequency cap: wait until the cap frees, or skip (default) */
  overCap: 'defer' | 'skip';
}

export type Behavior =
  /** go straight on through `output` (triggers) */
  | { kind: 'pass'; output: string }
  /** the member leaves the journey here */
  | { kind: 'end'; reason: string }
  /**
   * An effect, run as an activity by the node type's `run`. `skipOutput` is taken when a guard skips it or
   * when the run is in a holdout group and the action reaches the member (a message, a coupon).
   */
  | { kind: 'action'; guard?: GuardSpec; reachesMember?: boolean; skipOutput: string }
  /** the first case whose condition holds for the member's facts (loaded by an activity), else `otherwise` */
  | { kind: 'route'; by: 'conditions'; cases: { output: string; when: Condition }[]; otherwise: string }
  /**
   * A stable random group per member: the bucket is a hash of the journey, the member and the node, so a
   * member lands in the same group on every run and replay. A `holdout` variant marks the run as held out.
   * `legacySeed` keeps the seed of plans compiled before journeys were part of it.
   */
  | {
      kind: 'route';
      by: 'bucket';
      variants: { output: string; percent: number; holdout: boolean }[];
      legacySeed?: boolean;
    }
  /** wait for the first of: a timer, one of some events, an outside completion naming an output */
  | {
      kind: 'wait';
      timer?: { spec: TimerSpec; output: string };
      events?: { match: EventMatch; output: string }[];
      completion?: { outputs: string[] };
    };

export type JsonObject = { [key: string]: unknown };

export interface PlanNode {
  id: string;
  /** node-type id, e.g. `message` or `wait.event` */
  type: string;
  /** node-type version the plan was compiled against; a run keeps calling this version */
  typeVersion: number;
  behavior: Behavior;
  /** the node's normalized config with defaults filled, for its own code (activities), typed there by its schema */
  config: JsonObject;
  /** output id → target node id (every output is connected in a published plan) */
  next: Record<string, string>;
}

/** A journey-level exit: an event, or a member condition that becomes true (a tag added, an attribute). */
export type ExitCriterion =
  | { id: string; label: string; kind: 'event'; match: EventMatch }
  | { id: string; label: string; kind: 'member'; when: Condition };

/** Journey-wide rules, compiled from `document.settings`. */
export interface JourneyRules {
  /** performing this event converts the member wherever they are; within `windowMs` of entry when set */
  goal: {
    match: EventMatch;
    windowMs: number | null;
    /** the event property holding the conversion's value in 元 (`amount` of `order_paid`); absent: no value */
    value?: string | null;
    /** conversions still count this long after the run ended (absent in older plans: 7 days) */
    attributionMs?: number;
  } | null;
  exits: ExitCriterion[];
  /** 1 (lowest) … 10: decides which journey's message is held back when two compete for a cap's last slot */
  priority: number;
  /** when members may enter (ms since epoch, either end open) and how many an hour at most; absent: no limit */
  entry?: { startAt: number | null; endAt: number | null; maxPerHour: number | null };
}

/** How members enter: the trigger node's type turns its config into this at compile time. */
export type EntrySpec = { on: 'event'; match: EventMatch } | { on: string; [key: string]: unknown };

export function isEventEntry(entry: EntrySpec): entry is { on: 'event'; match: EventMatch } {
  return entry.on === 'event' && typeof (entry as { match?: unknown }).match === 'object';
}

export interface ReentryRule {
  mode: 'once' | 'after_exit' | 'cooldown';
  cooldownMs: number | null;
}

export interface Plan {
  planVersion: 2;
  trigger: { nodeId: string; type: string; config: JsonObject; entry: EntrySpec; reentry: ReentryRule };
  journey: JourneyRules;
  /**
   * The nodes. In a stored version: all of them. In a workflow's input: the region around the trigger only;
   * the run loads the rest as it reaches them (see {@link planRegion}), so a 200-node journey does not copy
   * 200 nodes into every member's history.
   */
  nodes: Record<string, PlanNode>;
}

const FIXED_MS: Record<Exclude<DurationUnit, 'months'>, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/** A duration in ms, or null for calendar units (months), which depend on the member's zone. */
export function fixedDurationMs(d: Duration): number | null {
  if (d.unit === 'months') return null;
  return Math.round(d.amount * FIXED_MS[d.unit]);
}

/** Rough length, for limits and ordering (a month counts 31 days). */
export function approxDurationMs(d: Duration): number {
  return d.unit === 'months' ? Math.round(d.amount * 31 * 86_400_000) : (fixedDurationMs(d) as number);
}

/** Does the node pause the run (a wait), so a loop through it is not a busy loop? */
export function pauses(behavior: Behavior): boolean {
  return behavior.kind === 'wait';
}

/** Does the node block on something outside the workflow (an activity or a wait)? */
function blocks(behavior: Behavior): boolean {
  return (
    behavior.kind === 'action' ||
    behavior.kind === 'wait' ||
    (behavior.kind === 'route' && behavior.by === 'conditions')
  );
}

/**
 * The part of a plan a run needs next, starting at `ids`: nodes reached without blocking (pass, bucket
 * routes, ends) and the first blocking node on each path (an action, a wait, a conditions route), not beyond.
 * Activities return the region after the node they ran; a run loads anything still missing on its own.
 */
export function planRegion(nodes: Record<string, PlanNode>, ids: string[], limit = 40): PlanNode[] {
  const out = new Map<string, PlanNode>();
  const stack = [...ids];
  while (stack.length && out.size < limit) {
    const id = stack.pop() as string;
    if (out.has(id) || !Object.hasOwn(nodes, id)) continue;
    const node = nodes[id];
    out.set(id, node);
    if (!blocks(node.behavior)) stack.push(...Object.values(node.next));
  }
  return [...out.values()];
}

/** The plan a workflow starts with: everything but the nodes past the trigger's region. */
export function planHead(plan: Plan): Plan {
  const nodes: Record<string, PlanNode> = {};
  for (const n of planRegion(plan.nodes, [plan.trigger.nodeId])) nodes[n.id] = n;
  return { ...plan, nodes };
}
