import { describe, expect, it } from 'vitest';
import { newcombeDiff, wilson } from './intervals.js';
import { StatisticsError } from './statistics-error.js';

describe('wilson', () => {
  it('matches the worked examples of Newcombe 1998 (Stat. Med. 17:857, Table I, method 3)', () => {
    // 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 0/20 → 0 to 0.1611; 1/29 → 0.0061 to 0.1718
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [s, n, low, high] of cases) {
      const w = wilson(s, n)!;
      expect(w.rate).toBe(s / n);
      expect(w.low).toBeCloseTo(low, 4);
      expect(w.high).toBeCloseTo(high, 4);
    }
  });

  it('has exact bounds at 0 and n, and null when nobody entered', () => {
    expect(wilson(0, 10)).toMatchObject({ rate: 0, low: 0 });
    expect(wilson(10, 10)).toMatchObject({ rate: 1, high: 1 });
    expect(wilson(0, 0)).toBeNull();
  });

  it('widens with the confidence asked for', () => {
    const w90 = wilson(30, 200, 0.9)!;
    const w99 = wilson(30, 200, 0.99)!;
    expect(w99.low).toBeLessThan(w90.low);
    expect(w99.high).toBeGreaterThan(w90.high);
  });

  it('refuses bad input naming the field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(StatisticsError);
        return (e as StatisticsError).field;
      }
      return 'no error';
    };
    expect(field(() => wilson(11, 10))).toBe('successes');
    expect(field(() => wilson(1.5, 10))).toBe('successes');
    expect(field(() => wilson(1, -3))).toBe('n');
    expect(field(() => wilson(1, Number.NaN))).toBe('n');
    expect(field(() => wilson(1, 10, 95))).toBe('confidence');
  });
});

describe('newcombeDiff (hybrid score, method 10)', () => {
  it('reproduces Newcombe 1998 (Stat. Med. 17:873) Table II, method 10, to 4 decimals', () => {
    // (a) and (b) are the figures the paper prints (0.0524–0.3339, 0.1705–0.8090); all eight agree to 1e-12
    // with an independent mpmath computation of the same formula at 30 digits.
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [a, m, b, n, low, high] of cases) {
      const d = newcombeDiff({ successes: a, n: m }, { successes: b, n })!;
      expect(d.diff).toBeCloseTo(a / m - b / n, 12);
      expect(d.low).toBeCloseTo(low, 4);
      expect(d.high).toBeCloseTo(high, 4);
    }
    const a = newcombeDiff({ successes: 56, n: 70 }, { successes: 48, n: 80 })!;
    expect(a.low).toBeCloseTo(0.05243147240236488, 12);
    expect(a.high).toBeCloseTo(0.33387265403690597, 12);
  });

  it('is antisymmetric: swapping the groups mirrors the interval', () => {
    const ab = newcombeDiff({ successes: 30, n: 400 }, { successes: 12, n: 350 })!;
    const ba = newcombeDiff({ successes: 12, n: 350 }, { successes: 30, n: 400 })!;
    expect(ba.diff).toBeCloseTo(-ab.diff, 15);
    expect(ba.low).toBeCloseTo(-ab.high, 15);
    expect(ba.high).toBeCloseTo(-ab.low, 15);
  });

  it('returns null while a group is empty, and names the bad field', () => {
    expect(newcombeDiff({ successes: 0, n: 0 }, { successes: 3, n: 10 })).toBeNull();
    expect(() => newcombeDiff({ successes: 3, n: 10 }, { successes: 4, n: 3 })).toThrow(/b\.successes/);
    expect(() =>
      newcombeDiff({ successes: 3, n: '10' as unknown as number }, { successes: 1, n: 3 }),
    ).toThrow(/a\.n/);
  });
});
