import { beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../compiler/compile.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { edge, node, welcomeDocument } from '../testing/documents.js';
import {
  MAX_SIMULATION_STEPS,
  SimulationTooLong,
  simulateJourney,
  simulateJourneyInSlices,
} from './simulate.js';

const DAY = 86_400_000;
let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});
const plan = (doc: Parameters<typeof compileJourney>[0]) => {
  const r = compileJourney(doc, registry);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
};
const path = (r: ReturnType<typeof simulateJourney>) =>
  r.steps.map((s) => `${s.nodeId}:${s.output ?? s.status}@${s.afterMs / DAY}d`);

describe('simulateJourney', () => {
  const welcome = () => plan(welcomeDocument('5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10'));

  it('shows the reminder path when no order comes within three days', () => {
    const r = simulateJourney(welcome(), registry, { member: { tags: [], attributes: {} }, events: [] });
    expect(path(r)).toEqual([
      'trigger:next@0d',
      'tag:next@0d',
      'coupon:issued@0d',
      'welcome:next@0d',
      'wait:timeout@3d',
      'reminder:next@3d',
      'end:ok@3d',
    ]);
    expect(r.end).toMatchObject({ status: 'completed', afterMs: 3 * DAY });
    expect(r.member.tags).toEqual(['new_member']);
  });

  it('takes the order path when the order event comes in time, and ignores events after the run ended', () => {
    const r = simulateJourney(welcome(), registry, {
      member: { tags: [], attributes: {} },
      events: [
        { name: 'app_open', afterMs: 0.5 * DAY },
        { name: 'order_paid', afterMs: 1.5 * DAY },
        { name: 'order_paid', afterMs: 10 * DAY },
      ],
    });
    expect(path(r).slice(4)).toEqual(['wait:matched@1.5d', 'thanks:next@1.5d', 'end:ok@1.5d']);
    expect(r.member.tags).toEqual(['new_member', 'first_order']);
  });

  it('follows an assumed outcome (no coupon stock)', () => {
    const r = simulateJourney(welcome(), registry, {
      member: { tags: [], attributes: {} },
      events: [],
      outcomes: { coupon: 'unavailable' },
    });
    expect(path(r)).toEqual(['trigger:next@0d', 'tag:next@0d', 'coupon:unavailable@0d', 'no-stock:ok@0d']);
  });

  it('walks months of waiting in an instant and stops at the horizon of a wait that outlasts it', () => {
    const doc = {
      nodes: [
        node('t', 'trigger.event', { event: 'order_paid' }),
        node('w', 'wait.duration', { amount: 25, unit: 'days' }),
        node('b', 'branch', {
          conditions: [{ id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } }],
        }),
        node('long', 'wait.duration', { amount: 400, unit: 'days' }),
        node('x', 'exit'),
      ],
      edges: [
        edge('t', 'w'),
        edge('w', 'b'),
        edge('b', 'x', 'vip'),
        edge('b', 'long', 'else'),
        edge('long', 'x'),
      ],
    };
    const vip = simulateJourney(plan(doc), registry, {
      member: { tags: ['vip'], attributes: {} },
      events: [],
    });
    expect(path(vip)).toEqual(['t:next@0d', 'w:next@25d', 'b:vip@25d', 'x:ok@25d']);
    const other = simulateJourney(plan(doc), registry, { member: { tags: [], attributes: {} }, events: [] });
    expect(other.end).toMatchObject({ status: 'waiting', nodeId: 'long', waitingUntilMs: 425 * DAY });
  });

  describe('limits', () => {
    /** trigger → n tag nodes → wait a day → back: n + 1 steps a simulated day */
    const loop = (n: number) => {
      const nodes = [node('t', 'trigger.event', { event: 'x' })];
      const edges = [edge('t', 'n0')];
      for (let i = 0; i < n; i++) {
        nodes.push(node(`n${i}`, 'tag', { add: ['a'] }));
        if (i) edges.push(edge(`n${i - 1}`, `n${i}`));
      }
      nodes.push(node('w', 'wait.duration', { amount: 1, unit: 'days' }));
      edges.push(edge(`n${n - 1}`, 'w'), edge('w', 'n0'));
      return plan({ nodes, edges });
    };
    const tenYears = { member: { tags: [], attributes: {} }, events: [], horizonMs: 3660 * DAY };

    it('refuses a simulation past MAX_SIMULATION_STEPS instead of cutting its timeline short', () => {
      expect(() => simulateJourney(loop(2), registry, tenYears)).toThrow(SimulationTooLong);
      expect(() => simulateJourney(loop(2), registry, tenYears)).toThrow(/more than 10,000 steps/);
      // a year of the same loop fits
      const year = simulateJourney(loop(2), registry, { ...tenYears, horizonMs: 365 * DAY });
      expect(year.steps.length).toBeLessThanOrEqual(MAX_SIMULATION_STEPS);
    });

    it('in slices: the same answer as in one go, with the event loop served in between', async () => {
      const input = {
        member: { tags: ['vip'], attributes: {} },
        events: [{ name: 'order_paid', afterMs: 2 * DAY }],
      };
      const inSlices = await simulateJourneyInSlices(
        welcome(),
        registry,
        { ...input, startAt: 1_800_000_000_000 },
        { timezone: 'Asia/Shanghai', quietHours: null, frequencyCaps: [], contacts: [] },
        { timeoutMs: 10_000 },
      );
      expect(inSlices).toEqual(
        simulateJourney(welcome(), registry, { ...input, startAt: 1_800_000_000_000 }),
      );

      // a long simulation (a slice of 0 ms gives way after every step): a timer due now fires during it
      let fired = false;
      setTimeout(() => {
        fired = true;
      }, 0);
      let firedDuring = false;
      const year = simulateJourneyInSlices(
        loop(2),
        registry,
        { ...tenYears, horizonMs: 365 * DAY },
        { timezone: 'Asia/Shanghai', quietHours: null, frequencyCaps: [], contacts: [] },
        { timeoutMs: 10_000, sliceMs: 0 },
      ).then((r) => {
        firedDuring = fired;
        return r;
      });
      expect(fired).toBe(false);
      expect((await year).steps.length).toBeGreaterThan(1000);
      expect(firedDuring).toBe(true);
    });

    it('in slices: gives up past its wall time', async () => {
      const slow = simulateJourneyInSlices(
        loop(400),
        registry,
        tenYears,
        { timezone: 'Asia/Shanghai', quietHours: null, frequencyCaps: [], contacts: [] },
        { timeoutMs: 20 },
      );
      await expect(slow).rejects.toMatchObject({ name: 'SimulationTooLong', limit: 'time' });
    });
  });
});
