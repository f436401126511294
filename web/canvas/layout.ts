import ELK from 'elkjs/lib/elk.bundled.js';
import type { JourneyDocument } from '../api/types';
import { handleOf } from './document';

const elk = new ELK();

/** Where a node's output handles sit on its bottom edge: `.yt-node__outputs` is a flex row of equal cells
 * (6px padding each side, 4px gap, 1px border) with the handle in the middle of each cell. */
export function outputHandleX(width: number, count: number, index: number): number {
  if (count <= 1) return width / 2;
  const cell = (width - 2 - 12 - 4 * (count - 1)) / count;
  return 1 + 6 + index * (cell + 4) + cell / 2;
}

/**
 * Top-to-bottom layered layout. Each output is a port fixed where its handle is drawn (left to right in
 * the node's order), so branch children line up under the handle they hang from, edges from one node's
 * outputs never cross each other and orthogonal routes keep clear of nodes. Returns new positions; node
 * sizes come from the rendered canvas.
 */
export async function layoutDocument(
  doc: JourneyDocument,
  sizeOf: (id: string) => { width: number; height: number },
  outputsOf: (id: string) => string[],
): Promise<Map<string, { x: number; y: number }>> {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.semiInteractive': 'false',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: doc.nodes.map((n) => {
      const size = sizeOf(n.id);
      const outs = outputsOf(n.id);
      return {
        id: n.id,
        ...size,
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
        ports: [
          {
            id: `${n.id}::in`,
            x: size.width / 2,
            y: 0,
            width: 0,
            height: 0,
            layoutOptions: { 'elk.port.side': 'NORTH', 'elk.port.index': '0' },
          },
          // clockwise order: the south side runs right to left
          ...outs.map((o, i) => ({
            id: `${n.id}::${o}`,
            x: outputHandleX(size.width, outs.length, i),
            y: size.height,
            width: 0,
            height: 0,
            layoutOptions: { 'elk.port.side': 'SOUTH', 'elk.port.index': String(outs.length - i) },
          })),
        ],
      };
    }),
    edges: doc.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({
        id: e.id,
        sources: [outputsOf(e.source).includes(handleOf(e)) ? `${e.source}::${handleOf(e)}` : e.source],
        targets: [`${e.target}::in`],
      })),
  };
  const out = await elk.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const c of out.children ?? [])
    positions.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return positions;
}
