import type { Edge, Node } from '@xyflow/react';
import type { DocEdge, DocNode, JourneyDocument } from '../api/types';

export type FlowNode = Node<Record<string, unknown>>;
export type FlowEdge = Edge;

/** Journey document → React Flow state. The shapes are the same; runtime fields are added by React Flow. */
export function toFlow(doc: JourneyDocument | null | undefined): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes = (doc?.nodes ?? []).map(
    (n): FlowNode => ({
      id: n.id,
      type: n.type,
      position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
      data: { ...(n.data ?? {}) },
    }),
  );
  const edges = (doc?.edges ?? []).map(
    (e): FlowEdge => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target }),
  );
  return { nodes, edges };
}

/**
 * React Flow state → the journey document the server stores: only id, type, position, data / id, source,
 * sourceHandle, target — and the journey's own settings (goal, exits, priority) when it has any.
 */
export function toDocument(
  nodes: FlowNode[],
  edges: FlowEdge[],
  settings?: JourneyDocument['settings'],
): JourneyDocument {
  return {
    nodes: nodes.map(
      (n): DocNode => ({
        id: n.id,
        type: n.type ?? 'unknown',
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        data: n.data,
      }),
    ),
    edges: edges.map(
      (e): DocEdge => ({
        id: e.id,
        source: e.source,
        sourceHandle: handleOf(e),
        target: e.target,
      }),
    ),
    ...(settings ? { settings } : {}),
  };
}

/** A short id that is unique within `taken`, readable in problem lists (`message_3`). */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^a-zA-Z0-9]+/g, '_');
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!used.has(id)) return id;
  }
}

/** The output an edge leaves from; documents the canvas writes always name it, older ones may not. */
export function handleOf(edge: { sourceHandle?: string | null }): string {
  return edge.sourceHandle ?? 'next';
}

export function edgeId(source: string, sourceHandle: string, target: string): string {
  return `e_${source}_${sourceHandle}_${target}`;
}
