import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeDocument } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** The product's welcome journey on real Postgres and a real Temporal server, for several members. */
describe('welcome journey', () => {
  let stack: Stack;
  let journeyId: string;
  let templateId: string;
  const members = ['w1', 'w2', 'w3', 'w4', 'w5'];
  const buyers = new Set(['w2', 'w4']);

  beforeAll(async () => {
    stack = await startStack();
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '新人券 ¥20',
      kind: 'amount',
      value: 20,
      validDays: 7,
    });
    templateId = couponTemplate.id;
    const journey = await stack.ok('POST', '/journeys', {
      name: '新客欢迎',
      document: welcomeDocument(templateId, { amount: 4, unit: 'seconds' }),
    });
    journeyId = journey.id;
    expect(await stack.ok('POST', `/journeys/${journeyId}/publish`, { note: 'first' })).toEqual({
      version: 1,
    });
  });
  afterAll(() => stack?.stop());

  it('runs every member down the right path with one coupon and its code in the message', async () => {
    for (const m of members) {
      await stack.ok('PUT', `/members/${m}`, {
        name: `会员${m}`,
        phone: `1380000${m.slice(1).padStart(4, '0')}`,
      });
      const res = await stack.call('POST', '/events', {
        memberId: m,
        name: 'member_registered',
        id: `reg-${m}`,
      });
      expect(res.status).toBe(202);
      expect(res.body.runsStarted).toBe(1);
    }
    // Buyers order once their welcome message is out (they are then waiting for order_paid).
    for (const m of buyers) {
      await eventually(
        async () => {
          const { messages } = await stack.ok('GET', `/messages?memberId=${m}`);
          return messages.length === 1;
        },
        30_000,
        `${m}'s welcome message`,
      );
      await stack.ok('POST', '/events', {
        memberId: m,
        name: 'order_paid',
        properties: { amount: 199 },
        id: `order-${m}`,
      });
    }
    const runs = await eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}`);
        return runs.length === members.length && runs.every((r: any) => r.status === 'completed') && runs;
      },
      60_000,
      'all runs to complete',
    );
    expect(runs).toHaveLength(5);

    for (const m of members) {
      const [run] = runs.filter((r: any) => r.memberId === m);
      const { steps } = await stack.ok('GET', `/runs/${run.id}`);
      const path = steps.map((s: any) => `${s.nodeId}:${s.output ?? s.status}`);
      const expected = buyers.has(m)
        ? [
            'trigger:next',
            'tag:next',
            'coupon:issued',
            'welcome:next',
            'wait:matched',
            'thanks:next',
            'end:ok',
          ]
        : [
            'trigger:next',
            'tag:next',
            'coupon:issued',
            'welcome:next',
            'wait:timeout',
            'reminder:next',
            'end:ok',
          ];
      expect(path, m).toEqual(expected);

      const { coupons } = await stack.ok('GET', `/coupons?memberId=${m}`);
      expect(coupons).toHaveLength(1);
      const { messages } = await stack.ok('GET', `/messages?memberId=${m}`);
      expect(messages).toHaveLength(buyers.has(m) ? 1 : 2);
      for (const msg of messages) {
        expect(msg.status).toBe('sent');
        expect(msg.body).toContain(coupons[0].code);
      }
      expect(messages.find((x: any) => x.nodeId === 'welcome').body).toBe(
        `会员${m}，欢迎加入！新人券 ${coupons[0].code}`,
      );
      const { member } = await stack.ok('GET', `/members/${m}`);
      expect(member.tags).toEqual(buyers.has(m) ? ['first_order', 'new_member'] : ['new_member']);
    }

    // Histories the replay test checks workflow changes against (plan v2; welcome-*.json are plan v1 runs).
    for (const m of ['w1', 'w2']) {
      const run = runs.find((r: any) => r.memberId === m);
      await stack.recordHistory(run.workflowId, `v2-welcome-${buyers.has(m) ? 'ordered' : 'timed-out'}`);
    }

    const stats = await stack.ok('GET', `/journeys/${journeyId}/stats`);
    expect(stats.totals).toMatchObject({ entered: 5, active: 0, completed: 5, failed: 0 });
    expect(stats.nodes.wait.outputs).toEqual({ matched: 2, timeout: 3 });
    expect(stats.coupons).toEqual({ issued: 5 });
    const { couponTemplates } = await stack.ok('GET', '/coupon-templates');
    expect(couponTemplates[0].issued).toBe(5);
  });

  it('starts no second run for a duplicate event, a redelivered request or a second trigger', async () => {
    const before = (await stack.ok('GET', `/runs?journeyId=${journeyId}`)).runs.length;
    const dup = await stack.call('POST', '/events', {
      memberId: 'w1',
      name: 'member_registered',
      id: 'reg-w1',
    });
    expect(dup.status).toBe(202);
    expect(dup.body).toMatchObject({ duplicate: true, runsStarted: 0 });
    const again = await stack.ok('POST', '/events', {
      memberId: 'w1',
      name: 'member_registered',
      id: 'reg-w1-again',
    });
    expect(again.runsStarted).toBe(0);
    const batch = await stack.call('POST', '/events/batch', {
      events: [
        { memberId: 'w6', name: 'member_registered', id: 'reg-w6' },
        { memberId: 'w6', name: 'member_registered', id: 'reg-w6' },
      ],
    });
    expect(batch.status).toBe(202);
    expect(batch.body.results.map((r: any) => r.runsStarted)).toEqual([1, 0]);
    const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}`);
    expect(runs).toHaveLength(before + 1);
    expect(runs.filter((r: any) => r.memberId === 'w1')).toHaveLength(1);
  });

  it('admits no one while paused, and admits again after resume', async () => {
    const paused = await stack.ok('POST', `/journeys/${journeyId}/pause`);
    expect(paused.status).toBe('paused');
    const res = await stack.ok('POST', '/events', {
      memberId: 'p1',
      name: 'member_registered',
      id: 'reg-p1',
    });
    expect(res.runsStarted).toBe(0);
    expect((await stack.ok('GET', '/runs?memberId=p1')).runs).toHaveLength(0);
    await stack.ok('POST', `/journeys/${journeyId}/resume`);
    const res2 = await stack.ok('POST', '/events', {
      memberId: 'p2',
      name: 'member_registered',
      id: 'reg-p2',
    });
    expect(res2.runsStarted).toBe(1);
  });

  it('keeps running members on their version when a new one is published', async () => {
    const doc = welcomeDocument(templateId, { amount: 30, unit: 'seconds' });
    await stack.ok('PUT', `/journeys/${journeyId}`, { document: doc });
    const j = await stack.ok('GET', `/journeys/${journeyId}`);
    expect(j.hasUnpublishedChanges).toBe(true);
    // Saving the published document again (e.g. after undo) is no change.
    const published = (await stack.ok('GET', `/journeys/${journeyId}/versions/1`)).document;
    expect(
      (await stack.ok('PUT', `/journeys/${journeyId}`, { document: published })).hasUnpublishedChanges,
    ).toBe(false);
    expect((await stack.ok('PUT', `/journeys/${journeyId}`, { document: doc })).hasUnpublishedChanges).toBe(
      true,
    );
    expect(await stack.ok('POST', `/journeys/${journeyId}/publish`, {})).toEqual({ version: 2 });
    const res = await stack.ok('POST', '/events', {
      memberId: 'v2',
      name: 'member_registered',
      id: 'reg-v2',
    });
    expect(res.runsStarted).toBe(1);
    const { runs } = await stack.ok('GET', '/runs?memberId=v2');
    expect(runs[0].version).toBe(2);
    const { runs: old } = await stack.ok('GET', '/runs?memberId=w1');
    expect(old[0].version).toBe(1);
    const v1 = await stack.ok('GET', `/journeys/${journeyId}/versions/1`);
    expect(v1.plan.nodes.wait.config.timeout).toEqual({ amount: 4, unit: 'seconds' });
  });
});
