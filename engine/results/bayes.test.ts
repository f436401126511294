import { describe, expect, it } from 'vitest';
import { probabilityBest } from './bayes.js';
import { logBeta } from './special-functions.js';

/**
 * Evan Miller, "Formulas for Bayesian A/B Testing" (2014): for integer αB,
 * P(pB > pA) = Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) · B(1+i, βB) · B(αA, βA)).
 * An exact finite sum, nothing in common with the quadrature under test but ln B.
 */
function millerBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  let total = 0;
  for (let i = 0; i < aB; i++)
    total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA));
  return total;
}

/** Under the uniform prior, a variant with s of n converted has posterior Beta(1 + s, 1 + n − s). */
function twoArms(sA: number, nA: number, sB: number, nB: number) {
  return {
    p: probabilityBest([
      { successes: sA, n: nA },
      { successes: sB, n: nB },
    ]),
    exact: millerBBeatsA(1 + sA, 1 + nA - sA, 1 + sB, 1 + nB - sB),
  };
}

describe('probabilityBest', () => {
  it('gives 1/k to each of k variants with the same data, empty ones included', () => {
    for (const k of [2, 3, 5])
      for (const data of [
        { successes: 0, n: 0 },
        { successes: 7, n: 100 },
        { successes: 5000, n: 100_000 },
      ]) {
        const p = probabilityBest(Array.from({ length: k }, () => data));
        for (const value of p) expect(Math.abs(value - 1 / k)).toBeLessThan(1e-9);
      }
  });

  it("matches Evan Miller's closed form for two arms, small to 100,000 members", () => {
    const cases: [number, number, number, number][] = [
      [0, 0, 1, 1], // Beta(1,1) vs Beta(2,1): exactly 2/3
      [2, 20, 5, 20],
      [50, 1000, 70, 1000],
      [5, 100, 2, 100],
      [500, 10_000, 550, 10_000],
      [5000, 100_000, 5100, 100_000], // posteriors 0.14 points wide
      [3, 40, 5000, 100_000], // a needle inside a wide posterior
      [0, 100_000, 1, 100_000],
    ];
    for (const [sA, nA, sB, nB] of cases) {
      const { p, exact } = twoArms(sA, nA, sB, nB);
      expect(Math.abs(p[1] - exact)).toBeLessThan(1e-8);
      expect(Math.abs(p[0] - (1 - exact))).toBeLessThan(1e-8);
    }
    expect(twoArms(0, 0, 1, 1).p[1]).toBeCloseTo(2 / 3, 12);
  });

  it('matches an mpmath quadrature for three arms', () => {
    // mpmath 1.3, 20 digits: quad of f_i(x) Π F_j(x) with betainc
    const p = probabilityBest([
      { successes: 3, n: 40 },
      { successes: 20, n: 300 },
      { successes: 9, n: 100 },
    ]);
    expect(p[0]).toBeCloseTo(0.424167637042798, 9);
    expect(p[1]).toBeCloseTo(0.0811855100211024, 9);
    expect(p[2]).toBeCloseTo(0.494646852936099, 9);
  });

  it('sums to 1 within 1e-6 for mixed sizes, many arms and peaked posteriors', () => {
    const cases = [
      [
        { successes: 5000, n: 100_000 },
        { successes: 3, n: 40 },
        { successes: 5200, n: 100_000 },
      ],
      [
        { successes: 0, n: 0 },
        { successes: 1, n: 3 },
        { successes: 40, n: 800 },
        { successes: 9000, n: 100_000 },
        { successes: 12, n: 150 },
      ],
      [
        { successes: 100_000, n: 100_000 },
        { successes: 99_999, n: 100_000 },
      ],
    ];
    for (const variants of cases) {
      const p = probabilityBest(variants);
      expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-6);
      for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('handles the extremes: a sure winner, one variant, none', () => {
    const sure = probabilityBest([
      { successes: 0, n: 100_000 },
      { successes: 100_000, n: 100_000 },
    ]);
    expect(sure[0]).toBeLessThan(1e-12);
    expect(sure[1]).toBeCloseTo(1, 9);
    expect(probabilityBest([{ successes: 3, n: 9 }])).toEqual([1]);
    expect(probabilityBest([])).toEqual([]);
  });

  it('does not depend on the order of the variants', () => {
    const a = { successes: 30, n: 500 };
    const b = { successes: 41, n: 520 };
    const c = { successes: 35, n: 480 };
    const abc = probabilityBest([a, b, c]);
    const cab = probabilityBest([c, a, b]);
    expect(cab[1]).toBeCloseTo(abc[0], 12);
    expect(cab[2]).toBeCloseTo(abc[1], 12);
    expect(cab[0]).toBeCloseTo(abc[2], 12);
  });

  it('uses the prior: a strong prior pulls a small variant toward it', () => {
    const data = [
      { successes: 3, n: 10 },
      { successes: 1, n: 10 },
    ];
    const flat = probabilityBest(data);
    const strong = probabilityBest(data, { alpha: 50, beta: 950 });
    expect(strong[0]).toBeLessThan(flat[0]);
    expect(strong[0]).toBeGreaterThan(0.5);
  });

  it('refuses bad input naming the field', () => {
    expect(() =>
      probabilityBest([
        { successes: 1, n: 5 },
        { successes: 6, n: 5 },
      ]),
    ).toThrow(/variants\.1\.successes/);
    expect(() => probabilityBest([{ successes: 1, n: 5 }], { alpha: 0.5, beta: 1 })).toThrow(/prior\.alpha/);
    expect(() => probabilityBest('nope' as never)).toThrow(/variants/);
  });
});
