import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { edge, node, welcomeDocument } from '../testing/documents.js';
import { compileJourney } from './compile.js';
import type { JourneyDocument } from './document.schema.js';

const TEMPLATE = '5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10';
let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});

const codes = (doc: JourneyDocument) => compileJourney(doc, registry).errors.map((e) => [e.code, e.nodeId]);

describe('compileJourney', () => {
  it('compiles the welcome journey into a plan with defaults filled and outputs resolved', () => {
    const result = compileJourney(welcomeDocument(TEMPLATE), registry);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    const plan = result.plan!;
    expect(plan.planVersion).toBe(2);
    expect(plan.trigger).toEqual({
      nodeId: 'trigger',
      type: 'trigger.event',
      config: { event: 'member_registered', reentry: 'once' },
      entry: { on: 'event', match: { event: 'member_registered', where: undefined } },
      reentry: { mode: 'once', cooldownMs: null },
    });
    expect(plan.journey).toEqual({ goal: null, exits: [], priority: 5 });
    expect(plan.nodes.tag.config).toEqual({ add: ['new_member'], remove: [] });
    expect(plan.nodes.coupon.next).toEqual({ issued: 'welcome', unavailable: 'no-stock' });
    expect(plan.nodes.coupon.behavior).toEqual({
      kind: 'action',
      skipOutput: 'unavailable',
      reachesMember: true,
    });
    expect(plan.nodes.wait).toMatchObject({
      behavior: {
        kind: 'wait',
        timer: { spec: { kind: 'after', ms: 3 * 86_400_000 }, output: 'timeout' },
        events: [{ match: { event: 'order_paid' }, output: 'matched' }],
      },
      next: { matched: 'thanks', timeout: 'reminder' },
    });
    expect(plan.nodes.welcome).toMatchObject({
      typeVersion: 1,
      behavior: {
        kind: 'action',
        reachesMember: true,
        guard: { channel: 'sms', quietHours: 'defer', overCap: 'skip' },
      },
    });
  });

  it('reports an unknown node type', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes.push(node('x', 'teleport'));
    doc.edges.push(edge('end', 'x'));
    expect(codes(doc)).toContainEqual(['unknown_type', 'x']);
  });

  it('reports bad config with the zod path as the field', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes.find((n) => n.id === 'wait')!.data = {
      event: 'order_paid',
      timeout: { amount: -1, unit: 'fortnights' },
    };
    const errors = compileJourney(doc, registry).errors.filter((e) => e.nodeId === 'wait');
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['invalid_config', 'timeout.amount'],
      ['invalid_config', 'timeout.unit'],
    ]);
  });

  it('reports node-specific rules (a coupon template must be chosen, tags must do something)', () => {
    const doc = welcomeDocument('');
    doc.nodes.find((n) => n.id === 'tag')!.data = {};
    const errors = compileJourney(doc, registry).errors;
    expect(errors).toContainEqual(
      expect.objectContaining({ nodeId: 'coupon', field: 'templateId', code: 'invalid_config' }),
    );
    expect(errors).toContainEqual(expect.objectContaining({ nodeId: 'tag', field: 'add', code: 'check' }));
  });

  it('asks for the cool-down length when re-entry waits for one', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes[0].data = { event: 'order_paid', reentry: 'cooldown' };
    expect(compileJourney(doc, registry).errors).toEqual([
      expect.objectContaining({ nodeId: 'trigger', field: 'cooldown', code: 'check' }),
    ]);
    doc.nodes[0].data = { event: 'order_paid', reentry: 'cooldown', cooldown: { amount: 30, unit: 'days' } };
    expect(compileJourney(doc, registry).plan?.trigger.config).toMatchObject({ reentry: 'cooldown' });
    doc.nodes[0].data = { event: 'order_paid' };
    expect(compileJourney(doc, registry).plan?.trigger.config).toMatchObject({ reentry: 'once' });
  });

  it('needs exactly one trigger', () => {
    expect(codes({ nodes: [node('e', 'exit')], edges: [] })).toContainEqual(['trigger_count', '']);
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes.push(node('t2', 'trigger.event', { event: 'order_paid' }));
    doc.edges.push(edge('t2', 'tag'));
    expect(codes(doc)).toContainEqual(['trigger_count', 't2']);
  });

  it('reports unreachable nodes', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes.push(node('island', 'exit'));
    expect(codes(doc)).toEqual([['unreachable', 'island']]);
  });

  it('reports outputs with no edge, naming the output', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.edges = doc.edges.filter((e) => !(e.source === 'wait' && e.sourceHandle === 'timeout'));
    doc.nodes = doc.nodes.filter((n) => n.id !== 'reminder');
    doc.edges = doc.edges.filter((e) => e.source !== 'reminder');
    const errors = compileJourney(doc, registry).errors;
    expect(errors).toEqual([
      expect.objectContaining({ nodeId: 'wait', output: 'timeout', code: 'output_unconnected' }),
    ]);
  });

  it('reports edges to nowhere and from outputs that do not exist', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.edges.push({ id: 'ghost', source: 'end', sourceHandle: 'next', target: 'nowhere' });
    doc.edges.push({ id: 'bad-handle', source: 'tag', sourceHandle: 'maybe', target: 'end' });
    const errors = compileJourney(doc, registry).errors;
    expect(errors).toContainEqual(
      expect.objectContaining({ edgeId: 'ghost', code: 'edge_dangling', nodeId: 'end' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ edgeId: 'bad-handle', code: 'edge_dangling', nodeId: 'tag' }),
    );
  });

  it('reports duplicate node and edge ids', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.nodes.push(node('end', 'exit'));
    doc.edges.push({ ...doc.edges[0] });
    const dupes = compileJourney(doc, registry).errors.filter((e) => e.code === 'duplicate_id');
    expect(dupes.map((e) => e.nodeId).sort()).toEqual(['end', 'trigger']);
  });

  it('refuses a cycle with no wait on it, and accepts one that waits', () => {
    const loop: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('a', 'tag', { add: ['a'] }),
        node('b', 'tag', { add: ['b'] }),
      ],
      edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'a')],
    };
    expect(codes(loop).sort()).toEqual([
      ['cycle_without_wait', 'a'],
      ['cycle_without_wait', 'b'],
    ]);
    loop.nodes.push(node('w', 'wait.duration', { amount: 7, unit: 'days' }));
    loop.edges = [edge('t', 'a'), edge('a', 'b'), edge('b', 'w'), edge('w', 'a')];
    expect(codes(loop)).toEqual([]);
  });

  it('gives a branch one output per condition plus else', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('b', 'branch', {
          conditions: [
            { id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } },
            {
              id: 'rich',
              label: '高消费',
              when: { kind: 'attribute', key: 'spend', op: 'gte', value: 1000 },
            },
          ],
        }),
        node('e', 'exit'),
      ],
      edges: [edge('t', 'b'), edge('b', 'e', 'vip'), edge('b', 'e', 'rich')],
    };
    expect(compileJourney(doc, registry).errors).toEqual([
      expect.objectContaining({ nodeId: 'b', output: 'else', code: 'output_unconnected' }),
    ]);
    doc.edges.push(edge('b', 'e', 'else'));
    expect(compileJourney(doc, registry).plan?.nodes.b.next).toEqual({ vip: 'e', rich: 'e', else: 'e' });
  });

  it('refuses an edge into the trigger and two edges from one output', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.edges.push(edge('thanks', 'trigger'));
    doc.edges.push({ id: 'twice', source: 'tag', sourceHandle: 'next', target: 'end' });
    const kinds = compileJourney(doc, registry).errors.map((e) => e.code);
    expect(kinds).toContain('edge_to_trigger');
    expect(kinds).toContain('output_ambiguous');
  });

  it('never throws and ties every error to a node, on random graphs', () => {
    const types = ['trigger.event', 'tag', 'wait.duration', 'exit', 'branch', 'message', 'nope'];
    const arb = fc
      .tuple(
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 30 }),
      )
      .chain(([n, rawEdges]) =>
        fc.array(fc.constantFrom(...types), { minLength: n, maxLength: n }).map((ts) => {
          const nodes = ts.map((t, i) =>
            node(
              `n${i}`,
              t,
              t === 'trigger.event' ? { event: 'e' } : t === 'tag' ? { add: ['x'] } : { amount: 1 },
            ),
          );
          const edges = rawEdges.map(([s, t, h], i) => ({
            id: `e${i}`,
            source: `n${s % Math.max(n, 1)}`,
            sourceHandle: ['next', 'else', 'x'][h % 3],
            target: `n${t % Math.max(n + 1, 1)}`,
          }));
          return { nodes, edges } as JourneyDocument;
        }),
      );
    fc.assert(
      fc.property(arb, (doc) => {
        const result = compileJourney(doc, registry);
        const ids = new Set(['', ...doc.nodes.map((n) => n.id)]);
        if (result.ok) {
          // every plan node is reachable and every output connected to a plan node
          for (const n of Object.values(result.plan.nodes)) {
            for (const target of Object.values(n.next)) expect(result.plan.nodes[target]).toBeDefined();
          }
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(ids.has(e.nodeId)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
