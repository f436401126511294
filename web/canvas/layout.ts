import ELK from 'elkjs/lib/elk.bundled.js';
import type { JourneyDocument } from '../api/types';

const elk = new ELK();

/**
 * Top-to-bottom layered layout. Each output is a port in its own order, so branch children line up
 * under the handle they hang from. Returns new positions; node sizes come from the rendered canvas.
 */
export async function layoutDocument(
  doc: JourneyDocument,
  sizeOf: (id: string) => { width: number; height: number },
  outputsOf: (id: string) => string[],
): Promise<Map<string, { x: number; y: number }>> {
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
      'elk.spacing.nodeNode': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: doc.nodes.map((n) => {
      const size = sizeOf(n.id);
      const outs = outputsOf(n.id);
      return {
        id: n.id,
        ...size,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: [
          { id: `${n.id}::in`, layoutOptions: { 'elk.port.side': 'NORTH' } },
          ...outs.map((o, i) => ({
            id: `${n.id}::${o}`,
            layoutOptions: { 'elk.port.side': 'SOUTH', 'elk.port.index': String(outs.length - 1 - i) },
          })),
        ],
      };
    }),
    edges: doc.edges
      .filter((e) => doc.nodes.some((n) => n.id === e.source) && doc.nodes.some((n) => n.id === e.target))
      .map((e) => ({
        id: e.id,
        sources: [outputsOf(e.source).includes(e.sourceHandle) ? `${e.source}::${e.sourceHandle}` : e.source],
        targets: [`${e.target}::in`],
      })),
  };
  const out = await elk.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const c of out.children ?? []) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return positions;
}
