import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** What ops do to single runs: see a failed step, retry it once the cause is fixed, cancel a waiting run. */
describe('ops actions on runs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('shows a failed step and finishes the run after a retry, with the effect once', async () => {
    const templateId = randomUUID(); // a template that does not exist yet
    const journey = await stack.ok('POST', '/journeys', {
      name: 'retry me',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'ops_retry' }),
          node('c', 'coupon', { templateId }),
          node('m', 'message', { channel: 'push', body: '券 {{coupon.code}}' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'c'), edge('c', 'm', 'issued'), edge('c', 'x', 'unavailable'), edge('m', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    await stack.ok('POST', '/events', { memberId: 'r1', name: 'ops_retry', id: 'ops-retry-1' });

    const failed = await eventually(
      async () => {
        const { runs } = await stack.ok('GET', '/runs?memberId=r1');
        return runs[0]?.status === 'failed' && runs[0];
      },
      30_000,
      'the run to fail',
    );
    expect(failed).toMatchObject({ currentNodeId: 'c', error: expect.stringContaining('does not exist') });
    const { steps } = await stack.ok('GET', `/runs/${failed.id}`);
    expect(steps.at(-1)).toMatchObject({
      nodeId: 'c',
      status: 'failed',
      detail: { code: 'coupon_template_missing' },
    });
    const stats = await stack.ok('GET', `/journeys/${journey.id}/stats`);
    expect(stats.nodes.c.failed).toBe(1);
    expect((await stack.ok('GET', '/runs?status=failed')).runs.map((r: any) => r.id)).toContain(failed.id);

    // Ops fix the cause (the template now exists) and retry.
    await stack.db
      .insertInto('coupon_templates')
      .values({
        id: templateId,
        workspace_id: stack.workspaceId,
        name: '补发券',
        kind: 'amount',
        value: 5,
        valid_days: 3,
        stock: null,
      })
      .execute();
    expect((await stack.call('POST', `/runs/${failed.id}/retry`)).status).toBe(202);
    await eventually(
      async () => (await stack.ok('GET', `/runs/${failed.id}`)).run.status === 'completed',
      30_000,
      'completion',
    );
    const { coupons } = await stack.ok('GET', '/coupons?memberId=r1');
    const { messages } = await stack.ok('GET', '/messages?memberId=r1');
    expect(coupons).toHaveLength(1);
    expect(messages).toHaveLength(1);
    expect(messages[0].body).toBe(`券 ${coupons[0].code}`);
    expect((await stack.call('POST', `/runs/${failed.id}/retry`)).status).toBe(409);
  });

  it('cancels a run wherever it waits', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'cancel me',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'ops_cancel' }),
          node('w', 'wait.duration', { amount: 30, unit: 'days' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'w'), edge('w', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    await stack.ok('POST', '/events', { memberId: 'c1', name: 'ops_cancel' });
    const waiting = await eventually(
      async () => {
        const { runs } = await stack.ok('GET', '/runs?memberId=c1');
        return runs[0]?.status === 'waiting' && runs[0];
      },
      30_000,
      'the run to wait',
    );
    expect(waiting.currentNodeId).toBe('w');
    expect(new Date(waiting.nextAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await stack.call('POST', `/runs/${waiting.id}/cancel`)).status).toBe(202);
    const done = await eventually(
      async () => {
        const { run } = await stack.ok('GET', `/runs/${waiting.id}`);
        return run.status === 'cancelled' && run;
      },
      30_000,
      'cancellation',
    );
    expect(done).toMatchObject({ exitReason: 'cancelled_by_ops', currentNodeId: null, nextAt: null });
    expect((await stack.call('POST', `/runs/${waiting.id}/cancel`)).status).toBe(409);
  });

  it('admits only members whose event passes the trigger filter', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'big orders',
      document: {
        nodes: [
          node('t', 'trigger.event', {
            event: 'ops_order',
            where: [{ property: 'amount', op: 'gte', value: 100 }],
          }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    const small = await stack.ok('POST', '/events', {
      memberId: 'f1',
      name: 'ops_order',
      properties: { amount: 50 },
    });
    const big = await stack.ok('POST', '/events', {
      memberId: 'f2',
      name: 'ops_order',
      properties: { amount: '150' },
    });
    expect([small.runsStarted, big.runsStarted]).toEqual([0, 1]);
  });

  it('does not drop an event for a run whose workflow is not started yet: it starts it with the event', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'race',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'race_start' }),
          node('w', 'wait.event', { event: 'race_order', timeout: { amount: 1, unit: 'hours' } }),
          node('m', 'message', { channel: 'push', body: '谢谢下单' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'w'), edge('w', 'm', 'matched'), edge('w', 'x', 'timeout'), edge('m', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    // The state a concurrent request leaves for a moment (or a failed start for longer): a row, no workflow.
    const { runId } = await stack.insertRunRow(journey.id, 'race1');
    const run = { id: runId };
    const res = await stack.ok('POST', '/events', {
      memberId: 'race1',
      name: 'race_order',
      id: 'race-order-1',
    });
    expect(res.runsSignalled).toBe(1);
    await eventually(
      async () => (await stack.ok('GET', `/runs/${run.id}`)).run.status === 'completed',
      30_000,
      'the run',
    );
    const { steps } = await stack.ok('GET', `/runs/${run.id}`);
    expect(steps.map((s: any) => `${s.nodeId}:${s.output ?? s.status}`)).toEqual([
      't:next',
      'w:matched',
      'm:next',
      'x:ok',
    ]);
    // the other request's start now finds the workflow there and starts nothing
    const again = await stack.ok('POST', '/events', { memberId: 'race1', name: 'race_start' });
    expect(again.runsStarted).toBe(0);
  });

  it('lets members enter again per the trigger: after the previous run ended, or after a cool-down', async () => {
    const make = async (name: string, trigger: Record<string, unknown>) => {
      const journey = await stack.ok('POST', '/journeys', {
        name,
        document: {
          nodes: [
            node('t', 'trigger.event', trigger),
            node('m', 'message', { channel: 'push', body: name }),
            node('x', 'exit'),
          ],
          edges: [edge('t', 'm'), edge('m', 'x')],
        },
      });
      await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
      return journey.id as string;
    };
    const again = await make('again', { event: 're_buy', reentry: 'after_exit' });
    const cool = await make('cool', {
      event: 're_buy',
      reentry: 'cooldown',
      cooldown: { amount: 1, unit: 'hours' },
    });
    const runsOf = async (journeyId: string) =>
      (await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=re1`)).runs;
    const allDone = async () =>
      [...(await runsOf(again)), ...(await runsOf(cool))].every((r: any) => r.status === 'completed');

    expect(
      (await stack.ok('POST', '/events', { memberId: 're1', name: 're_buy', id: 'buy-1' })).runsStarted,
    ).toBe(2);
    await eventually(allDone, 30_000, 'the first runs');
    // a new purchase: "after exit" enters again, the cool-down (1 h) does not
    expect(
      (await stack.ok('POST', '/events', { memberId: 're1', name: 're_buy', id: 'buy-2' })).runsStarted,
    ).toBe(1);
    await eventually(allDone, 30_000, 'the second run');
    // the first purchase delivered again: nothing new, in either journey
    expect(
      (await stack.ok('POST', '/events', { memberId: 're1', name: 're_buy', id: 'buy-1' })).runsStarted,
    ).toBe(0);
    const runs = await runsOf(again);
    expect(runs.map((r: any) => r.status)).toEqual(['completed', 'completed']);
    expect((await runsOf(cool)).length).toBe(1);
    const messages = (await stack.ok('GET', '/messages?memberId=re1')).messages
      .map((m: any) => m.body)
      .sort();
    expect(messages).toEqual(['again', 'again', 'cool']);
  });
});
