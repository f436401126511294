/** Orthogonal routes for journey edges that keep clear of the nodes they pass. */

/** How far below its output / above its target an edge turns sideways. */
const BEND = 20;
/** Room kept between an edge and a node it passes. */
const CLEAR = 10;
const RADIUS = 6;

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export type Pt = [number, number];

/** A node's box, with room to spare, that edges keep out of. */
export const obstacle = (x: number, y: number, width: number, height: number): Rect => ({
  x0: x - CLEAR,
  y0: y - CLEAR,
  x1: x + width + CLEAR,
  y1: y + height + CLEAR,
});

/** Does the axis-parallel segment a–b pass through r? */
function hits(a: Pt, b: Pt, r: Rect): boolean {
  const [xa, xb] = a[0] < b[0] ? [a[0], b[0]] : [b[0], a[0]];
  const [ya, yb] = a[1] < b[1] ? [a[1], b[1]] : [b[1], a[1]];
  return xa < r.x1 && xb > r.x0 && ya < r.y1 && yb > r.y0;
}
const clear = (pts: Pt[], rects: Rect[]) =>
  pts.every((p, i) => i === 0 || rects.every((r) => !hits(pts[i - 1], p, r)));

/** An orthogonal polyline with rounded corners. */
export function roundedPath(pts: Pt[]): string {
  const p = pts.filter((q, i) => i === 0 || q[0] !== pts[i - 1][0] || q[1] !== pts[i - 1][1]);
  let d = `M ${p[0][0]} ${p[0][1]}`;
  for (let i = 1; i < p.length - 1; i++) {
    const [a, b, c] = [p[i - 1], p[i], p[i + 1]];
    const r = Math.min(
      RADIUS,
      Math.hypot(b[0] - a[0], b[1] - a[1]) / 2,
      Math.hypot(c[0] - b[0], c[1] - b[1]) / 2,
    );
    const inX = b[0] - Math.sign(b[0] - a[0]) * r;
    const inY = b[1] - Math.sign(b[1] - a[1]) * r;
    const outX = b[0] + Math.sign(c[0] - b[0]) * r;
    const outY = b[1] + Math.sign(c[1] - b[1]) * r;
    d += ` L ${inX} ${inY} Q ${b[0]} ${b[1]} ${outX} ${outY}`;
  }
  const last = p[p.length - 1];
  return `${d} L ${last[0]} ${last[1]}`;
}

/**
 * The route of an edge going down: one turn (just above the target, half-way, or just below the output)
 * when that keeps clear of every other node, else around them through a free column. React Flow's own
 * step edge always turns half-way, which runs an edge that skips a row straight behind the nodes in it.
 */
export function routeDown(s: Pt, t: Pt, rects: Rect[]): Pt[] | null {
  const [sx, sy] = s;
  const [tx, ty] = t;
  if (ty - sy < 4) return null;
  const mid = (sy + ty) / 2;
  const one = (y: number): Pt[] => [s, [sx, y], [tx, y], t];
  const turns = ty - sy > 2 * BEND ? [ty - BEND, mid, sy + BEND] : [mid];
  for (const y of turns) if (clear(one(y), rects)) return one(y);
  const y1 = Math.min(sy + BEND, mid);
  const y2 = Math.max(ty - BEND, mid);
  const xs = [sx, tx, ...rects.flatMap((r) => [r.x0 - 2, r.x1 + 2])].sort(
    (a, b) => Math.abs(a - sx) + Math.abs(a - tx) - (Math.abs(b - sx) + Math.abs(b - tx)),
  );
  for (const x of xs) {
    const pts: Pt[] = [s, [sx, y1], [x, y1], [x, y2], [tx, y2], t];
    if (clear(pts, rects)) return pts;
  }
  return null;
}
