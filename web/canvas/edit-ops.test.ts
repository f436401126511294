import { describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../api/types';
import { connect, copySelection, insertOnEdge, nearestEdge, paste, pruneEdges } from './edit-ops';

const doc: JourneyDocument = {
  nodes: [
    { id: 'a', type: 'trigger.event', position: { x: 0, y: 0 }, data: {} },
    { id: 'b', type: 'exit', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [{ id: 'ab', source: 'a', sourceHandle: 'next', target: 'b' }],
};
const wait = { id: 'w', type: 'wait.event', position: { x: 0, y: 100 }, data: {} };

describe('insertOnEdge', () => {
  it('splits A→B into A→new→B through the first output', () => {
    const out = insertOnEdge(doc, 'ab', wait, 'matched');
    expect(out.nodes.map((n) => n.id)).toEqual(['a', 'b', 'w']);
    expect(out.edges.map((e) => [e.source, e.sourceHandle, e.target])).toEqual([
      ['a', 'next', 'w'],
      ['w', 'matched', 'b'],
    ]);
  });
  it('with no outputs (exit) the node ends the path', () => {
    const out = insertOnEdge(doc, 'ab', { ...wait, type: 'exit' }, undefined);
    expect(out.edges.map((e) => [e.source, e.target])).toEqual([['a', 'w']]);
  });
  it('an unknown edge just adds the node', () => {
    expect(insertOnEdge(doc, 'nope', wait, 'next').edges).toBe(doc.edges);
  });
});

describe('connect / prune', () => {
  it('one edge per output: reconnecting replaces', () => {
    const withW = { nodes: [...doc.nodes, wait], edges: doc.edges };
    const out = connect(withW, 'a', 'next', 'w');
    expect(out.edges.map((e) => e.target)).toEqual(['w']);
  });
  it('refuses self loops', () => {
    expect(connect(doc, 'a', 'next', 'a')).toBe(doc);
  });
  it('removes edges of outputs that vanished and of missing nodes', () => {
    const d: JourneyDocument = {
      nodes: [...doc.nodes, wait],
      edges: [
        ...doc.edges,
        { id: 'x', source: 'w', sourceHandle: 'gone', target: 'b' },
        { id: 'y', source: 'w', sourceHandle: 'matched', target: 'zzz' },
      ],
    };
    const out = pruneEdges(d, (id) => (id === 'w' ? ['matched', 'timeout'] : null));
    expect(out.edges.map((e) => e.id)).toEqual(['ab']);
  });
});

describe('copy / paste', () => {
  it('copies nodes with their inner edges and pastes with fresh ids, shifted', () => {
    const clip = copySelection(doc, new Set(['a', 'b']));
    const { doc: out, pasted } = paste(doc, clip, { x: 40, y: 40 });
    expect(pasted).toEqual(['trigger_event_1', 'exit_1']);
    expect(out.nodes).toHaveLength(4);
    expect(out.nodes[2].position).toEqual({ x: 40, y: 40 });
    expect(out.edges.at(-1)).toMatchObject({
      source: 'trigger_event_1',
      sourceHandle: 'next',
      target: 'exit_1',
    });
  });
  it('deep-copies config so edits do not leak between copies', () => {
    const d: JourneyDocument = {
      nodes: [{ id: 'm', type: 'tag', position: { x: 0, y: 0 }, data: { add: ['x'] } }],
      edges: [],
    };
    const { doc: out } = paste(d, copySelection(d, new Set(['m'])), { x: 0, y: 0 });
    expect(out.nodes[1].data).toEqual(out.nodes[0].data);
    expect(out.nodes[1].data).not.toBe(out.nodes[0].data);
  });
});

describe('nearestEdge', () => {
  const segs = [{ id: 'ab', from: { x: 0, y: 0 }, to: { x: 0, y: 100 } }];
  it('finds an edge within tolerance only', () => {
    expect(nearestEdge({ x: 5, y: 50 }, segs, 10)).toBe('ab');
    expect(nearestEdge({ x: 30, y: 50 }, segs, 10)).toBeNull();
    expect(nearestEdge({ x: 0, y: 130 }, segs, 10)).toBeNull();
  });
});

describe('the journey settings ride along with every edit', () => {
  const withSettings: JourneyDocument = { ...doc, settings: { goal: { event: 'order_paid' }, priority: 7 } };
  it('insert, connect, prune and paste keep document.settings', () => {
    const edits = [
      insertOnEdge(withSettings, 'ab', wait, 'matched'),
      connect(withSettings, 'a', 'next', 'b'),
      pruneEdges(withSettings, () => []),
      paste(withSettings, copySelection(withSettings, new Set(['b'])), { x: 10, y: 10 }).doc,
    ];
    for (const out of edits) expect(out.settings).toEqual(withSettings.settings);
  });
});
