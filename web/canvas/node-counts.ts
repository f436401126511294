import type { NodeStats } from '../api/types';

/** The per-node figures the canvas shows, consistent with each other and with the results report. */
export interface NodeCounts {
  /** every member who reached the node: passed + waiting + failed + ended here */
  entered: number;
  passed: number;
  waiting: number;
  failed: number;
  /** converted or exited while at the node */
  endedHere: number;
  /** members who passed the node and later converted (0 from servers that do not count it) */
  convertedDownstream: number;
}

/** The stats answer of any server: the two fields issue 16 added may be missing. */
type Served = Omit<NodeStats, 'endedHere' | 'convertedDownstream'> & {
  endedHere?: number;
  convertedDownstream?: number;
};

/**
 * Counts a node's members once each, as the report does (entered = passed + waiting + failed + ended here).
 * Servers that send `endedHere` count from the results rollups and their `entered` already means arrived;
 * older ones sent as `entered` the members who passed the node, which beside 等待中 gave a wait node
 * 「进入 0 · 等待中 1」 — for them 进入 is rebuilt from its parts.
 */
export function nodeCounts(stats: Served): NodeCounts {
  if (stats.endedHere !== undefined) {
    const passed = Object.values(stats.outputs).reduce((a, b) => a + b, 0);
    // entered is defined as the sum of its parts; the stats route on main answered 0 for nodes past the
    // trigger while the report said 80, so the canvas shows the sum rather than a contradiction
    return {
      entered: Math.max(stats.entered, passed + stats.waiting + stats.failed + stats.endedHere),
      passed,
      waiting: stats.waiting,
      failed: stats.failed,
      endedHere: stats.endedHere,
      convertedDownstream: stats.convertedDownstream ?? 0,
    };
  }
  const endedHere = stats.converted + stats.exited;
  return {
    entered: stats.entered + stats.waiting + stats.failed + endedHere,
    passed: stats.entered,
    waiting: stats.waiting,
    failed: stats.failed,
    endedHere,
    convertedDownstream: stats.convertedDownstream ?? 0,
  };
}
