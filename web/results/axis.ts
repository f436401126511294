/** The smallest 1, 2 or 5 × 10ⁿ at or above `v` (1 for nothing), so the axis ends on a round figure. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}
