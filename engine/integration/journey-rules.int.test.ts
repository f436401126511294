import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableBucket } from '../../workflows/core/conditions.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { ensureMember } from '../repositories/member.repository.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';
import { wallTime } from '../time/local-time.js';

const DAY = 86_400_000;
const hhmmss = (t: number, tz: string) => {
  const w = wallTime(t, tz);
  return [w.hour, w.minute, w.second].map((x) => String(x).padStart(2, '0')).join(':');
};

/**
 * Journey rules on real Postgres and a real Temporal server: goals and exits that act at once, quiet hours,
 * frequency caps between journeys, time-of-day waits, re-entry after converting, sticky holdouts.
 */
describe('journey rules', () => {
  let stack: Stack;
  // Competing sends wait this long for each other, so priority decides even on a loaded machine.
  beforeAll(async () => {
    stack = await startStack({ guard: { settleMs: 1500 } });
  });
  afterAll(() => stack?.stop());

  async function publish(name: string, document: JourneyDocument) {
    const j = await stack.ok('POST', '/journeys', { name, document });
    await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    return j.id as string;
  }
  const runWhere = (journeyId: string, member: string, ok: (r: any) => boolean, what: string, ms = 30_000) =>
    eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=${member}`);
        return runs.find(ok);
      },
      ms,
      what,
    );
  const stepsOf = async (runId: string) => (await stack.ok('GET', `/runs/${runId}`)).steps as any[];

  /** trigger → message → wait 30 days → reminder → exit */
  const longWait = (event: string, settings: Record<string, unknown>, reentry = 'once'): JourneyDocument => ({
    nodes: [
      node('t', 'trigger.event', { event, reentry }),
      node('m', 'message', { channel: 'push', body: '欢迎 {{member.name}}' }),
      node('w', 'wait.duration', { amount: 30, unit: 'days' }),
      node('r', 'message', { channel: 'push', body: '提醒' }),
      node('x', 'exit'),
    ],
    edges: [edge('t', 'm'), edge('m', 'w'), edge('w', 'r'), edge('r', 'x')],
    settings,
  });

  it('a goal event ends a run waiting in a 30-day wait, within a second, as converted', async () => {
    const j = await publish('goal', longWait('goal_start', { goal: { event: 'order_paid' } }));
    await stack.ok('POST', '/events', { memberId: 'g1', name: 'goal_start', id: 'g1-start' });
    const waiting = await runWhere(
      j,
      'g1',
      (r) => r.status === 'waiting' && r.currentNodeId === 'w',
      'g1 waiting',
    );
    expect(new Date(waiting.nextAt).getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    const sent = Date.now();
    await stack.ok('POST', '/events', {
      memberId: 'g1',
      name: 'order_paid',
      properties: { amount: 99 },
      id: 'g1-order',
    });
    const done = await runWhere(j, 'g1', (r) => r.status === 'converted', 'g1 converted', 10_000);
    // Measured on the server's clock: from the event's arrival to the run's end.
    expect(new Date(done.endedAt).getTime() - sent).toBeLessThan(1000);
    expect(done).toMatchObject({ exitReason: 'goal', currentNodeId: null });
    const steps = await stepsOf(done.id);
    expect(steps.at(-1)).toMatchObject({ nodeId: 'w', status: 'converted', detail: { goal: 'order_paid' } });
    await stack.recordHistory(done.workflowId, 'v2-goal-converted');
    const { messages } = await stack.ok('GET', `/messages?memberId=g1`);
    expect(messages).toHaveLength(1); // the reminder never went out
    const stats = await stack.ok('GET', `/journeys/${j}/stats`);
    expect(stats.totals).toMatchObject({ entered: 1, converted: 1, active: 0 });
    expect(stats.nodes.w.converted).toBe(1);
  });

  it('re-entry after converting follows the trigger: again after exit, never with "once"', async () => {
    const again = await publish('again', longWait('re_start', { goal: { event: 're_order' } }, 'after_exit'));
    const once = await publish('once', longWait('re_start', { goal: { event: 're_order' } }, 'once'));
    await stack.ok('POST', '/events', { memberId: 'g2', name: 're_start', id: 'g2-s1' });
    await runWhere(again, 'g2', (r) => r.status === 'waiting', 'g2 waiting');
    await runWhere(once, 'g2', (r) => r.status === 'waiting', 'g2 waiting (once)');
    await stack.ok('POST', '/events', { memberId: 'g2', name: 're_order', id: 'g2-o1' });
    await runWhere(again, 'g2', (r) => r.status === 'converted', 'g2 converted');
    await runWhere(once, 'g2', (r) => r.status === 'converted', 'g2 converted (once)');
    const r = await stack.ok('POST', '/events', { memberId: 'g2', name: 're_start', id: 'g2-s2' });
    expect(r.runsStarted).toBe(1);
    const runs = async (j: string) => (await stack.ok('GET', `/runs?journeyId=${j}&memberId=g2`)).runs;
    await eventually(async () => (await runs(again)).length === 2, 10_000, 'a second run');
    expect(await runs(once)).toHaveLength(1);
  });

  it('a tag added to the member (an exit criterion) ends the run at once as exited', async () => {
    const j = await publish(
      'exit',
      longWait('exit_start', { exits: [{ kind: 'tag', tag: 'unsubscribed' }] }),
    );
    await stack.ok('PUT', '/members/e1', { name: '小王', tags: ['vip'] });
    await stack.ok('POST', '/events', { memberId: 'e1', name: 'exit_start', id: 'e1-start' });
    await runWhere(j, 'e1', (r) => r.status === 'waiting', 'e1 waiting');
    await stack.ok('PUT', '/members/e1', { tags: ['vip', 'unsubscribed'] });
    const done = await runWhere(j, 'e1', (r) => r.status === 'exited', 'e1 exited', 10_000);
    expect(done.exitReason).toBe('exit:tag:unsubscribed');
    await stack.recordHistory(done.workflowId, 'v2-exit-tag');
    expect((await stepsOf(done.id)).at(-1)).toMatchObject({
      nodeId: 'w',
      status: 'exited',
      detail: { criterion: 'tag:unsubscribed' },
    });
  });

  describe('quiet hours (member-local, clock shortened to seconds)', () => {
    const tz = 'Asia/Shanghai';
    const sms = (quietHours: string): JourneyDocument => ({
      nodes: [
        node('t', 'trigger.event', { event: `quiet_${quietHours}` }),
        node('m', 'message', { channel: 'sms', body: '夜间消息', quietHours }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'm'), edge('m', 'x')],
    });

    it('defers a send to the end of quiet hours, and skip skips', async () => {
      const defer = await publish('quiet defer', sms('defer'));
      const skip = await publish('quiet skip', sms('skip'));
      const now = Date.now();
      const end = now + 6000;
      await stack.ok('PUT', '/settings', {
        timezone: tz,
        quietHours: { start: hhmmss(now - 60_000, tz), end: hhmmss(end, tz) },
        frequencyCaps: [],
      });
      for (const m of ['q1', 'q2'])
        await stack.ok('PUT', `/members/${m}`, { phone: '13800000001', timezone: tz });
      await stack.ok('POST', '/events', { memberId: 'q1', name: 'quiet_defer', id: 'q1' });
      await stack.ok('POST', '/events', { memberId: 'q2', name: 'quiet_skip', id: 'q2' });

      const deferred = await runWhere(defer, 'q1', (r) => r.status === 'waiting', 'q1 deferred');
      expect(deferred.currentNodeId).toBe('m');
      const dSteps = await stepsOf(deferred.id);
      expect(dSteps.at(-1)).toMatchObject({
        nodeId: 'm',
        status: 'deferred',
        detail: { reason: 'quiet_hours' },
      });
      // deferred to the end of quiet hours (whole seconds of wall time)
      expect(Math.abs(dSteps.at(-1).detail.until - Math.floor(end / 1000) * 1000)).toBeLessThan(1000);

      const skipped = await runWhere(skip, 'q2', (r) => r.status === 'completed', 'q2 skipped through');
      expect((await stepsOf(skipped.id)).find((s) => s.nodeId === 'm')).toMatchObject({
        status: 'skipped',
        output: 'next',
        detail: { reason: 'quiet_hours' },
      });
      const q2 = (await stack.ok('GET', '/messages?memberId=q2')).messages;
      expect(q2).toEqual([expect.objectContaining({ status: 'skipped', skipReason: 'quiet_hours' })]);

      const sent = await runWhere(
        defer,
        'q1',
        (r) => r.status === 'completed',
        'q1 sent after quiet hours',
        30_000,
      );
      const [msg] = (await stack.ok('GET', '/messages?memberId=q1')).messages;
      expect(msg.status).toBe('sent');
      expect(new Date(msg.sentAt).getTime()).toBeGreaterThanOrEqual(Math.floor(end / 1000) * 1000);
      expect(sent.exitReason).toBe('exit_node');
      await stack.recordHistory(sent.workflowId, 'v2-quiet-hours-deferred');
      const stats = await stack.ok('GET', `/journeys/${skip}/stats`);
      expect(stats.nodes.m.skipped).toEqual({ quiet_hours: 1 });
      expect((await stack.ok('GET', `/journeys/${defer}/stats`)).nodes.m.deferred).toEqual({
        quiet_hours: 1,
      });
      await stack.ok('PUT', '/settings', { timezone: tz, quietHours: null, frequencyCaps: [] });
    });
  });

  it('a cap of 1 SMS a day lets exactly one of two competing journeys send: the higher priority', async () => {
    await stack.ok('PUT', '/settings', {
      timezone: 'Asia/Shanghai',
      quietHours: null,
      frequencyCaps: [{ channel: 'sms', max: 1, perDays: 1 }],
    });
    const doc = (priority: number): JourneyDocument => ({
      nodes: [
        node('t', 'trigger.event', { event: 'cap_race' }),
        node('m', 'message', { channel: 'sms', body: `优先级 ${priority}` }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'm'), edge('m', 'x')],
      settings: { priority },
    });
    const low = await publish('low', doc(2));
    const high = await publish('high', doc(9));
    const members = ['c1', 'c2', 'c3', 'c4'];
    await Promise.all(members.map((m) => stack.ok('PUT', `/members/${m}`, { phone: '13900000000' })));
    await Promise.all(
      members.map((m) => stack.ok('POST', '/events', { memberId: m, name: 'cap_race', id: `race-${m}` })),
    );
    for (const m of members) {
      const lowRun = await runWhere(low, m, (r) => r.status === 'completed', `${m} low done`);
      const highRun = await runWhere(high, m, (r) => r.status === 'completed', `${m} high done`);
      const messages = (await stack.ok('GET', `/messages?memberId=${m}`)).messages;
      expect(messages.filter((x: any) => x.status === 'sent')).toEqual([
        expect.objectContaining({ journeyId: high, body: '优先级 9' }),
      ]);
      expect((await stepsOf(lowRun.id)).find((s) => s.nodeId === 'm')).toMatchObject({
        status: 'skipped',
        detail: { reason: 'frequency_cap' },
      });
      expect((await stepsOf(highRun.id)).find((s) => s.nodeId === 'm')).toMatchObject({ status: 'ok' });
    }
    await stack.ok('PUT', '/settings', { timezone: 'Asia/Shanghai', quietHours: null, frequencyCaps: [] });
  });

  it('waits until a time of day in the member’s own zone', async () => {
    const j = await publish('at time', {
      nodes: [
        node('t', 'trigger.event', { event: 'at_start' }),
        node('w', 'wait.time', { at: '00:00' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'w'), edge('w', 'x')],
    });
    // Two members in different zones get their own next midnight.
    await stack.ok('PUT', '/members/t1', { timezone: 'Asia/Shanghai' });
    await stack.ok('PUT', '/members/t2', { timezone: 'America/New_York' });
    for (const m of ['t1', 't2'])
      await stack.ok('POST', '/events', { memberId: m, name: 'at_start', id: `at-${m}` });
    for (const [m, tz] of [
      ['t1', 'Asia/Shanghai'],
      ['t2', 'America/New_York'],
    ] as const) {
      const r = await runWhere(j, m, (x) => x.status === 'waiting', `${m} waiting`);
      const next = new Date(r.nextAt).getTime();
      expect(wallTime(next, tz)).toMatchObject({ hour: 0, minute: 0, second: 0 });
      expect(next - Date.now()).toBeLessThanOrEqual(DAY);
      if (m === 't1') await stack.recordHistory(r.workflowId, 'v2-time-of-day-waiting');
    }
  });

  it('a member held out once stays held out when they re-enter, even after the split changed', async () => {
    const doc = (hold: number): JourneyDocument => ({
      nodes: [
        node('t', 'trigger.event', { event: 'ho_start', reentry: 'after_exit' }),
        node('s', 'split', {
          variants: [
            { id: 'a', label: 'A', percent: 100 - hold },
            { id: 'hold', label: '对照', percent: hold, holdout: true },
          ],
        }),
        node('m', 'message', { channel: 'push', body: '优惠' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 's'), edge('s', 'm', 'a'), edge('s', 'x', 'hold'), edge('m', 'x')],
    });
    const created = await stack.ok('POST', '/journeys', { name: 'holdout', document: doc(50) });
    const j = created.id as string;
    await stack.ok('POST', `/journeys/${j}/publish`, {});
    // A member whose bucket is in the 50% holdout now, but would not be in a 10% one.
    let ext = '';
    for (let i = 0; i < 200 && !ext; i++) {
      const id = await ensureMember(stack.db, stack.workspaceId, `h${i}`);
      const b = stableBucket(`${j}:${id}:s`);
      if (b >= 50 && b < 90) ext = `h${i}`;
    }
    expect(ext).not.toBe('');
    await stack.ok('POST', '/events', { memberId: ext, name: 'ho_start', id: `${ext}-1` });
    const first = await runWhere(j, ext, (r) => r.status === 'completed', 'first entry done');
    expect((await stepsOf(first.id)).find((s) => s.nodeId === 's')).toMatchObject({ output: 'hold' });
    await stack.ok('PUT', `/journeys/${j}`, { document: doc(10) });
    await stack.ok('POST', `/journeys/${j}/publish`, {});
    await stack.ok('POST', '/events', { memberId: ext, name: 'ho_start', id: `${ext}-2` });
    const second = await runWhere(
      j,
      ext,
      (r) => r.version === 2 && r.status === 'completed',
      'second entry done',
    );
    expect((await stepsOf(second.id)).find((s) => s.nodeId === 's')).toMatchObject({
      output: 'hold',
      detail: { holdout: true },
    });
    expect((await stack.ok('GET', `/messages?memberId=${ext}`)).messages).toEqual([]);
    await stack.recordHistory(second.workflowId, 'v2-holdout-sticky');
  });

  it('keeps a run’s history small in a 200-node journey: the plan is not copied into it', async () => {
    // trigger → branch (vip? a 197-node path : a short one)
    const nodes = [
      node('t', 'trigger.event', { event: 'big_start' }),
      node('b', 'branch', {
        conditions: [{ id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } }],
      }),
      node('short', 'message', { channel: 'push', body: '短路径' }),
      node('x', 'exit'),
    ];
    const edges = [edge('t', 'b'), edge('b', 'short', 'else'), edge('short', 'x')];
    for (let i = 0; i < 196; i++) {
      nodes.push(node(`n${i}`, 'tag', { add: [`step_${i}`] }));
      edges.push(edge(i === 0 ? 'b' : `n${i - 1}`, `n${i}`, i === 0 ? 'vip' : 'next'));
    }
    edges.push(edge('n195', 'x'));
    const j = await publish('big', { nodes, edges });
    const { plan } = await stack.ok('GET', `/journeys/${j}/versions/1`);
    await stack.ok('POST', '/events', { memberId: 'big1', name: 'big_start', id: 'big1' });
    const run = await runWhere(j, 'big1', (r) => r.status === 'completed', 'big1 done');
    const history = await stack.client.workflow.getHandle(run.workflowId).fetchHistory();
    const historyBytes = JSON.stringify(history).length;
    const planBytes = JSON.stringify(plan).length;
    console.log(`200-node journey: plan ${planBytes} B, one run's history ${historyBytes} B`);
    expect(plan.nodes && Object.keys(plan.nodes)).toHaveLength(200);
    expect(historyBytes).toBeLessThan(planBytes / 3);
    await stack.recordHistory(run.workflowId, 'v2-large-plan-branch');
  });
});
