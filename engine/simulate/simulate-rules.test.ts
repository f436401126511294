import { beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { edge, node } from '../testing/documents.js';
import { wallTime } from '../time/local-time.js';
import { type SimulationContext, simulateJourney } from './simulate.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});
const plan = (doc: JourneyDocument) => {
  const r = compileJourney(doc, registry);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
};
const path = (r: ReturnType<typeof simulateJourney>) =>
  r.steps.map((s) => `${s.nodeId}:${s.output ?? s.status}`);
/** 2026-03-02 (a Monday) at h:00 in Shanghai */
const shanghai = (h: number) => Date.UTC(2026, 2, 2, h - 8);
const context = (over: Partial<SimulationContext> = {}): SimulationContext => ({
  timezone: 'Asia/Shanghai',
  quietHours: null,
  frequencyCaps: [],
  contacts: [],
  ...over,
});

/** repurchase: order → wait 1 month → message → wait for an order 14 days → tag, with a goal on order_paid */
const repurchase = (
  settings: Record<string, unknown> = { goal: { event: 'order_paid' } },
): JourneyDocument => ({
  nodes: [
    node('t', 'trigger.event', { event: 'order_paid' }),
    node('w', 'wait.duration', { amount: 1, unit: 'months' }),
    node('m', 'message', { channel: 'sms', body: '该补货了' }),
    node('we', 'wait.event', { event: 'order_paid', timeout: { amount: 14, unit: 'days' } }),
    node('lost', 'tag', { add: ['lapsing'] }),
    node('x', 'exit'),
  ],
  edges: [
    edge('t', 'w'),
    edge('w', 'm'),
    edge('m', 'we'),
    edge('we', 'x', 'matched'),
    edge('we', 'lost', 'timeout'),
    edge('lost', 'x'),
  ],
  settings,
});

describe('simulator with journey rules', () => {
  it('walks a calendar month in the member’s zone and applies the goal wherever the member is', () => {
    const start = shanghai(10) - DAY; // 1 March 10:00
    const r = simulateJourney(plan(repurchase()), registry, {
      member: { tags: [], attributes: {}, timezone: 'Asia/Shanghai' },
      startAt: start,
      events: [{ name: 'order_paid', afterMs: 10 * DAY }],
    });
    expect(path(r)).toEqual(['t:next', 'w:converted']);
    expect(r.end).toMatchObject({ status: 'converted', exitReason: 'goal', afterMs: 10 * DAY });
    const noOrder = simulateJourney(plan(repurchase()), registry, {
      member: { tags: [], attributes: {}, timezone: 'Asia/Shanghai' },
      startAt: start,
      events: [],
    });
    // 1 March + 1 month = 1 April, same wall time
    const msg = noOrder.steps.find((s) => s.nodeId === 'w')!;
    expect(wallTime(msg.at, 'Asia/Shanghai')).toMatchObject({ month: 4, day: 1, hour: 10 });
    expect(path(noOrder)).toEqual(['t:next', 'w:next', 'm:next', 'we:timeout', 'lost:next', 'x:ok']);
  });

  it('answers quickly for month-long waits (a year of a weekly loop)', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('m', 'message', { channel: 'push', body: 'weekly' }),
        node('w', 'wait.time', { at: '10:00', weekdays: [1] }),
      ],
      edges: [edge('t', 'm'), edge('m', 'w'), edge('w', 'm')],
    };
    const r = simulateJourney(plan(doc), registry, {
      member: { tags: [], attributes: {} },
      startAt: shanghai(12),
      events: [],
    });
    const sends = r.steps.filter((s) => s.nodeId === 'm');
    expect(sends.length).toBeGreaterThanOrEqual(52);
    for (const s of sends.slice(1))
      expect(wallTime(s.at, 'Asia/Shanghai')).toMatchObject({ weekday: 1, hour: 10 });
  });

  it('defers a night send to the end of quiet hours and skips over a cap, counting real history', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('m', 'message', { channel: 'sms', body: 'hi' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'm'), edge('m', 'x')],
    };
    const night = simulateJourney(
      plan(doc),
      registry,
      { member: { tags: [], attributes: {} }, startAt: shanghai(23), events: [] },
      context({ quietHours: { start: '21:00', end: '09:00' } }),
    );
    expect(night.steps.map((s) => `${s.nodeId}:${s.status}`)).toEqual(['t:ok', 'm:deferred', 'm:ok', 'x:ok']);
    expect(night.steps[1].detail).toMatchObject({ reason: 'quiet_hours', until: shanghai(9) + DAY });
    expect(night.steps[2].at).toBe(shanghai(9) + DAY);

    const capped = simulateJourney(
      plan(doc),
      registry,
      { member: { tags: [], attributes: {} }, startAt: shanghai(12), events: [] },
      context({
        frequencyCaps: [{ channel: 'sms', max: 1, perDays: 1 }],
        contacts: [{ channel: 'sms', at: shanghai(12) - 2 * HOUR }],
      }),
    );
    expect(capped.steps[1]).toMatchObject({
      nodeId: 'm',
      status: 'skipped',
      detail: { reason: 'frequency_cap' },
    });
  });

  it('keeps the WeCom monthly allowance: over it, skipped (platform_quota) or deferred to next month', () => {
    const doc = (overCap: string): JourneyDocument => ({
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('m', 'message', { channel: 'wecom', body: '新品到店', overCap }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'm'), edge('m', 'x')],
    });
    // two WeCom messages already this month (March 2026); the allowance is 2
    const ctx = context({
      monthlyQuotas: { wecom: 2 },
      contacts: [
        { channel: 'wecom', at: shanghai(9) - 1 * DAY },
        { channel: 'wecom', at: shanghai(9) - 2 * HOUR },
      ],
    });
    const start = { member: { tags: [], attributes: {} }, startAt: shanghai(12), events: [] };
    const skipped = simulateJourney(plan(doc('skip')), registry, start, ctx);
    expect(skipped.steps[1]).toMatchObject({
      nodeId: 'm',
      status: 'skipped',
      detail: { reason: 'platform_quota' },
    });
    const deferred = simulateJourney(plan(doc('defer')), registry, start, ctx);
    expect(deferred.steps[1]).toMatchObject({
      nodeId: 'm',
      status: 'deferred',
      detail: { reason: 'platform_quota' },
    });
    // April 1st, 00:00 in Shanghai: the new month's allowance
    expect(wallTime(deferred.steps[2].at, 'Asia/Shanghai')).toMatchObject({ month: 4, day: 1, hour: 0 });
    // a month with one message so far: allowed
    const ok = simulateJourney(plan(doc('skip')), registry, start, {
      ...ctx,
      contacts: ctx.contacts.slice(1),
    });
    expect(ok.steps[1]).toMatchObject({ nodeId: 'm', status: 'ok' });
  });

  it('ends the run on an exit event, and keeps a held-out member from messages', () => {
    const exit = simulateJourney(
      plan(repurchase({ exits: [{ kind: 'event', event: 'unsubscribed' }] })),
      registry,
      {
        member: { tags: [], attributes: {} },
        startAt: shanghai(12),
        events: [{ name: 'unsubscribed', afterMs: 3 * DAY }],
      },
    );
    expect(exit.end).toMatchObject({ status: 'exited', exitReason: 'exit:event:unsubscribed' });

    const split: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('s', 'split', {
          variants: [
            { id: 'a', label: 'A', percent: 50 },
            { id: 'h', label: '对照', percent: 50, holdout: true },
          ],
        }),
        node('m', 'message', { channel: 'sms', body: 'offer' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 's'), edge('s', 'm', 'a'), edge('s', 'x', 'h'), edge('m', 'x')],
    };
    const held = simulateJourney(plan(split), registry, {
      member: { tags: [], attributes: {} },
      events: [],
      journeyKey: 'j',
      memberKey: 'm',
      heldOut: true,
    });
    expect(path(held)).toEqual(['t:next', 's:h', 'x:ok']);
  });

  it('sees tags an earlier node added (branch) and exits on a tag the journey adds', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('tag', 'tag', { add: ['stop'] }),
        node('m', 'message', { channel: 'push', body: 'never' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'tag'), edge('tag', 'm'), edge('m', 'x')],
      settings: { exits: [{ kind: 'tag', tag: 'stop' }] },
    };
    const r = simulateJourney(plan(doc), registry, { member: { tags: [], attributes: {} }, events: [] });
    expect(path(r)).toEqual(['t:next', 'tag:next', 'tag:exited']);
  });
});
