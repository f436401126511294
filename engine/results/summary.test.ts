import { describe, expect, it } from 'vitest';
import { liftSummary, revenueLiftSummary } from './summary.js';

describe('liftSummary', () => {
  it('gives the numbers of 「比对照组多转化 3.2 个百分点（95% 置信区间 1.0–5.4）」', () => {
    // 8.2 % vs 5.0 %: Newcombe 0.010248 to 0.054105 (checked by hand from the two Wilson intervals)
    expect(liftSummary({ successes: 82, n: 1000 }, { successes: 50, n: 1000 })).toEqual({
      diffPoints: 3.2,
      lowPoints: 1,
      highPoints: 5.4,
      significant: true,
      direction: 'higher',
      confidencePercent: 95,
    });
  });

  it('mirrors a treatment that converts less, rounding symmetrically', () => {
    expect(liftSummary({ successes: 50, n: 1000 }, { successes: 82, n: 1000 })).toEqual({
      diffPoints: -3.2,
      lowPoints: -5.4,
      highPoints: -1,
      significant: true,
      direction: 'lower',
      confidencePercent: 95,
    });
  });

  it("says 'same' when the difference rounds to zero, and never shows −0", () => {
    const same = liftSummary({ successes: 5030, n: 100_000 }, { successes: 500, n: 10_000 })!;
    expect(same).toMatchObject({ diffPoints: 0, direction: 'same', significant: false });
    expect(Object.is(same.diffPoints, -0)).toBe(false);
    const slightlyLower = liftSummary({ successes: 4996, n: 100_000 }, { successes: 500, n: 10_000 })!;
    expect(Object.is(slightlyLower.diffPoints, -0)).toBe(false);
    expect(slightlyLower.direction).toBe('same');
  });

  it('decides significance on the unrounded interval and follows the confidence asked for', () => {
    const s90 = liftSummary({ successes: 60, n: 1000 }, { successes: 45, n: 1000 }, 0.9)!;
    const s99 = liftSummary({ successes: 60, n: 1000 }, { successes: 45, n: 1000 }, 0.99)!;
    expect(s90.confidencePercent).toBe(90);
    expect(s99.lowPoints).toBeLessThan(s90.lowPoints);
  });

  it('is null until both groups have members, and names bad fields (a = treatment, b = holdout)', () => {
    expect(liftSummary({ successes: 0, n: 0 }, { successes: 1, n: 10 })).toBeNull();
    expect(() => liftSummary({ successes: 3, n: 10 }, { successes: 11, n: 10 })).toThrow(/b\.successes/);
  });
});

describe('revenueLiftSummary', () => {
  it('converts 分 to 元 rounded to whole 分', () => {
    // means 1,600 vs 1,000 分; Welch se 562.81 分 (variances 197,637,637.6 and 119,119,119.1 分²)
    expect(
      revenueLiftSummary(
        { n: 1000, sum: 1_600_000, sumSquares: '200000000000' },
        { n: 1000, sum: 1_000_000, sumSquares: '120000000000' },
      ),
    ).toEqual({
      diffYuan: 6,
      lowYuan: -5.04,
      highYuan: 17.04,
      significant: false,
      direction: 'higher',
      confidencePercent: 95,
    });
  });

  it('is null for groups under 2 members', () => {
    expect(
      revenueLiftSummary({ n: 1, sum: 100, sumSquares: 10_000 }, { n: 5, sum: 0, sumSquares: 0 }),
    ).toBeNull();
  });
});
