import type { JourneyDocument } from '../api/types';
import { edgeId, handleOf, newNodeId } from './document';

/**
 * Inserts `node` into the edge `edgeId`: A →(h) B becomes A →(h) node →(firstOutput) B.
 * A node without outputs (exit) just takes the edge's place as its target.
 */
export function insertOnEdge(
  doc: JourneyDocument,
  targetEdgeId: string,
  node: JourneyDocument['nodes'][number],
  firstOutput: string | undefined,
): JourneyDocument {
  const edge = doc.edges.find((e) => e.id === targetEdgeId);
  if (!edge) return { ...doc, nodes: [...doc.nodes, node] };
  const edges = doc.edges.filter((e) => e.id !== targetEdgeId);
  edges.push({
    id: edgeId(edge.source, handleOf(edge), node.id),
    source: edge.source,
    sourceHandle: edge.sourceHandle,
    target: node.id,
  });
  if (firstOutput)
    edges.push({
      id: edgeId(node.id, firstOutput, edge.target),
      source: node.id,
      sourceHandle: firstOutput,
      target: edge.target,
    });
  return { ...doc, nodes: [...doc.nodes, node], edges };
}

/** Connects source.handle → target, replacing whatever that output pointed to before (one edge per output). */
export function connect(
  doc: JourneyDocument,
  source: string,
  sourceHandle: string,
  target: string,
): JourneyDocument {
  if (source === target) return doc;
  const edges = doc.edges.filter((e) => !(e.source === source && e.sourceHandle === sourceHandle));
  edges.push({ id: edgeId(source, sourceHandle, target), source, sourceHandle, target });
  return { ...doc, edges };
}

/** Drops edges whose source output no longer exists (e.g. a branch condition was removed). */
export function pruneEdges(
  doc: JourneyDocument,
  outputsOf: (nodeId: string) => string[] | null,
): JourneyDocument {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const edges = doc.edges.filter((e) => {
    if (!ids.has(e.source) || !ids.has(e.target)) return false;
    const outs = outputsOf(e.source);
    return outs === null || outs.includes(handleOf(e));
  });
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** What is copied: the selected nodes and the edges between them. */
export interface Clip {
  nodes: JourneyDocument['nodes'];
  edges: JourneyDocument['edges'];
}

export function copySelection(doc: JourneyDocument, selected: Set<string>): Clip {
  return {
    nodes: doc.nodes.filter((n) => selected.has(n.id)),
    edges: doc.edges.filter((e) => selected.has(e.source) && selected.has(e.target)),
  };
}

/** Pastes a clip with fresh ids, shifted by `offset`; returns the new document and the new node ids. */
export function paste(
  doc: JourneyDocument,
  clip: Clip,
  offset: { x: number; y: number },
): { doc: JourneyDocument; pasted: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const map = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = newNodeId(n.type, taken);
    taken.add(id);
    map.set(n.id, id);
    return {
      ...n,
      id,
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
      data: structuredClone(n.data),
    };
  });
  const edges = clip.edges.map((e) => {
    const source = map.get(e.source)!;
    const target = map.get(e.target)!;
    return { id: edgeId(source, handleOf(e), target), source, sourceHandle: e.sourceHandle, target };
  });
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    pasted: nodes.map((n) => n.id),
  };
}

/** The edge whose straight line between `from` and `to` passes within `tolerance` of the point. */
export function nearestEdge(
  point: { x: number; y: number },
  segments: { id: string; from: { x: number; y: number }; to: { x: number; y: number } }[],
  tolerance: number,
): string | null {
  let best: string | null = null;
  let bestDist = tolerance;
  for (const s of segments) {
    const d = distanceToSegment(point, s.from, s.to);
    if (d <= bestDist) {
      bestDist = d;
      best = s.id;
    }
  }
  return best;
}

function distanceToSegment(
  p: { x: number; y: number },
  a: { x: number; y: number },
  b: { x: number; y: number },
) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
