/**
 * The compiled journey plan: plain, validated data that the generic workflow interprets.
 * This file is imported by workflow code, so it holds types and tiny pure helpers only —
 * no zod, no registry, nothing heavy (see ARCHITECTURE.md, "Workflow code stays small").
 */

/** How the interpreter treats a node. Control kinds run inside the workflow; `action` runs as an activity. */
export type PlanNodeKind =
  | 'trigger'
  | 'wait.duration'
  | 'wait.event'
  | 'branch'
  | 'split'
  | 'exit'
  | 'action';

export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days';
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
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] };

export interface PlanNode {
  id: string;
  /** node-type id, e.g. `message` or `wait.event` */
  type: string;
  /** node-type version the plan was compiled against; a run keeps calling this version */
  typeVersion: number;
  kind: PlanNodeKind;
  /** normalized config with defaults filled */
  config: Record<string, unknown>;
  /** output id → target node id (every output is connected in a published plan) */
  next: Record<string, string>;
}

export interface Plan {
  planVersion: 1;
  trigger: { nodeId: string; type: string; config: Record<string, unknown> };
  nodes: Record<string, PlanNode>;
}

export function durationMs(d: Duration): number {
  const unit = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[d.unit];
  return Math.round(d.amount * unit);
}
