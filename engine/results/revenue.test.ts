import { describe, expect, it } from 'vitest';
import { welchDiff } from './revenue.js';

/** The rollup's view of a list of per-member revenues in 分. */
function sums(values: number[]) {
  return {
    n: values.length,
    sum: values.reduce((s, v) => s + v, 0),
    sumSquares: values.reduce((s, v) => s + BigInt(v) * BigInt(v), 0n).toString(),
  };
}

// Two small groups, mostly members who bought nothing (0 分)
const treatment = [
  0, 0, 0, 12900, 0, 0, 4500, 0, 0, 0, 25800, 0, 0, 0, 0, 9900, 0, 0, 0, 0, 0, 0, 39900, 0, 0,
];
const holdout = [0, 0, 0, 0, 0, 9900, 0, 0, 0, 0, 0, 0, 0, 4500, 0, 0, 0, 0, 15800];

describe('welchDiff', () => {
  it('matches an independent computation from the raw values (mpmath, two-pass variance, 30 digits)', () => {
    const d = welchDiff(sums(treatment), sums(holdout))!;
    expect(d.diff).toBeCloseTo(2130.526315789474, 9);
    expect(d.standardError).toBeCloseTo(2143.822278366105, 9);
    expect(d.df).toBeCloseTo(34.80241726070089, 9);
    expect(d.low).toBeCloseTo(-2222.54771995817, 7);
    expect(d.high).toBeCloseTo(6483.600351537118, 7);
    const d90 = welchDiff(sums(treatment), sums(holdout), 0.9)!;
    expect(d90.low).toBeCloseTo(-1492.175799991364, 7);
    expect(d90.high).toBeCloseTo(5753.228431570311, 7);
  });

  it('takes the sum of squares as a number or a decimal string, with the same answer', () => {
    const asString = sums(treatment);
    const asNumber = { ...asString, sumSquares: Number(asString.sumSquares) };
    expect(welchDiff(asNumber, sums(holdout))).toEqual(welchDiff(asString, sums(holdout)));
  });

  it('is exact beyond 2^53: baskets of ¥1,000,000 differing by 1 分 still have variance 1', () => {
    // 10^8, 10^8 + 1, 10^8 + 2 分: Σx² = 30,000,000,600,000,005 is not a double; variance is exactly 1
    const big = sums([1e8, 1e8 + 1, 1e8 + 2]);
    expect(big.sumSquares).toBe('30000000600000005');
    expect(Number.isSafeInteger(Number(big.sumSquares))).toBe(false);
    const flat = sums([5, 6, 7]); // also variance 1
    const d = welchDiff(big, flat)!;
    expect(d.diff).toBe(1e8 + 1 - 6);
    expect(d.standardError).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(d.df).toBeCloseTo(4, 12);
  });

  it('guards small and constant groups', () => {
    expect(welchDiff(sums([100]), sums([0, 0, 50]))).toBeNull();
    expect(welchDiff(sums([]), sums([0, 0]))).toBeNull();
    // nobody bought anywhere: no spread to estimate, the interval is the point
    expect(welchDiff(sums([0, 0, 0]), sums([0, 0]))).toEqual({
      diff: 0,
      low: 0,
      high: 0,
      standardError: 0,
      df: 3,
    });
    // one side constant: Welch–Satterthwaite falls back to the other side's n − 1
    const oneSided = welchDiff(sums([0, 100, 200, 300]), sums([0, 0, 0, 0, 0]))!;
    expect(oneSided.df).toBeCloseTo(3, 12);
  });

  it('refuses sums that cannot come from the members, naming the field', () => {
    const ok = sums([0, 100]);
    expect(() => welchDiff({ n: 2, sum: 100, sumSquares: 4999 }, ok)).toThrow(/a\.sumSquares/); // < 100²/2
    expect(() => welchDiff(ok, { n: 0, sum: 0, sumSquares: 5 })).toThrow(/b\.sumSquares/);
    expect(() => welchDiff(ok, { n: 2, sum: 10.5, sumSquares: 200 })).toThrow(/b\.sum/);
    expect(() => welchDiff(ok, { n: 2, sum: 10, sumSquares: 2 ** 60 })).toThrow(
      /b\.sumSquares.*decimal string/,
    );
    expect(() => welchDiff(ok, { n: 2, sum: 10, sumSquares: '1e5' })).toThrow(/b\.sumSquares/);
    expect(() => welchDiff(ok, { n: -2, sum: 10, sumSquares: '100' })).toThrow(/b\.n/);
    expect(() => welchDiff(ok, ok, 1)).toThrow(/confidence/);
  });

  it('accepts refunds: a negative sum with a consistent sum of squares', () => {
    const d = welchDiff(sums([-500, 0, 0, 1000]), sums([0, 0, 0, 0]))!;
    expect(d.diff).toBe(125);
  });
});
