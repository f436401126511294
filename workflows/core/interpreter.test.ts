import { describe, expect, it } from 'vitest';
import { type PlanV1, upgradePlan } from '../legacy-plan.js';
import type { Plan } from '../plan.js';

type PlanNode = PlanV1['nodes'][string];

import {
  type Command,
  type Input,
  initialState,
  type RunState,
  type StepRecord,
  step,
} from './interpreter.js';

const DAY = 86_400_000;
const n = (
  id: string,
  type: string,
  kind: PlanNode['kind'],
  config: Record<string, unknown>,
  next: Record<string, string> = {},
): PlanNode => ({
  id,
  type,
  typeVersion: 1,
  kind,
  config,
  next,
});

/** welcome: trigger → coupon → message → wait for order (3 days) → thanks | reminder → exit */
const welcome: PlanV1 = {
  planVersion: 1,
  trigger: { nodeId: 't', type: 'trigger.event', config: { event: 'member_registered' } },
  nodes: {
    t: n('t', 'trigger.event', 'trigger', { event: 'member_registered' }, { next: 'coupon' }),
    coupon: n('coupon', 'coupon', 'action', { templateId: 'x' }, { issued: 'msg', unavailable: 'end' }),
    msg: n('msg', 'message', 'action', { channel: 'sms', body: 'hi' }, { next: 'wait' }),
    wait: n(
      'wait',
      'wait.event',
      'wait.event',
      {
        event: 'order_paid',
        where: [{ property: 'amount', op: 'gte', value: 100 }],
        timeout: { amount: 3, unit: 'days' },
      },
      { matched: 'thanks', timeout: 'reminder' },
    ),
    thanks: n('thanks', 'tag', 'action', { add: ['buyer'] }, { next: 'end' }),
    reminder: n('reminder', 'message', 'action', { body: 'reminder' }, { next: 'end' }),
    end: n('end', 'exit', 'exit', {}),
  },
};

/** Drive the interpreter like a host would, collecting steps. */
class Harness {
  state: RunState;
  command: Command;
  steps: StepRecord[] = [];
  readonly plan: Plan;
  constructor(plan: Plan | PlanV1, memberKey = 'm1', now = 0) {
    this.plan = upgradePlan(plan);
    this.state = initialState(memberKey);
    this.command = this.feed({ type: 'start', now });
  }
  feed(input: Input): Command {
    const r = step(this.plan, this.state, input);
    this.state = r.state;
    this.steps.push(...r.steps);
    this.command = r.command;
    // a split asks for a decided winner: none here, the random split stands
    if (r.command.type === 'decideSplit')
      return this.feed({ type: 'splitDecided', nodeId: r.command.nodeId, variant: null, now: input.now });
    return r.command;
  }
  done(output: string, now: number, vars?: Record<string, unknown>) {
    const c = this.command;
    if (c.type !== 'action') throw new Error(`expected an action, got ${c.type}`);
    return this.feed({ type: 'actionDone', nodeId: c.nodeId, output, vars, now });
  }
  path() {
    return this.steps.map((s) => `${s.nodeId}:${s.output ?? s.status}`);
  }
}

/** Plans compiled before behaviours existed (planVersion 1) still run exactly as they did. */
describe('interpreter on legacy (v1) plans', () => {
  it('runs actions one at a time and stops at a wait', () => {
    const h = new Harness(welcome);
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'coupon', visit: 1 });
    h.done('issued', 10, { coupon: { code: 'C1' } });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'msg' });
    h.done('next', 20);
    expect(h.command).toEqual({ type: 'wait', nodeId: 'wait', until: 20 + 3 * DAY });
    expect(h.state.status).toBe('waiting');
    expect(h.state.vars).toEqual({ coupon: { code: 'C1' } });
  });

  it('takes matched when the awaited event arrives and passes its filter', () => {
    const h = new Harness(welcome);
    h.done('issued', 0);
    h.done('next', 0);
    h.feed({
      type: 'event',
      event: { id: 'e1', name: 'order_paid', properties: { amount: 50 }, occurredAt: '' },
      now: 5,
    });
    expect(h.command.type).toBe('wait'); // filtered out: amount < 100
    h.feed({
      type: 'event',
      event: { id: 'e2', name: 'order_paid', properties: { amount: 120 }, occurredAt: '' },
      now: DAY,
    });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'thanks' });
    h.done('next', DAY + 1);
    expect(h.command).toEqual({ type: 'end' });
    expect(h.state.status).toBe('completed');
    expect(h.path()).toEqual([
      't:next',
      'coupon:issued',
      'msg:next',
      'wait:matched',
      'thanks:next',
      'end:ok',
    ]);
  });

  it('takes timeout when the timer fires first, and ignores an early wake-up', () => {
    const h = new Harness(welcome);
    h.done('issued', 0);
    h.done('next', 0);
    h.feed({ type: 'timer', now: DAY });
    expect(h.command.type).toBe('wait');
    h.feed({ type: 'timer', now: 3 * DAY });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'reminder' });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'wait',
      output: 'timeout',
      detail: { waitedMs: 3 * DAY },
    });
  });

  it('counts an event that arrived while actions ran, when the wait is reached', () => {
    const h = new Harness(welcome);
    h.feed({
      type: 'event',
      event: { id: 'e1', name: 'order_paid', properties: { amount: 300 }, occurredAt: '' },
      now: 1,
    });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'coupon' }); // still the same action: not repeated, not skipped
    h.done('issued', 2);
    h.done('next', 3);
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'thanks' });
  });

  it('counts a redelivered event once', () => {
    const h = new Harness(welcome);
    const ev = { id: 'same', name: 'app_open', properties: {}, occurredAt: '' };
    h.feed({ type: 'event', event: ev, now: 1 });
    h.feed({ type: 'event', event: ev, now: 2 });
    expect(h.state.inbox).toHaveLength(1);
  });

  it('follows the unavailable output of a coupon', () => {
    const h = new Harness(welcome);
    h.done('unavailable', 0);
    expect(h.command).toEqual({ type: 'end' });
    expect(h.path()).toEqual(['t:next', 'coupon:unavailable', 'end:ok']);
  });

  it('marks a failed action, waits for retry, and retries with the same visit (same idempotency key)', () => {
    const h = new Harness(welcome);
    h.feed({
      type: 'actionFailed',
      nodeId: 'coupon',
      message: 'template missing',
      code: 'coupon_template_missing',
      now: 1,
    });
    expect(h.state.status).toBe('failed');
    expect(h.command).toEqual({ type: 'awaitRetry', nodeId: 'coupon' });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'coupon',
      status: 'failed',
      detail: { error: 'template missing' },
    });
    h.feed({ type: 'retry', now: 2 });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'coupon', visit: 1 });
    h.done('issued', 3);
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'msg' });
  });

  it('ignores a stale action result for another node', () => {
    const h = new Harness(welcome);
    h.feed({ type: 'actionDone', nodeId: 'msg', output: 'next', now: 1 });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'coupon' });
  });

  it('cancels wherever the run waits', () => {
    const h = new Harness(welcome);
    h.done('issued', 0);
    h.done('next', 0);
    h.feed({ type: 'cancel', reason: 'ops', now: 5 });
    expect(h.command).toEqual({ type: 'end' });
    expect(h.state).toMatchObject({ status: 'cancelled', exitReason: 'ops', waits: [] });
  });

  it('evaluates branch conditions in order on loaded member facts, else the else output', () => {
    const plan: PlanV1 = {
      planVersion: 1,
      trigger: { nodeId: 't', type: 'trigger.event', config: {} },
      nodes: {
        t: n('t', 'trigger.event', 'trigger', {}, { next: 'b' }),
        b: n(
          'b',
          'branch',
          'branch',
          {
            conditions: [
              { id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } },
              { id: 'big', label: 'Big', when: { kind: 'attribute', key: 'spend', op: 'gte', value: 1000 } },
            ],
          },
          { vip: 'x', big: 'x', else: 'x' },
        ),
        x: n('x', 'exit', 'exit', {}),
      },
    };
    const run = (member: { tags: string[]; attributes: Record<string, unknown> }) => {
      const h = new Harness(plan);
      expect(h.command).toEqual({ type: 'loadMember', nodeId: 'b' });
      h.feed({ type: 'member', nodeId: 'b', member, now: 1 });
      return h.steps.find((s) => s.nodeId === 'b')!.output;
    };
    expect(run({ tags: ['vip'], attributes: { spend: 5000 } })).toBe('vip');
    expect(run({ tags: [], attributes: { spend: '1200' } })).toBe('big');
    expect(run({ tags: ['x'], attributes: {} })).toBe('else');
  });

  it('puts a member in the same split group every time, close to the given percentages', () => {
    const plan: PlanV1 = {
      planVersion: 1,
      trigger: { nodeId: 't', type: 'trigger.event', config: {} },
      nodes: {
        t: n('t', 'trigger.event', 'trigger', {}, { next: 's' }),
        s: n(
          's',
          'split',
          'split',
          {
            variants: [
              { id: 'a', label: 'A', percent: 45 },
              { id: 'b', label: 'B', percent: 45 },
              { id: 'hold', label: 'Holdout', percent: 10 },
            ],
          },
          { a: 'x', b: 'x', hold: 'x' },
        ),
        x: n('x', 'exit', 'exit', {}),
      },
    };
    const group = (member: string) => new Harness(plan, member).steps.find((s) => s.nodeId === 's')!.output;
    expect(group('member-42')).toBe(group('member-42'));
    const counts: Record<string, number> = { a: 0, b: 0, hold: 0 };
    for (let i = 0; i < 5000; i++) counts[group(`m${i}`)!]++;
    expect(counts.hold / 5000).toBeGreaterThan(0.07);
    expect(counts.hold / 5000).toBeLessThan(0.13);
    expect(counts.a / 5000).toBeGreaterThan(0.4);
  });

  it('counts visits in a loop so each pass has its own idempotency key', () => {
    const plan: PlanV1 = {
      planVersion: 1,
      trigger: { nodeId: 't', type: 'trigger.event', config: {} },
      nodes: {
        t: n('t', 'trigger.event', 'trigger', {}, { next: 'm' }),
        m: n('m', 'message', 'action', { body: 'weekly' }, { next: 'w' }),
        w: n('w', 'wait.duration', 'wait.duration', { amount: 7, unit: 'days' }, { next: 'm' }),
      },
    };
    const h = new Harness(plan);
    expect(h.command).toMatchObject({ nodeId: 'm', visit: 1 });
    h.done('next', 0);
    expect(h.command).toEqual({ type: 'wait', nodeId: 'w', until: 7 * DAY });
    h.feed({ type: 'timer', now: 7 * DAY });
    expect(h.command).toMatchObject({ nodeId: 'm', visit: 2 });
  });

  it('does not mutate the state it is given (hosts may keep it for queries)', () => {
    const s0 = initialState('m');
    const frozen = JSON.stringify(s0);
    step(upgradePlan(welcome), s0, { type: 'start', now: 0 });
    expect(JSON.stringify(s0)).toBe(frozen);
  });
});
