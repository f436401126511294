import { describe, expect, it } from 'vitest';
import {
  erfc,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  studentTCdf,
  studentTQuantile,
} from './special-functions.js';

// Reference values computed with mpmath 1.3 at 30–40 significant digits (betainc through 2F1, DLMF 8.17.8).

describe('Student-t quantile', () => {
  it('matches the printed table (Student / Fisher tables, 4 decimals)', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.95996, 5);
  });

  it('matches mpmath to 1e-9 over whole and fractional df, both tails', () => {
    const cases: [number, number, number][] = [
      [0.975, 1, 12.7062047361747],
      [0.975, 2, 4.30265272974946],
      [0.975, 3, 3.18244630528371],
      [0.975, 5, 2.57058183563632],
      [0.975, 120, 1.97993040508244],
      [0.975, 1000, 1.96233908082641],
      [0.975, 2.5, 3.57465484200368],
      [0.975, 7.3, 2.3450667365477],
      [0.975, 1e6, 1.95996635681411],
      [0.995, 1, 63.6567411628716],
      [0.995, 4, 4.60409487134999],
      [0.995, 17.6, 2.88605835446019],
      [0.9, 1, 3.07768353717525],
      [0.9, 17.6, 1.33154400990023],
      [0.6, 4, 0.270722294707597],
    ];
    for (const [p, df, want] of cases) {
      expect(Math.abs(studentTQuantile(p, df) - want)).toBeLessThan(1e-9 * Math.max(1, want));
      expect(Math.abs(studentTQuantile(1 - p, df) + want)).toBeLessThan(1e-9 * Math.max(1, want));
    }
  });

  it('agrees with the closed forms for 1 and 2 df (Cauchy; t₂ = (2p−1)/√(2p(1−p)))', () => {
    for (const p of [0.51, 0.7, 0.9, 0.975, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
  });

  it('inverts its distribution function', () => {
    for (const df of [1, 1.5, 3, 9.7, 40, 5000])
      for (const p of [0.001, 0.025, 0.3, 0.8, 0.99])
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
  });

  it('answers the edges instead of looping: 0.5, 0, 1, bad df', () => {
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(studentTQuantile(1, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(studentTQuantile(0.9, 0)).toBeNaN();
    expect(studentTQuantile(1.2, 3)).toBeNaN();
  });
});

describe('normal distribution', () => {
  it('quantiles match mpmath to 1e-13', () => {
    const cases: [number, number][] = [
      [1e-10, -6.361340902404057],
      [0.001, -3.0902323061678136],
      [0.025, -1.9599639845400543],
      [0.3, -0.5244005127080408],
      [0.975, 1.9599639845400543],
    ];
    for (const [p, want] of cases) expect(Math.abs(normalQuantile(p) - want)).toBeLessThan(1e-13);
  });

  it('erfc has full relative precision in both methods and across their seam at 2.5', () => {
    const cases: [number, number][] = [
      [0.1, 0.8875370839817152],
      [1, 0.15729920705028513],
      [2.4, 0.0006885138966450786],
      [2.6, 0.00023603441652934922],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, want] of cases) expect(Math.abs(erfc(x) / want - 1)).toBeLessThan(1e-12);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 15);
  });
});

describe('gamma and beta functions', () => {
  it('ln Γ matches mpmath, small and large', () => {
    const cases: [number, number][] = [
      [0.5, 0.5723649429247001],
      [3.7, 1.428072326665388],
      [10, 12.801827480081469],
      [100, 359.1342053695754],
      [1e5, 1051287.7089736569],
    ];
    for (const [x, want] of cases)
      expect(Math.abs(logGamma(x) - want)).toBeLessThan(1e-13 * Math.max(1, want));
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0)).toBeNaN();
  });

  it('ln B keeps precision when its log-gammas are millions (posterior of a million members)', () => {
    expect(Math.abs(logBeta(50001, 950001) - -198522.75567473125)).toBeLessThan(1e-9);
    expect(logBeta(2.5, 3)).toBeCloseTo(-2.979983916585852, 14);
    // one small, one large argument: the posterior of no conversions among 100,000 members
    expect(logBeta(1, 100001)).toBeCloseTo(-11.51293546492023, 13);
    expect(logBeta(7, 1e6)).toBeCloseTo(-90.12934369369432, 12);
    expect(logBeta(9.5, 10.5)).toBeCloseTo(-13.709925546998463, 13);
  });

  it('the regularized incomplete beta matches mpmath, including 100,000-member posteriors', () => {
    const cases: [number, number, number, number][] = [
      [0.3, 2, 5, 0.579825],
      [0.05, 50, 950, 0.5173695437269741],
      [0.052, 5001, 95001, 0.9978649044749688],
      [0.0495, 5001, 95001, 0.2307104141104606],
      [0.9, 0.5, 3, 0.9996750253207289],
      [0.5, 1000, 1000, 0.5],
    ];
    for (const [x, a, b, want] of cases)
      expect(Math.abs(regularizedBeta(x, a, b) - want)).toBeLessThan(1e-11);
  });

  it('matches its closed forms I_x(1, b) = 1 − (1−x)^b and I_x(a, 1) = x^a', () => {
    for (const x of [1e-6, 1e-5, 0.01, 0.3, 0.9]) {
      for (const b of [1, 2.5, 40, 100_000])
        expect(regularizedBeta(x, 1, b)).toBeCloseTo(-Math.expm1(b * Math.log1p(-x)), 13);
      for (const a of [2, 7.5, 300]) expect(regularizedBeta(x, a, 1)).toBeCloseTo(x ** a, 13);
    }
    expect(regularizedBeta(0, 3, 4)).toBe(0);
    expect(regularizedBeta(1, 3, 4)).toBe(1);
  });
});
