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

type Served = NodeStats & { endedHere?: number; convertedDownstream?: number };

/**
 * Counts a node's members once each, as the report does (entered = passed + waiting + failed + ended here).
 * The stats endpoint's `entered` is the members who passed the node; showing it as 进入 beside 等待中 gave a
 * wait node 「进入 0 · 等待中 1」, so 进入 here is rebuilt from its parts.
 */
export function nodeCounts(stats: Served): NodeCounts {
  const endedHere = stats.endedHere ?? stats.converted + stats.exited;
  return {
    entered: stats.entered + stats.waiting + stats.failed + endedHere,
    passed: stats.entered,
    waiting: stats.waiting,
    failed: stats.failed,
    endedHere,
    convertedDownstream: stats.convertedDownstream ?? 0,
  };
}
