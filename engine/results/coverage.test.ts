import { describe, expect, it } from 'vitest';
import { newcombeDiff } from './intervals.js';
import { welchDiff } from './revenue.js';
import { seededRandom } from './seeded-random.js';

/**
 * Coverage by simulation: 10,000 synthetic members are split at random between treatment and holdout, convert
 * with known rates (8 % vs 5 %) and, when they convert, spend a log-normal basket (median ¥200). Over many
 * repetitions a 95 % interval must contain the true difference in about 95 % of them.
 */
const MEMBERS = 10_000;
const RATES = { treatment: 0.08, holdout: 0.05 };
const MEDIAN_BASKET = 20_000; // 分

interface Group {
  n: number;
  conversions: number;
  sum: number;
  sumSquares: bigint;
}

function coverage(treatmentShare: number, basketSigma: number, repetitions: number, seed: number) {
  const random = seededRandom(seed);
  const mu = Math.log(MEDIAN_BASKET);
  const meanBasket = Math.exp(mu + (basketSigma * basketSigma) / 2);
  const trueLift = RATES.treatment - RATES.holdout;
  const trueRevenueLift = trueLift * meanBasket;
  const covered = { lift: 0, revenue: 0, revenueTooHigh: 0, revenueTooLow: 0 };
  for (let r = 0; r < repetitions; r++) {
    const groups: Group[] = [0, 1].map(() => ({ n: 0, conversions: 0, sum: 0, sumSquares: 0n }));
    for (let m = 0; m < MEMBERS; m++) {
      const isTreatment = random.next() < treatmentShare;
      const group = groups[isTreatment ? 0 : 1];
      group.n++;
      if (random.next() < (isTreatment ? RATES.treatment : RATES.holdout)) {
        const basket = Math.round(Math.exp(mu + basketSigma * random.normal()));
        group.conversions++;
        group.sum += basket;
        group.sumSquares += BigInt(basket) * BigInt(basket);
      }
    }
    const [t, h] = groups;
    const lift = newcombeDiff({ successes: t.conversions, n: t.n }, { successes: h.conversions, n: h.n })!;
    if (lift.low <= trueLift && trueLift <= lift.high) covered.lift++;
    const revenue = welchDiff(
      { n: t.n, sum: t.sum, sumSquares: t.sumSquares.toString() },
      { n: h.n, sum: h.sum, sumSquares: h.sumSquares.toString() },
    )!;
    if (revenue.low > trueRevenueLift) covered.revenueTooHigh++;
    else if (revenue.high < trueRevenueLift) covered.revenueTooLow++;
    else covered.revenue++;
  }
  return {
    lift: covered.lift / repetitions,
    revenue: covered.revenue / repetitions,
    // the interval lies wholly above the truth: incremental revenue overstated
    revenueTooHigh: covered.revenueTooHigh / repetitions,
    revenueTooLow: covered.revenueTooLow / repetitions,
  };
}

describe('coverage of the 95 % intervals (10,000 members, 8 % vs 5 %)', () => {
  it('50/50 split, basket σ = 1: Newcombe and Welch both cover the truth in 93–97 % of 600 repetitions', () => {
    const c = coverage(0.5, 1, 600, 16_2026);
    expect(c.lift).toBeGreaterThanOrEqual(0.93);
    expect(c.lift).toBeLessThanOrEqual(0.97);
    expect(c.revenue).toBeGreaterThanOrEqual(0.93);
    expect(c.revenue).toBeLessThanOrEqual(0.97);
  }, 60_000);

  it('90/10 split (1,000 held out), basket σ = 1.5: Newcombe still covers; Welch undercovers, overstating revenue', () => {
    // The known limitation the README (Journey results) states: about 50 holdout buyers of a skewed basket make the
    // holdout's mean and its variance estimate low together, so the interval sits too high. If a better
    // method replaces Welch, this test changes with it.
    const c = coverage(0.9, 1.5, 600, 17_2026);
    expect(c.lift).toBeGreaterThanOrEqual(0.93);
    expect(c.lift).toBeLessThanOrEqual(0.97);
    expect(c.revenue).toBeGreaterThan(0.86);
    expect(c.revenue).toBeLessThan(0.93);
    expect(c.revenueTooHigh).toBeGreaterThan(3 * c.revenueTooLow);
  }, 60_000);
});
