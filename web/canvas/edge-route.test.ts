import { describe, expect, it } from 'vitest';
import { obstacle, type Pt, roundedPath, routeDown } from './edge-route';
import { outputHandleX } from './layout';

const passesThrough = (pts: Pt[], r: { x0: number; y0: number; x1: number; y1: number }) =>
  pts.some((p, i) => {
    if (i === 0) return false;
    const a = pts[i - 1];
    return (
      Math.min(a[0], p[0]) < r.x1 &&
      Math.max(a[0], p[0]) > r.x0 &&
      Math.min(a[1], p[1]) < r.y1 &&
      Math.max(a[1], p[1]) > r.y0
    );
  });

describe('routeDown', () => {
  it('turns once, just above the target, when nothing is in the way', () => {
    expect(routeDown([100, 0], [300, 200], [])).toEqual([
      [100, 0],
      [100, 180],
      [300, 180],
      [300, 200],
    ]);
  });

  it('turns half-way between rows that are close together', () => {
    expect(routeDown([100, 0], [300, 30], [])).toEqual([
      [100, 0],
      [100, 15],
      [300, 15],
      [300, 30],
    ]);
  });

  it('goes around a node in a row the edge skips', () => {
    // a branch output at x=200 rejoining at x=150 two rows down, with a node right under the output
    const inTheWay = obstacle(100, 60, 240, 70);
    const route = routeDown([200, 20], [150, 200], [inTheWay]);
    expect(route).not.toBeNull();
    expect(passesThrough(route!, inTheWay)).toBe(false);
    expect(route![0]).toEqual([200, 20]);
    expect(route![route!.length - 1]).toEqual([150, 200]);
  });

  it('leaves edges that go up to React Flow', () => {
    expect(routeDown([0, 100], [0, 0], [])).toBeNull();
  });
});

describe('roundedPath', () => {
  it('draws straight lines with rounded corners', () => {
    expect(
      roundedPath([
        [0, 0],
        [0, 20],
        [20, 20],
      ]),
    ).toBe('M 0 0 L 0 14 Q 0 20 6 20 L 20 20');
  });
});

describe('outputHandleX', () => {
  it('puts the handles in the middle of equal cells, left to right', () => {
    expect(outputHandleX(240, 1, 0)).toBe(120);
    const xs = [0, 1, 2].map((i) => outputHandleX(242, 3, i));
    expect(xs[0]).toBeLessThan(xs[1]);
    expect(xs[1]).toBeCloseTo(121);
    expect(xs[2]).toBeLessThan(242);
  });
});
