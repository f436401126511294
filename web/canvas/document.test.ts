import { describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../api/types';
import { newNodeId, toDocument, toFlow } from './document';

const doc: JourneyDocument = {
  nodes: [
    { id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'order_paid' } },
    { id: 'w', type: 'wait.duration', position: { x: 10.4, y: 150.6 }, data: { amount: 3, unit: 'days' } },
  ],
  edges: [{ id: 'e1', source: 't', sourceHandle: 'next', target: 'w' }],
};

describe('document ↔ flow', () => {
  it('round-trips', () => {
    const { nodes, edges } = toFlow(doc);
    expect(toDocument(nodes, edges)).toEqual({
      ...doc,
      nodes: [doc.nodes[0], { ...doc.nodes[1], position: { x: 10, y: 151 } }],
    });
  });
  it('drops React Flow runtime fields', () => {
    const { nodes, edges } = toFlow(doc);
    const withRuntime = nodes.map((n) => ({
      ...n,
      selected: true,
      measured: { width: 240, height: 80 },
      dragging: false,
    }));
    const out = toDocument(
      withRuntime,
      edges.map((e) => ({ ...e, selected: true, animated: true })),
    );
    expect(Object.keys(out.nodes[0]).sort()).toEqual(['data', 'id', 'position', 'type']);
    expect(Object.keys(out.edges[0]).sort()).toEqual(['id', 'source', 'sourceHandle', 'target']);
  });
  it('tolerates an empty or missing document', () => {
    expect(toFlow(null)).toEqual({ nodes: [], edges: [] });
  });
  it('makes readable unique ids', () => {
    expect(newNodeId('wait.event', ['wait_event_1'])).toBe('wait_event_2');
  });
});
