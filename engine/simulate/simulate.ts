import {
  type Command,
  initialState,
  type RunState,
  type StepRecord,
  step,
} from '../../workflows/core/interpreter.js';
import type { Plan } from '../../workflows/plan.js';
import type { NodeRegistry } from '../nodes/registry.js';

export interface SimulatedEvent {
  name: string;
  properties?: Record<string, unknown>;
  /** when, counted from the member's entry */
  afterMs: number;
}

export interface SimulationInput {
  member: { tags: string[]; attributes: Record<string, unknown> };
  events: SimulatedEvent[];
  /** action outputs to assume, by node id (default: the node's first output, e.g. coupon → issued) */
  outcomes?: Record<string, string>;
  /** stop looking this far after entry (default 365 days) */
  horizonMs?: number;
}

export interface SimulationResult {
  steps: (StepRecord & { afterMs: number })[];
  /** where the member stands at the end: finished, or waiting at a node until a time */
  end: { status: RunState['status']; nodeId: string | null; afterMs: number; waitingUntilMs: number | null };
  member: { tags: string[]; attributes: Record<string, unknown> };
}

const DAY = 86_400_000;

/**
 * "What would happen to this member": the same interpreter the workflow hosts, driven by a virtual clock.
 * Waits of months take microseconds; effects are not performed, only their outputs assumed (tags and
 * attributes are applied to the simulated member so later branches see them).
 */
export function simulateJourney(
  plan: Plan,
  registry: NodeRegistry,
  input: SimulationInput,
): SimulationResult {
  const horizon = input.horizonMs ?? 365 * DAY;
  const member = { tags: [...input.member.tags], attributes: { ...input.member.attributes } };
  const events = [...input.events]
    .sort((a, b) => a.afterMs - b.afterMs)
    .map((e, i) => ({ ...e, id: `sim-${i}` }));
  let now = 0;
  let state = initialState('simulated-member');
  const steps: SimulationResult['steps'] = [];
  const feed = (inp: Parameters<typeof step>[2]): Command => {
    const r = step(plan, state, inp);
    state = r.state;
    for (const s of r.steps) steps.push({ ...s, afterMs: s.at });
    return r.command;
  };
  let command = feed({ type: 'start', now });
  for (let guard = 0; guard < 10_000; guard++) {
    if (command.type === 'end' || command.type === 'awaitRetry') break;
    if (command.type === 'action') {
      const node = plan.nodes[command.nodeId];
      const def = registry.get(node.type, node.typeVersion);
      const outputs = def ? registry.outputsOf(def, node.config).map((o) => o.id) : Object.keys(node.next);
      const output = input.outcomes?.[node.id] ?? outputs[0] ?? 'next';
      applyEffect(node.type, node.config, member);
      const vars =
        node.type === 'coupon' && output === 'issued'
          ? {
              coupon: {
                code: 'SIMULATED',
                kind: 'amount',
                value: 0,
                expiresAt: null,
                templateId: String(node.config.templateId),
              },
            }
          : undefined;
      command = feed({ type: 'actionDone', nodeId: node.id, output, detail: { simulated: true }, vars, now });
      continue;
    }
    if (command.type === 'loadMember') {
      command = feed({ type: 'member', nodeId: command.nodeId, member, now });
      continue;
    }
    // A wait: the next event inside it wakes the run, else its timer, unless that is past the horizon.
    const next = events.find((e) => e.afterMs >= now);
    if (next && next.afterMs < command.until) {
      events.splice(events.indexOf(next), 1);
      now = next.afterMs;
      command = feed({
        type: 'event',
        event: {
          id: next.id,
          name: next.name,
          properties: next.properties ?? {},
          occurredAt: new Date(now).toISOString(),
        },
        now,
      });
      continue;
    }
    if (command.until > horizon) break;
    now = command.until;
    command = feed({ type: 'timer', now });
  }
  return {
    steps,
    end: {
      status: state.status,
      nodeId: state.nodeId,
      afterMs: now,
      waitingUntilMs: state.wait?.until ?? null,
    },
    member,
  };
}

function applyEffect(type: string, config: Record<string, unknown>, member: SimulationInput['member']) {
  if (type === 'tag') {
    const add = (config.add ?? []) as string[];
    const remove = (config.remove ?? []) as string[];
    member.tags = [...new Set([...member.tags.filter((t) => !remove.includes(t)), ...add])];
  } else if (type === 'attribute') {
    Object.assign(member.attributes, config.set as Record<string, unknown>);
  }
}
