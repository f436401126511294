import { describe, expect, it } from 'vitest';
import type { NodeStats } from '../api/types';
import { nodeCounts } from './node-counts';

// older servers send no endedHere / convertedDownstream: the builder leaves them out unless given
const stats = (
  over: Partial<Omit<NodeStats, 'endedHere' | 'convertedDownstream'>> & {
    convertedDownstream?: number;
    endedHere?: number;
  },
) => ({
  entered: 0,
  outputs: {},
  waiting: 0,
  failed: 0,
  skipped: {},
  deferred: {},
  converted: 0,
  exited: 0,
  ...over,
});

describe('nodeCounts', () => {
  it('counts a member waiting at a node as having entered it (no more 「进入 0 · 等待中 1」)', () => {
    expect(nodeCounts(stats({ waiting: 1 }))).toMatchObject({ entered: 1, passed: 0, waiting: 1 });
  });

  it('takes a rollup server’s figures as they are (its entered already counts arrivals)', () => {
    const c = nodeCounts(
      stats({
        entered: 17,
        outputs: { yes: 6, no: 4 },
        waiting: 3,
        failed: 1,
        endedHere: 3,
        convertedDownstream: 4,
      }),
    );
    expect(c).toEqual({
      entered: 17,
      passed: 10,
      waiting: 3,
      failed: 1,
      endedHere: 3,
      convertedDownstream: 4,
    });
  });

  it('never shows fewer entered than passed + waiting + failed + ended here', () => {
    expect(nodeCounts(stats({ entered: 0, waiting: 54, endedHere: 26 })).entered).toBe(80);
  });

  it('adds up passed, waiting, failed and ended here for an older server, keeping the downstream conversions', () => {
    const c = nodeCounts(
      stats({
        entered: 10,
        outputs: { yes: 6, no: 4 },
        waiting: 3,
        failed: 1,
        converted: 2,
        exited: 1,
        convertedDownstream: 4,
      }),
    );
    expect(c).toEqual({
      entered: 17,
      passed: 10,
      waiting: 3,
      failed: 1,
      endedHere: 3,
      convertedDownstream: 4,
    });
    expect(c.entered).toBe(c.passed + c.waiting + c.failed + c.endedHere);
  });

  it('shows no downstream conversions for a server that does not count them', () => {
    expect(nodeCounts(stats({ entered: 2 })).convertedDownstream).toBe(0);
  });
});
