import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Command,
  type Input,
  initialState,
  isFinished,
  type RunState,
  type StepRecord,
  step,
} from '../../workflows/core/interpreter.js';
import type { Plan, PlanNode } from '../../workflows/plan.js';
import { ensureMember } from '../repositories/member.repository.js';
import { type Stack, startStack } from '../testing/stack.js';
import { journeyNodeResults } from './report.js';

/**
 * The per-node rollups (db/migrations/0017) against the interpreter itself: random journeys, random members
 * driven through the pure interpreter (actions that pass, skip, defer or fail, waits that time out or hear an
 * event, goals, exits, retries and cancels, runs left mid-way), their steps and run rows written as the
 * worker writes them — in statements of random size, several runs at once. Then, at every node:
 *   entered (from the rollups) = the interpreter's own count of visits, and
 *   entered = passed + waiting + failed + ended here.
 */

type Kind = 'wait' | 'action' | 'split' | 'end';

interface Shape {
  kinds: Kind[];
  /** per node, per output slot: a later node's index, or -1 (end of path) */
  targets: number[][];
  reachesMember: boolean[];
}

function buildPlan(shape: Shape): Plan {
  const nodes: Record<string, PlanNode> = {};
  const id = (i: number) => `n${i}`;
  const to = (i: number, slot: number): string | null => {
    const t = shape.targets[i]?.[slot] ?? -1;
    return t > i && t < shape.kinds.length ? id(t) : null;
  };
  const next = (i: number, outputs: string[]) => {
    const out: Record<string, string> = {};
    outputs.forEach((o, slot) => {
      const t = to(i, slot);
      if (t) out[o] = t;
    });
    return out;
  };
  nodes.t = {
    id: 't',
    type: 'trigger.manual',
    typeVersion: 1,
    behavior: { kind: 'pass', output: 'next' },
    config: {},
    next: shape.kinds.length ? { next: id(0) } : {},
  };
  shape.kinds.forEach((kind, i) => {
    const base = { id: id(i), typeVersion: 1, config: {} };
    if (kind === 'wait')
      nodes[id(i)] = {
        ...base,
        type: 'wait.event',
        behavior: {
          kind: 'wait',
          timer: { spec: { kind: 'after', ms: 60_000 }, output: 'timeout' },
          events: [{ match: { event: 'e' }, output: 'got' }],
        },
        next: next(i, ['timeout', 'got']),
      };
    else if (kind === 'action')
      nodes[id(i)] = {
        ...base,
        type: 'message',
        behavior: { kind: 'action', skipOutput: 'skipped', reachesMember: shape.reachesMember[i] },
        next: next(i, ['sent', 'skipped']),
      };
    else if (kind === 'split')
      nodes[id(i)] = {
        ...base,
        type: 'split',
        behavior: {
          kind: 'route',
          by: 'bucket',
          variants: [
            { output: 'a', percent: 40, holdout: false },
            { output: 'b', percent: 40, holdout: false },
            { output: 'h', percent: 20, holdout: true },
          ],
        },
        next: next(i, ['a', 'b', 'h']),
      };
    else nodes[id(i)] = { ...base, type: 'exit', behavior: { kind: 'end', reason: 'exit_node' }, next: {} };
  });
  return {
    planVersion: 2,
    trigger: {
      nodeId: 't',
      type: 'trigger.manual',
      config: {},
      entry: { on: 'manual' },
      reentry: { mode: 'once', cooldownMs: null },
    },
    journey: {
      goal: { match: { event: 'goal' }, windowMs: null },
      exits: [{ id: '1', label: 'event:quit', kind: 'event', match: { event: 'quit' } }],
      priority: 5,
    },
    nodes,
  };
}

/** One member's run: the interpreter driven by random choices, recording steps and writes as the host does. */
function drive(plan: Plan, memberKey: string, choices: number[], heldOut: boolean) {
  let state: RunState = initialState(memberKey, 'j', heldOut);
  const steps: StepRecord[] = [];
  let now = 1_000_000;
  let eventNo = 0;
  const feed = (input: Input): Command => {
    const r = step(plan, state, input);
    state = r.state;
    steps.push(...r.steps);
    return r.command;
  };
  let command = feed({ type: 'start', now });
  for (const c of choices) {
    now += 1000;
    if (command.type === 'end') break;
    const ev = (name: string) =>
      feed({ type: 'event', event: { id: `ev${eventNo++}`, name, properties: {}, occurredAt: '' }, now });
    if (c % 11 === 10) break; // the run is left where it stands
    if (command.type === 'decideSplit') {
      // sometimes the split has a decided winner
      const variant = c % 3 === 0 ? 'b' : null;
      command = feed({ type: 'splitDecided', nodeId: command.nodeId, variant, now });
    } else if (command.type === 'action') {
      const nodeId = command.nodeId;
      const pick = c % 5;
      if (pick <= 1) command = feed({ type: 'actionDone', nodeId, output: 'sent', now });
      else if (pick === 2)
        command = feed({
          type: 'actionGuarded',
          nodeId,
          decision: { kind: 'skip', reason: 'frequency_cap' },
          now,
        });
      else if (pick === 3)
        command = feed({
          type: 'actionGuarded',
          nodeId,
          decision: { kind: 'defer', until: now + 5000, reason: 'quiet_hours' },
          now,
        });
      else command = feed({ type: 'actionFailed', nodeId, message: 'provider down', now });
    } else if (command.type === 'wait') {
      const pick = c % 6;
      if (pick <= 1) {
        now = Math.max(now, (command.until ?? now) + 1);
        command = feed({ type: 'timer', now });
      } else if (pick === 2) command = ev('e');
      else if (pick === 3) command = ev('goal');
      else if (pick === 4) command = ev('quit');
      else command = ev('unrelated');
    } else if (command.type === 'awaitRetry') {
      const pick = c % 3;
      if (pick === 0) command = feed({ type: 'retry', now });
      else if (pick === 1) command = feed({ type: 'cancel', reason: 'ops', now });
      else command = ev('goal');
    } else break;
  }
  const finished = isFinished(state);
  return {
    steps,
    status: state.status,
    currentNodeId: finished ? null : state.nodeId,
    visits: state.visits,
  };
}

describe('per-node counts from the rollups', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack?.stop());

  it('agree with the interpreter and add up at every node (entered = passed + waiting + failed + ended here)', async () => {
    const kind = fc.constantFrom<Kind>('wait', 'action', 'action', 'split', 'end');
    const shape = fc.integer({ min: 1, max: 7 }).chain((size) =>
      fc.record({
        kinds: fc.array(kind, { minLength: size, maxLength: size }),
        targets: fc.array(fc.array(fc.integer({ min: -1, max: size }), { minLength: 3, maxLength: 3 }), {
          minLength: size,
          maxLength: size,
        }),
        reachesMember: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
      }),
    );
    const members = fc.array(
      fc.record({
        choices: fc.array(fc.nat(1000), { maxLength: 14 }),
        heldOut: fc.boolean(),
        started: fc.integer({ min: 0, max: 9 }),
      }),
      { minLength: 1, maxLength: 12 },
    );
    const memberIds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ensureMember(stack.db, stack.workspaceId, `node-counts-${i}`)),
    );
    await fc.assert(
      fc.asyncProperty(shape, members, fc.integer({ min: 1, max: 5 }), async (s, people, batch) => {
        const plan = buildPlan(s);
        const { id: journeyId } = await stack.ok('POST', '/journeys', { name: `prop ${randomUUID()}` });
        await stack.db
          .insertInto('journey_versions')
          .values({
            journey_id: journeyId,
            version: 1,
            workspace_id: stack.workspaceId,
            document: JSON.stringify({ nodes: [], edges: [] }),
            plan: JSON.stringify(plan),
            note: null,
            trigger_event: null,
            trigger_kind: 'manual',
            trigger_segment_id: null,
            published_by: null,
            published_by_name: null,
          })
          .execute();
        const runs = await stack.db
          .insertInto('runs')
          .values(
            people.map((_, i) => ({
              workspace_id: stack.workspaceId,
              journey_id: journeyId,
              version: 1,
              member_id: memberIds[i],
              entry_no: 1,
              workflow_id: `prop-${randomUUID()}`,
            })),
          )
          .returning('id')
          .execute();
        const expected: Record<string, number> = {};
        const driven = people.map((p, i) => {
          // a few runs never start (their workflow is not running yet): they wait at the trigger
          const d = p.started === 0 ? null : drive(plan, `m${i}`, p.choices, p.heldOut);
          if (d) for (const [node, n] of Object.entries(d.visits)) expected[node] = (expected[node] ?? 0) + n;
          else expected.t = (expected.t ?? 0) + 1;
          return { runId: runs[i].id, d };
        });
        // written as the worker writes them, several runs' steps in one statement, in random chunks
        const stepRows = driven.flatMap(({ runId, d }) =>
          (d?.steps ?? []).map((st) => ({
            run_id: runId,
            seq: st.seq,
            workspace_id: stack.workspaceId,
            journey_id: journeyId,
            node_id: st.nodeId,
            node_type: st.nodeType,
            output: st.output,
            status: st.status,
            reason: typeof st.detail.reason === 'string' ? st.detail.reason : null,
            detail: JSON.stringify(st.detail),
            at: new Date(st.at),
          })),
        );
        const chunk = Math.max(1, Math.ceil(stepRows.length / batch));
        for (let i = 0; i < stepRows.length; i += chunk)
          await stack.db
            .insertInto('run_steps')
            .values(stepRows.slice(i, i + chunk))
            .execute();
        for (const { runId, d } of driven)
          if (d)
            await stack.db
              .updateTable('runs')
              .set({ status: d.status, current_node_id: d.currentNodeId })
              .where('id', '=', runId)
              .execute();

        const nodes = await journeyNodeResults(stack.db, journeyId, 1);
        for (const n of nodes) {
          const passed = Object.values(n.passed).reduce((a, b) => a + b, 0);
          expect({ node: n.nodeId, entered: n.entered }).toEqual({
            node: n.nodeId,
            entered: expected[n.nodeId] ?? 0,
          });
          expect({ node: n.nodeId, sum: passed + n.waiting + n.failed + n.endedHere }).toEqual({
            node: n.nodeId,
            sum: n.entered,
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
