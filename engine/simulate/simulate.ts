import type { MemberFacts } from '../../workflows/core/conditions.js';
import {
  type Command,
  type Input,
  initialState,
  type RunState,
  type StepRecord,
  step,
} from '../../workflows/core/interpreter.js';
import type { Plan } from '../../workflows/plan.js';
import { decideGuard, decideMonthlyQuota, type FrequencyCap, type QuietHours } from '../guard/guard-rules.js';
import type { GuideCandidate } from '../guides/guide-choice.js';
import type { SimulatedMember } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';

export interface SimulatedEvent {
  name: string;
  properties?: Record<string, unknown>;
  /** when, counted from the member's entry */
  afterMs: number;
}

export interface SimulationInput {
  member: {
    tags: string[];
    attributes: Record<string, unknown>;
    timezone?: string | null;
    consent?: Record<string, boolean>;
    /** the member's own shopping guide; absent or null: none (a guide task then takes 无导购, as for real) */
    guide?: GuideCandidate | null;
  };
  events: SimulatedEvent[];
  /** when the member enters (ms since epoch; default now): time-of-day waits and quiet hours depend on it */
  startAt?: number;
  /** action outputs to assume, by node id (default: what the node type's simulation says, else its first output) */
  outcomes?: Record<string, string>;
  /** stop looking this far after entry (default 365 days) */
  horizonMs?: number;
  /** a journey key for stable split groups (the journey id) and the member's (its id, or a made-up one) */
  journeyKey?: string;
  memberKey?: string;
  /** the member was held out of this journey before */
  heldOut?: boolean;
}

/** What the guard stage reads besides the member: the workspace's rules and the member's real contact history. */
export interface SimulationContext {
  timezone: string;
  quietHours: QuietHours | null;
  frequencyCaps: FrequencyCap[];
  /** contacts the member already had (a real member's ledger), any channel */
  contacts: { channel: string; at: number }[];
  /** channels on which the member has no address (a real member without a phone number, say) */
  noAddress?: string[];
  /** platform allowances per member per calendar month, by channel (WeCom mass messages) */
  monthlyQuotas?: Record<string, number>;
  /** split node id → its decided winner, as the worker would read it now (engine/results/split-decision.ts) */
  splitDecisions?: Record<string, string>;
  /** the workspace's guides that the plan names by WeCom user id (a guide task's fallback) */
  guidesByWecomUserId?: Record<string, GuideCandidate>;
  /** channels whose configured provider would skip this member, with the reason (WeCom: no guide) */
  channelSkips?: Record<string, string>;
}

export interface SimulationResult {
  steps: (StepRecord & { afterMs: number })[];
  /** where the member stands at the end: finished, or waiting at a node until a time */
  end: {
    status: RunState['status'];
    nodeId: string | null;
    afterMs: number;
    waitingUntilMs: number | null;
    exitReason: string | null;
  };
  member: { tags: string[]; attributes: Record<string, unknown> };
  startAt: number;
}

const DAY = 86_400_000;
const NO_CONTEXT: SimulationContext = {
  timezone: 'Asia/Shanghai',
  quietHours: null,
  frequencyCaps: [],
  contacts: [],
};

/** The steps one simulation may take: a loop over ten years is refused, not drawn as a 50,000-row timeline. */
export const MAX_SIMULATION_STEPS = 10_000;

/** A simulation past its step limit or its time: the caller shortens the horizon or the loop. */
export class SimulationTooLong extends Error {
  constructor(
    readonly limit: 'steps' | 'time',
    message: string,
  ) {
    super(message);
    this.name = 'SimulationTooLong';
  }
}

/**
 * "What would happen to this member": the same interpreter the workflow hosts, driven by a virtual clock.
 * Waits of months take microseconds; effects are not performed — each node type says how it would play out
 * (`simulate`), time-of-day waits ask the node type's `deadline`, and guarded actions go through the same
 * guard rules as the worker, against the member's real contact history when there is one.
 * Throws SimulationTooLong past MAX_SIMULATION_STEPS. Synchronous: the API runs `simulateJourneyInSlices`.
 */
export function simulateJourney(
  plan: Plan,
  registry: NodeRegistry,
  input: SimulationInput,
  context: SimulationContext = NO_CONTEXT,
): SimulationResult {
  const run = simulation(plan, registry, input, context);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/**
 * `simulateJourney` without holding the event loop: the simulation gives way to other requests every
 * `sliceMs` of work, and is abandoned (SimulationTooLong) once it has run `timeoutMs` of wall time.
 * Why slices rather than a worker thread: node types are objects with functions (a test's `registry.with`,
 * custom nodes discovered at start), which a worker could only have by discovering them again itself.
 */
export async function simulateJourneyInSlices(
  plan: Plan,
  registry: NodeRegistry,
  input: SimulationInput,
  context: SimulationContext,
  opts: { timeoutMs: number; sliceMs?: number },
): Promise<SimulationResult> {
  const run = simulation(plan, registry, input, context);
  const sliceMs = opts.sliceMs ?? 10;
  const deadline = performance.now() + opts.timeoutMs;
  let sliceEnd = performance.now() + sliceMs;
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
    const now = performance.now();
    if (now > deadline) {
      throw new SimulationTooLong(
        'time',
        `the simulation ran for more than ${opts.timeoutMs / 1000} s; shorten horizonDays or the journey's loops`,
      );
    }
    if (now >= sliceEnd) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnd = performance.now() + sliceMs;
    }
  }
}

/** The simulation as a generator that pauses after each step of the host loop (its callers decide when to go on). */
function* simulation(
  plan: Plan,
  registry: NodeRegistry,
  input: SimulationInput,
  context: SimulationContext,
): Generator<void, SimulationResult> {
  const start = input.startAt ?? Date.now();
  const horizon = start + (input.horizonMs ?? 365 * DAY);
  const member: SimulatedMember = {
    tags: [...input.member.tags],
    attributes: { ...input.member.attributes },
    timezone: input.member.timezone ?? context.timezone,
    consent: { ...(input.member.consent ?? {}) },
    guide: input.member.guide ?? null,
  };
  const guideByWecomUserId = (id: string) =>
    context.guidesByWecomUserId && Object.hasOwn(context.guidesByWecomUserId, id)
      ? context.guidesByWecomUserId[id]
      : null;
  const facts = (): MemberFacts => ({ tags: [...member.tags], attributes: { ...member.attributes } });
  const contacts = [...context.contacts];
  const events = [...input.events]
    .sort((a, b) => a.afterMs - b.afterMs)
    .map((e, i) => ({ ...e, at: start + e.afterMs, id: `sim-${i}` }));
  let now = start;
  let state = initialState(
    input.memberKey ?? 'simulated-member',
    input.journeyKey ?? '',
    input.heldOut ?? false,
  );
  const steps: SimulationResult['steps'] = [];
  const tooLong = () =>
    new SimulationTooLong(
      'steps',
      `the simulation took more than ${MAX_SIMULATION_STEPS.toLocaleString('en')} steps; shorten horizonDays or the journey's loops`,
    );
  const feed = (inp: Input): Command => {
    const r = step(plan, state, inp);
    state = r.state;
    for (const s of r.steps) steps.push({ ...s, afterMs: s.at - start });
    if (steps.length > MAX_SIMULATION_STEPS) throw tooLong();
    return r.command;
  };
  let command = feed({ type: 'start', now });
  for (let turn = 0; ; turn++) {
    // most turns record a step; events a wait ignores do not, and are at most a few hundred
    if (turn > MAX_SIMULATION_STEPS) throw tooLong();
    if (turn > 0) yield;
    if (command.type === 'end' || command.type === 'awaitRetry' || command.type === 'loadNodes') break;
    if (command.type === 'action') {
      const node = plan.nodes[command.nodeId];
      const def = registry.get(node.type, node.typeVersion);
      if (command.guard) {
        let outcome = decideGuard({
          spec: command.guard,
          now,
          timezone: member.timezone,
          quietHours: context.quietHours,
          caps: context.frequencyCaps,
          contacts,
          consent: member.consent[command.guard.channel] !== false,
          address: context.noAddress?.includes(command.guard.channel) ? null : 'simulated',
        });
        const quota = context.monthlyQuotas?.[command.guard.channel];
        if (outcome.kind === 'allow' && quota !== undefined)
          outcome = decideMonthlyQuota({
            spec: command.guard,
            now,
            timezone: context.timezone,
            quota,
            contacts,
          });
        if (outcome.kind !== 'allow') {
          command = feed({
            type: 'actionGuarded',
            nodeId: node.id,
            decision: outcome,
            detail: { simulated: true },
            now,
          });
          continue;
        }
        contacts.push({ channel: command.guard.channel, at: now });
      }
      const config = def ? def.config.parse(node.config) : node.config;
      const effect = def?.simulate?.(config, {
        member,
        now: new Date(now),
        guideByWecomUserId,
        channelSkip: (ch) =>
          context.channelSkips && Object.hasOwn(context.channelSkips, ch) ? context.channelSkips[ch] : null,
      });
      // a send the provider skipped gives its slot back, as the worker's delivery does
      if (command.guard && effect?.detail?.status === 'skipped') contacts.pop();
      const outputs = def ? registry.outputsOf(def, node.config).map((o) => o.id) : Object.keys(node.next);
      const assumed = effect?.decided ? undefined : input.outcomes?.[node.id];
      if (effect?.wait) {
        // As the worker: the effect is recorded (a task created), then the run waits for its completion.
        const w = effect.wait;
        command = feed({
          type: 'actionDone',
          nodeId: node.id,
          output: effect.output,
          detail: { ...effect.detail, simulated: true },
          vars: effect.vars as Record<string, unknown> | undefined,
          member: facts(),
          wait: {
            until: now + w.afterMs,
            timeoutOutput: w.timeoutOutput,
            completionOutputs: w.completionOutputs,
          },
          now,
        });
        // assumed done at once; an assumed timeout lets the deadline pass (the wait loop below)
        const completion = assumed ?? w.completionOutputs[0];
        if (completion && completion !== w.timeoutOutput && w.completionOutputs.includes(completion))
          command = feed({
            type: 'completion',
            nodeId: node.id,
            output: completion,
            detail: { simulated: true },
            now,
          });
        continue;
      }
      const output = assumed ?? effect?.output ?? outputs[0] ?? 'next';
      command = feed({
        type: 'actionDone',
        nodeId: node.id,
        output,
        detail: { ...effect?.detail, simulated: true },
        vars: effect?.vars as Record<string, unknown> | undefined,
        member: facts(),
        now,
      });
      continue;
    }
    if (command.type === 'loadMember') {
      command = feed({ type: 'member', nodeId: command.nodeId, member: facts(), now });
      continue;
    }
    if (command.type === 'decideSplit') {
      const variant = context.splitDecisions?.[command.nodeId] ?? null;
      command = feed({ type: 'splitDecided', nodeId: command.nodeId, variant, now });
      continue;
    }
    if (command.type === 'resolveTime') {
      const def = registry.get(command.nodeType, command.typeVersion);
      if (!def?.deadline) break;
      const at = def.deadline(def.config.parse(command.config), {
        from: new Date(command.from),
        timezone: member.timezone,
      });
      command = feed({ type: 'timeResolved', nodeId: command.nodeId, at: at.getTime(), now });
      continue;
    }
    // A wait: the next event inside it wakes the run, else its timer, unless that is past the horizon.
    const next = events.find((e) => e.at >= now);
    if (next && (command.until === null || next.at < command.until)) {
      events.splice(events.indexOf(next), 1);
      now = next.at;
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
    if (command.until === null || command.until > horizon) break;
    now = command.until;
    command = feed({ type: 'timer', now });
  }
  const waitingUntil = state.waits.reduce<number | null>(
    (min, w) =>
      w.until !== null && (w.reason === 'node' || w.reason === 'deferred') && (min === null || w.until < min)
        ? w.until
        : min,
    null,
  );
  return {
    steps,
    end: {
      status: state.status,
      nodeId: state.nodeId,
      afterMs: now - start,
      waitingUntilMs: waitingUntil === null ? null : waitingUntil - start,
      exitReason: state.exitReason,
    },
    member: { tags: member.tags, attributes: member.attributes },
    startAt: start,
  };
}
