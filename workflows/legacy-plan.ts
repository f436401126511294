/**
 * Plans compiled before node behaviours existed (planVersion 1) named a closed set of node kinds. Runs
 * started on them still exist (and their histories must replay), so they are translated here, once, into
 * today's behaviours — with exactly the semantics they were compiled with (the split seed, no guard-rails,
 * no journey rules). Pure: imported by workflow code.
 */
import type { Behavior, Condition, Duration, JsonObject, Plan, PlanNode, PropertyFilter } from './plan.js';
import { fixedDurationMs } from './plan.js';

interface PlanNodeV1 {
  id: string;
  type: string;
  typeVersion: number;
  kind: 'trigger' | 'wait.duration' | 'wait.event' | 'branch' | 'split' | 'exit' | 'action';
  config: JsonObject;
  next: Record<string, string>;
}

export interface PlanV1 {
  planVersion: 1;
  trigger: { nodeId: string; type: string; config: JsonObject };
  nodes: Record<string, PlanNodeV1>;
}

function behaviorV1(node: PlanNodeV1): Behavior {
  const c = node.config;
  switch (node.kind) {
    case 'trigger':
      return { kind: 'pass', output: 'next' };
    case 'exit':
      return { kind: 'end', reason: 'exit_node' };
    case 'action':
      return { kind: 'action', skipOutput: Object.keys(node.next)[0] ?? 'next' };
    case 'wait.duration':
      return {
        kind: 'wait',
        timer: {
          spec: { kind: 'after', ms: fixedDurationMs(c as unknown as Duration) ?? 0 },
          output: 'next',
        },
      };
    case 'wait.event':
      return {
        kind: 'wait',
        timer: {
          spec: { kind: 'after', ms: fixedDurationMs(c.timeout as Duration) ?? 0 },
          output: 'timeout',
        },
        events: [
          {
            match: { event: String(c.event), where: c.where as PropertyFilter[] | undefined },
            output: 'matched',
          },
        ],
      };
    case 'branch':
      return {
        kind: 'route',
        by: 'conditions',
        cases: ((c.conditions ?? []) as { id: string; when: Condition }[]).map((x) => ({
          output: x.id,
          when: x.when,
        })),
        otherwise: 'else',
      };
    case 'split':
      return {
        kind: 'route',
        by: 'bucket',
        variants: ((c.variants ?? []) as { id: string; percent: number }[]).map((v) => ({
          output: v.id,
          percent: v.percent,
          holdout: false,
        })),
        legacySeed: true,
      };
  }
}

/** Today's plan shape for a plan of any version. */
export function upgradePlan(plan: Plan | PlanV1): Plan {
  if (plan.planVersion === 2) return plan;
  const nodes: Record<string, PlanNode> = {};
  for (const [id, n] of Object.entries(plan.nodes)) {
    nodes[id] = {
      id: n.id,
      type: n.type,
      typeVersion: n.typeVersion,
      behavior: behaviorV1(n),
      config: n.config,
      next: n.next,
    };
  }
  const tc = plan.trigger.config as {
    event?: string;
    where?: PropertyFilter[];
    reentry?: 'once' | 'after_exit' | 'cooldown';
    cooldown?: Duration;
  };
  return {
    planVersion: 2,
    trigger: {
      ...plan.trigger,
      entry: { on: 'event', match: { event: String(tc.event ?? ''), where: tc.where } },
      reentry: {
        mode: tc.reentry ?? 'once',
        cooldownMs: tc.cooldown ? fixedDurationMs(tc.cooldown) : null,
      },
    },
    journey: { goal: null, exits: [], priority: 5 },
    nodes,
  };
}
