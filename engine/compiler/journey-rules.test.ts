import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { edge, node, welcomeDocument } from '../testing/documents.js';
import { compileJourney, MAX_JOURNEY_NODES } from './compile.js';
import type { JourneyDocument } from './document.schema.js';

const TEMPLATE = '5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10';
let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});
const problems = (doc: JourneyDocument) =>
  compileJourney(doc, registry).errors.map((e) => ({ nodeId: e.nodeId, field: e.field, code: e.code }));

const winback = (variants: unknown[]): JourneyDocument => ({
  nodes: [
    node('t', 'trigger.event', { event: 'member_lapsed_90d' }),
    node('split', 'split', { variants }),
    node('msg', 'message', { channel: 'sms', body: '回来看看' }),
    node('tag', 'tag', { add: ['lost'] }),
    node('x', 'exit'),
  ],
  edges: [
    edge('t', 'split'),
    edge('split', 'msg', 'a'),
    edge('split', 'tag', 'hold'),
    edge('msg', 'tag'),
    edge('tag', 'x'),
  ],
});

describe('journey settings (document.settings → plan.journey)', () => {
  it('compiles a goal with filters and a window, exit criteria and a priority', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.settings = {
      goal: { event: 'order_paid', where: [{ property: 'amount', op: 'gte', value: 100 }], windowDays: 7 },
      exits: [
        { kind: 'event', event: 'unsubscribed' },
        { kind: 'tag', tag: 'do_not_contact' },
        { kind: 'attribute', key: 'level', op: 'eq', value: 'blacklist' },
      ],
      priority: 8,
    };
    const r = compileJourney(doc, registry);
    expect(r.errors).toEqual([]);
    expect(r.plan!.journey).toEqual({
      goal: {
        match: { event: 'order_paid', where: [{ property: 'amount', op: 'gte', value: 100 }] },
        windowMs: 7 * 86_400_000,
        value: null,
        attributionMs: 7 * 86_400_000,
      },
      exits: [
        {
          id: '1',
          label: 'event:unsubscribed',
          kind: 'event',
          match: { event: 'unsubscribed', where: undefined },
        },
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
      ],
      priority: 8,
    });
  });

  it('refuses bad settings with the field named: a goal without an event, a priority out of range', () => {
    const doc = welcomeDocument(TEMPLATE);
    doc.settings = {
      goal: { windowDays: 3 },
      priority: 11,
      exits: [{ kind: 'attribute', key: 'x', op: 'gt' }],
    };
    expect(problems(doc)).toEqual(
      expect.arrayContaining([
        { nodeId: '', field: 'settings.goal.event', code: 'invalid_settings' },
        { nodeId: '', field: 'settings.priority', code: 'invalid_settings' },
      ]),
    );
    doc.settings = { exits: [{ kind: 'attribute', key: 'x', op: 'gt' }] };
    expect(problems(doc)).toEqual([
      { nodeId: '', field: 'settings.exits.0.value', code: 'invalid_settings' },
    ]);
  });
});

describe('limits', () => {
  it(`refuses a journey of more than ${MAX_JOURNEY_NODES} nodes`, () => {
    const nodes = [node('t', 'trigger.event', { event: 'x' })];
    const edges = [];
    for (let i = 0; i < MAX_JOURNEY_NODES; i++) {
      nodes.push(node(`w${i}`, 'wait.duration', { amount: 1, unit: 'days' }));
      edges.push(edge(i === 0 ? 't' : `w${i - 1}`, `w${i}`));
    }
    expect(problems({ nodes, edges })).toContainEqual({ nodeId: '', field: undefined, code: 'too_large' });
  });

  it('refuses a wait longer than 10 years, and a billion days', () => {
    for (const wait of [
      { amount: 11, unit: 'months' },
      { amount: 1e9, unit: 'days' },
      { amount: 600, unit: 'weeks' },
    ]) {
      const doc = welcomeDocument(TEMPLATE);
      doc.nodes.find((n) => n.id === 'wait')!.data = {
        event: 'order_paid',
        timeout: { ...wait, amount: wait.amount * (wait.unit === 'months' ? 12 : 1) },
      };
      expect(problems(doc)).toContainEqual({
        nodeId: 'wait',
        field: 'timeout.amount',
        code: 'invalid_config',
      });
    }
    const ok = welcomeDocument(TEMPLATE, { amount: 120, unit: 'months' });
    expect(problems(ok)).toEqual([]);
  });

  it('refuses node ids that are object internals or not plain', () => {
    for (const id of ['__proto__', 'constructor', 'prototype', 'a b', '', 'x'.repeat(101)]) {
      const doc: JourneyDocument = {
        nodes: [node('t', 'trigger.event', { event: 'x' }), node(id, 'exit')],
        edges: [edge('t', id)],
      };
      expect(problems(doc)).toContainEqual({ nodeId: id, field: undefined, code: 'invalid_id' });
    }
  });
});

describe('holdout', () => {
  it('refuses a message only the holdout can reach, and accepts a shared tag', () => {
    const bad = winback([
      { id: 'a', label: 'A', percent: 90 },
      { id: 'hold', label: '对照', percent: 10, holdout: true },
    ]);
    // the message is reachable only from a: fine
    expect(problems(bad)).toEqual([]);
    // now wire the holdout to the message
    bad.edges = bad.edges.map((e) =>
      e.source === 'split' && e.sourceHandle === 'hold' ? { ...e, target: 'msg' } : e,
    );
    bad.edges = bad.edges.map((e) =>
      e.source === 'split' && e.sourceHandle === 'a' ? { ...e, target: 'tag' } : e,
    );
    expect(problems(bad)).toContainEqual({ nodeId: 'msg', field: undefined, code: 'holdout_contact' });
  });

  it('refuses a holdout above 50% and two holdouts', () => {
    expect(
      problems(
        winback([
          { id: 'a', label: 'A', percent: 40 },
          { id: 'hold', label: '对照', percent: 60, holdout: true },
        ]),
      ),
    ).toContainEqual({ nodeId: 'split', field: 'variants.1.percent', code: 'check' });
    const doc = winback([
      { id: 'a', label: 'A', percent: 50, holdout: true },
      { id: 'hold', label: '对照', percent: 50, holdout: true },
    ]);
    expect(problems(doc)).toContainEqual({ nodeId: 'split', field: 'variants.1.holdout', code: 'check' });
  });

  it('compiles a holdout into the split behaviour', () => {
    const r = compileJourney(
      winback([
        { id: 'a', label: 'A', percent: 90 },
        { id: 'hold', label: '对照', percent: 10, holdout: true },
      ]),
      registry,
    );
    expect(r.plan!.nodes.split.behavior).toEqual({
      kind: 'route',
      by: 'bucket',
      variants: [
        { output: 'a', percent: 90, holdout: false },
        { output: 'hold', percent: 10, holdout: true },
      ],
    });
  });
});

describe('behaviours come from the node types', () => {
  it('compiles wait.time to a resolved timer, month waits too, and day waits to fixed ms', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('at', 'wait.time', { at: '10:00', weekdays: [1, 2, 3, 4, 5] }),
        node('m', 'wait.duration', { amount: 1, unit: 'months' }),
        node('w', 'wait.duration', { amount: 2, unit: 'weeks' }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'at'), edge('at', 'm'), edge('m', 'w'), edge('w', 'x')],
    };
    const plan = compileJourney(doc, registry).plan!;
    expect(plan.nodes.at.behavior).toEqual({
      kind: 'wait',
      timer: { spec: { kind: 'resolve' }, output: 'next' },
    });
    expect(plan.nodes.m.behavior).toEqual({
      kind: 'wait',
      timer: { spec: { kind: 'resolve' }, output: 'next' },
    });
    expect(plan.nodes.w.behavior).toEqual({
      kind: 'wait',
      timer: { spec: { kind: 'after', ms: 14 * 86_400_000 }, output: 'next' },
    });
    expect(plan.nodes.x.behavior).toEqual({ kind: 'end', reason: 'exit_node' });
  });

  it('refuses a bad time of day and repeated weekdays', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('at', 'wait.time', { at: '25:00', weekdays: [1, 1] }),
      ],
      edges: [edge('t', 'at')],
    };
    expect(problems(doc)).toEqual(
      expect.arrayContaining([
        { nodeId: 'at', field: 'at', code: 'invalid_config' },
        { nodeId: 'at', field: 'weekdays', code: 'invalid_config' },
      ]),
    );
  });

  it('a loop through a time-of-day wait is not a busy loop', () => {
    const doc: JourneyDocument = {
      nodes: [
        node('t', 'trigger.event', { event: 'x' }),
        node('m', 'message', { channel: 'sms', body: 'weekly' }),
        node('at', 'wait.time', { at: '10:00', weekdays: [1] }),
      ],
      edges: [edge('t', 'm'), edge('m', 'at'), edge('at', 'm')],
    };
    expect(problems(doc)).toEqual([]);
  });
});
