import { describe, expect, it } from 'vitest';
import type { Behavior, GuardSpec, JourneyRules, Plan, PlanNode } from '../plan.js';
import { planHead } from '../plan.js';
import {
  type Command,
  type Input,
  initialState,
  type RunState,
  type StepRecord,
  step,
} from './interpreter.js';

const DAY = 86_400_000;
const SMS: GuardSpec = { channel: 'sms', quietHours: 'defer', overCap: 'skip' };
const n = (id: string, type: string, behavior: Behavior, next: Record<string, string> = {}): PlanNode => ({
  id,
  type,
  typeVersion: 1,
  behavior,
  config: {},
  next,
});
const action = (extra: Partial<Extract<Behavior, { kind: 'action' }>> = {}): Behavior => ({
  kind: 'action',
  skipOutput: 'next',
  ...extra,
});
const waitDays = (days: number): Behavior => ({
  kind: 'wait',
  timer: { spec: { kind: 'after', ms: days * DAY }, output: 'next' },
});

function plan(nodes: PlanNode[], journey: Partial<JourneyRules> = {}): Plan {
  return {
    planVersion: 2,
    trigger: {
      nodeId: 't',
      type: 'trigger.event',
      config: {},
      entry: { on: 'event', match: { event: 'x' } },
      reentry: { mode: 'once', cooldownMs: null },
    },
    journey: { goal: null, exits: [], priority: 5, ...journey },
    nodes: Object.fromEntries(nodes.map((x) => [x.id, x])),
  };
}

/** trigger → message → wait 30 days → reminder message → exit, with a goal on order_paid */
const repurchase = (journey: Partial<JourneyRules> = {}) =>
  plan(
    [
      n('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 'msg' }),
      n('msg', 'message', action({ guard: SMS, reachesMember: true }), { next: 'wait' }),
      n('wait', 'wait.duration', waitDays(30), { next: 'reminder' }),
      n('reminder', 'message', action({ guard: SMS, reachesMember: true }), { next: 'end' }),
      n('end', 'exit', { kind: 'end', reason: 'exit_node' }),
    ],
    { goal: { match: { event: 'order_paid' }, windowMs: null }, ...journey },
  );

class Harness {
  state: RunState;
  command: Command;
  steps: StepRecord[] = [];
  constructor(
    readonly plan: Plan,
    opts: {
      member?: string;
      journey?: string;
      heldOut?: boolean;
      now?: number;
      /** split node → its decided winner, answered as the host would */
      decisions?: Record<string, string>;
    } = {},
  ) {
    this.decisions = opts.decisions ?? {};
    this.state = initialState(opts.member ?? 'm1', opts.journey ?? 'j1', opts.heldOut ?? false);
    this.command = this.feed({ type: 'start', now: opts.now ?? 0 });
  }
  readonly decisions: Record<string, string>;
  asked: string[] = [];
  feed(input: Input): Command {
    const r = step(this.plan, this.state, input);
    this.state = r.state;
    this.steps.push(...r.steps);
    this.command = r.command;
    if (r.command.type === 'decideSplit') {
      this.asked.push(r.command.nodeId);
      const variant = this.decisions[r.command.nodeId] ?? null;
      return this.feed({ type: 'splitDecided', nodeId: r.command.nodeId, variant, now: input.now });
    }
    return r.command;
  }
  done(output: string, now: number, extra: Partial<Extract<Input, { type: 'actionDone' }>> = {}) {
    const c = this.command;
    if (c.type !== 'action') throw new Error(`expected an action, got ${c.type}`);
    return this.feed({ type: 'actionDone', nodeId: c.nodeId, output, now, ...extra });
  }
  event(name: string, now: number, properties: Record<string, unknown> = {}) {
    return this.feed({
      type: 'event',
      event: { id: `${name}@${now}`, name, properties, occurredAt: '' },
      now,
    });
  }
  path() {
    return this.steps.map((s) => `${s.nodeId}:${s.output ?? s.status}`);
  }
}

describe('goal: the run ends at once as converted, wherever it is', () => {
  it('in the middle of a 30-day wait', () => {
    const h = new Harness(repurchase());
    h.done('next', 0);
    expect(h.command).toEqual({ type: 'wait', nodeId: 'wait', until: 30 * DAY });
    h.event('order_paid', 2 * DAY);
    expect(h.command).toEqual({ type: 'end' });
    expect(h.state).toMatchObject({ status: 'converted', exitReason: 'goal', waits: [] });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'wait',
      status: 'converted',
      at: 2 * DAY,
      detail: { goal: 'order_paid' },
    });
  });

  it('while an action is due (nothing further is sent)', () => {
    const h = new Harness(repurchase());
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'msg' });
    h.event('order_paid', 1);
    expect(h.command).toEqual({ type: 'end' });
    expect(h.path()).toEqual(['t:next', 'msg:converted']);
  });

  it('in the middle of a deferral', () => {
    const h = new Harness(repurchase());
    h.feed({
      type: 'actionGuarded',
      nodeId: 'msg',
      decision: { kind: 'defer', until: 9 * 3600_000, reason: 'quiet_hours' },
      now: 0,
    });
    expect(h.command).toEqual({ type: 'wait', nodeId: 'msg', until: 9 * 3600_000 });
    h.event('order_paid', 3600_000);
    expect(h.state.status).toBe('converted');
    expect(h.path()).toEqual(['t:next', 'msg:deferred', 'msg:converted']);
  });

  it('while failed and waiting for a retry', () => {
    const h = new Harness(repurchase());
    h.feed({ type: 'actionFailed', nodeId: 'msg', message: 'boom', now: 1 });
    expect(h.command.type).toBe('awaitRetry');
    h.event('order_paid', 2);
    expect(h.state).toMatchObject({ status: 'converted', failure: null });
  });

  it('honours property filters and the conversion window', () => {
    const p = repurchase({
      goal: {
        match: { event: 'order_paid', where: [{ property: 'amount', op: 'gte', value: 100 }] },
        windowMs: 7 * DAY,
      },
    });
    const h = new Harness(p);
    h.done('next', 0);
    expect(h.command).toEqual({ type: 'wait', nodeId: 'wait', until: 7 * DAY }); // wakes when the window closes
    h.event('order_paid', DAY, { amount: 50 });
    expect(h.state.status).toBe('waiting');
    h.feed({ type: 'timer', now: 7 * DAY });
    expect(h.command).toEqual({ type: 'wait', nodeId: 'wait', until: 30 * DAY });
    h.event('order_paid', 8 * DAY, { amount: 500 });
    expect(h.state.status).toBe('waiting'); // after the window: not a conversion
    h.feed({ type: 'timer', now: 30 * DAY });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'reminder' });
  });

  it('does not count the same event twice', () => {
    const h = new Harness(repurchase());
    h.done('next', 0);
    const ev = { id: 'e1', name: 'app_open', properties: {}, occurredAt: '' };
    h.feed({ type: 'event', event: ev, now: 1 });
    h.feed({ type: 'event', event: ev, now: 2 });
    expect(h.state.inbox).toHaveLength(1);
  });
});

describe('exit criteria', () => {
  const exits: JourneyRules['exits'] = [
    { id: '1', label: 'event:unsubscribed', kind: 'event', match: { event: 'unsubscribed' } },
    {
      id: '2',
      label: 'tag:do_not_contact',
      kind: 'member',
      when: { kind: 'tag', op: 'has', tag: 'do_not_contact' },
    },
    {
      id: '3',
      label: 'attribute:level eq blacklist',
      kind: 'member',
      when: { kind: 'attribute', key: 'level', op: 'eq', value: 'blacklist' },
    },
  ];

  it('an event ends the run as exited with the criterion as reason', () => {
    const h = new Harness(repurchase({ exits }));
    h.done('next', 0);
    h.event('unsubscribed', DAY);
    expect(h.state).toMatchObject({ status: 'exited', exitReason: 'exit:event:unsubscribed' });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'wait',
      status: 'exited',
      detail: { criterion: 'event:unsubscribed' },
    });
  });

  it('a tag added elsewhere (member update) ends it at once', () => {
    const h = new Harness(repurchase({ exits }));
    h.done('next', 0);
    h.feed({ type: 'memberChanged', member: { tags: ['vip'], attributes: {} }, now: 1 });
    expect(h.state.status).toBe('waiting');
    h.feed({ type: 'memberChanged', member: { tags: ['vip', 'do_not_contact'], attributes: {} }, now: 2 });
    expect(h.state).toMatchObject({ status: 'exited', exitReason: 'exit:tag:do_not_contact' });
    expect(h.command).toEqual({ type: 'end' });
  });

  it('an attribute condition becoming true ends it', () => {
    const h = new Harness(repurchase({ exits }));
    h.done('next', 0);
    h.feed({ type: 'memberChanged', member: { tags: [], attributes: { level: 'blacklist' } }, now: 5 });
    expect(h.state.exitReason).toBe('exit:attribute:level eq blacklist');
  });

  it('a tag the journey itself adds ends it right after the action', () => {
    const p = plan(
      [
        n('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 'tag' }),
        n('tag', 'tag', action(), { next: 'msg' }),
        n('msg', 'message', action({ guard: SMS }), { next: 'end' }),
        n('end', 'exit', { kind: 'end', reason: 'exit_node' }),
      ],
      { exits },
    );
    const h = new Harness(p);
    h.done('next', 1, { member: { tags: ['do_not_contact'], attributes: {} } });
    expect(h.path()).toEqual(['t:next', 'tag:next', 'tag:exited']);
    expect(h.command).toEqual({ type: 'end' });
  });
});

describe('guard decisions', () => {
  it('asks for a guard with the journey priority, and defers then asks again with the same visit', () => {
    const h = new Harness(repurchase({ priority: 9 }));
    expect(h.command).toMatchObject({
      type: 'action',
      nodeId: 'msg',
      visit: 1,
      guard: { ...SMS, priority: 9 },
    });
    h.feed({
      type: 'actionGuarded',
      nodeId: 'msg',
      decision: { kind: 'defer', until: 100, reason: 'quiet_hours' },
      now: 10,
    });
    expect(h.state.status).toBe('waiting');
    expect(h.state.waits).toContainEqual({
      reason: 'deferred',
      nodeId: 'msg',
      cause: 'quiet_hours',
      since: 10,
      until: 100,
    });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'msg',
      status: 'deferred',
      output: null,
      detail: { reason: 'quiet_hours', until: 100 },
    });
    h.feed({ type: 'timer', now: 50 }); // early wake-up: nothing
    expect(h.command.type).toBe('wait');
    h.feed({ type: 'timer', now: 100 });
    expect(h.command).toMatchObject({ type: 'action', nodeId: 'msg', visit: 1 });
    h.done('next', 100);
    expect(h.command).toMatchObject({ type: 'wait', nodeId: 'wait' });
  });

  it('a skip records its reason and takes the skip output', () => {
    const h = new Harness(repurchase());
    h.feed({
      type: 'actionGuarded',
      nodeId: 'msg',
      decision: { kind: 'skip', reason: 'frequency_cap' },
      now: 1,
    });
    expect(h.steps.at(-1)).toMatchObject({
      nodeId: 'msg',
      status: 'skipped',
      output: 'next',
      detail: { reason: 'frequency_cap' },
    });
    expect(h.command).toMatchObject({ type: 'wait', nodeId: 'wait' });
  });
});

describe('time resolved outside the workflow', () => {
  it('asks the host for a deadline, then waits until it', () => {
    const p = plan([
      n('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 'at' }),
      n(
        'at',
        'wait.time',
        { kind: 'wait', timer: { spec: { kind: 'resolve' }, output: 'next' } },
        { next: 'end' },
      ),
      n('end', 'exit', { kind: 'end', reason: 'exit_node' }),
    ]);
    const h = new Harness(p, { now: 1000 });
    expect(h.command).toMatchObject({ type: 'resolveTime', nodeId: 'at', nodeType: 'wait.time', from: 1000 });
    h.feed({ type: 'timeResolved', nodeId: 'at', at: 50_000, now: 1001 });
    expect(h.command).toEqual({ type: 'wait', nodeId: 'at', until: 50_000 });
    h.feed({ type: 'timer', now: 50_000 });
    expect(h.path()).toEqual(['t:next', 'at:next', 'end:ok']);
  });
});

describe('holdout', () => {
  const split = (variants: { output: string; percent: number; holdout: boolean }[]) =>
    plan([
      n('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 's' }),
      n(
        's',
        'split',
        { kind: 'route', by: 'bucket', variants },
        Object.fromEntries(variants.map((v) => [v.output, 'msg'])),
      ),
      n('msg', 'message', action({ guard: SMS, reachesMember: true }), { next: 'end' }),
      n('end', 'exit', { kind: 'end', reason: 'exit_node' }),
    ]);
  const abh = split([
    { output: 'a', percent: 45, holdout: false },
    { output: 'b', percent: 45, holdout: false },
    { output: 'hold', percent: 10, holdout: true },
  ]);
  const group = (member: string, opts: { journey?: string; heldOut?: boolean } = {}) =>
    new Harness(abh, { member, ...opts }).steps.find((s) => s.nodeId === 's')!.output;

  it('is stable per (journey, member) and within ±3% of each percentage over 10,000 members', () => {
    expect(group('member-42')).toBe(group('member-42'));
    const counts: Record<string, number> = { a: 0, b: 0, hold: 0 };
    for (let i = 0; i < 10_000; i++) counts[group(`m${i}`)!]++;
    expect(Math.abs(counts.a / 10_000 - 0.45)).toBeLessThan(0.03);
    expect(Math.abs(counts.b / 10_000 - 0.45)).toBeLessThan(0.03);
    expect(Math.abs(counts.hold / 10_000 - 0.1)).toBeLessThan(0.03);
  });

  it('differs between journeys for the same member (groups are not correlated across journeys)', () => {
    let same = 0;
    for (let i = 0; i < 1000; i++)
      if (group(`m${i}`, { journey: 'j1' }) === group(`m${i}`, { journey: 'j2' })) same++;
    expect(same).toBeLessThan(700); // ≈ 0.45² + 0.45² + 0.1² ≈ 41% by chance
  });

  it('a held-out member gets no message, even on a path shared with the other groups', () => {
    let m = 0;
    while (group(`m${m}`) !== 'hold') m++;
    const h = new Harness(abh, { member: `m${m}` });
    expect(h.state.heldOut).toBe(true);
    expect(h.path()).toEqual(['t:next', 's:hold', 'msg:next', 'end:ok']);
    expect(h.steps[2]).toMatchObject({ status: 'skipped', detail: { reason: 'holdout' } });
  });

  it('a member held out before stays in the holdout on re-entry, whatever their bucket', () => {
    let m = 0;
    while (group(`m${m}`) !== 'a') m++;
    expect(group(`m${m}`, { heldOut: true })).toBe('hold');
  });

  it('a decided winner takes every later member of the competing groups; the holdout keeps its share and never asks', () => {
    const decided = (member: string, heldOut = false) =>
      new Harness(abh, { member, heldOut, decisions: { s: 'b' } });
    const counts: Record<string, number> = { a: 0, b: 0, hold: 0 };
    let asked = 0;
    for (let i = 0; i < 2000; i++) {
      const h = decided(`m${i}`);
      const out = h.steps.find((s) => s.nodeId === 's')!;
      counts[out.output!]++;
      asked += h.asked.length;
      // the random draw still decides who is held out
      expect(out.output === 'hold').toBe(group(`m${i}`) === 'hold');
      if (out.output === 'b') expect(out.detail).toMatchObject({ winner: true });
    }
    expect(counts.a).toBe(0);
    expect(Math.abs(counts.hold / 2000 - 0.1)).toBeLessThan(0.03);
    expect(asked).toBe(counts.b); // only members bound for a competing group ask
    const held = decided('m1', true);
    expect(held.asked).toEqual([]);
    expect(held.steps.find((s) => s.nodeId === 's')!.output).toBe('hold');
    // the holdout is never a winner: a decision naming it leaves the random split
    const h = new Harness(abh, { member: 'm3', decisions: { s: 'hold' } });
    expect(h.steps.find((s) => s.nodeId === 's')!.output).toBe(group('m3'));
  });
});

describe('outside completion (a task the guide marks done)', () => {
  it('waits for the completion or the deadline after the action that created it', () => {
    const p = plan([
      n('t', 'trigger.event', { kind: 'pass', output: 'next' }, { next: 'task' }),
      n('task', 'guide.task', action(), { done: 'end', overdue: 'end' }),
      n('end', 'exit', { kind: 'end', reason: 'exit_node' }),
    ]);
    const wait = { until: 3 * DAY, timeoutOutput: 'overdue', completionOutputs: ['done'] };
    const done = new Harness(p);
    done.done('created', 0, { wait });
    expect(done.command).toEqual({ type: 'wait', nodeId: 'task', until: 3 * DAY });
    done.feed({ type: 'completion', nodeId: 'task', output: 'nope', now: DAY });
    expect(done.state.status).toBe('waiting');
    done.feed({ type: 'completion', nodeId: 'task', output: 'done', detail: { note: 'called' }, now: DAY });
    expect(done.path()).toEqual(['t:next', 'task:created', 'task:done', 'end:ok']);
    const late = new Harness(p);
    late.done('created', 0, { wait });
    late.feed({ type: 'timer', now: 3 * DAY });
    expect(late.path()).toEqual(['t:next', 'task:created', 'task:overdue', 'end:ok']);
  });
});

describe('a run that knows only part of its plan', () => {
  it('asks for the nodes it reaches and goes on once they are loaded', () => {
    const full = repurchase();
    const head = planHead(full);
    expect(Object.keys(head.nodes).sort()).toEqual(['msg', 't']);
    const known: Plan = { ...head, nodes: { ...head.nodes } };
    const h = new Harness(known);
    h.done('next', 0);
    expect(h.command).toEqual({ type: 'loadNodes', nodeIds: ['wait'] });
    known.nodes.wait = full.nodes.wait;
    h.feed({ type: 'nodesLoaded', now: 1 });
    expect(h.command).toEqual({ type: 'wait', nodeId: 'wait', until: 1 + 30 * DAY });
    expect(h.state.visits.wait).toBe(1);
  });
});
