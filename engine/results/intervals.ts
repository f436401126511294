import { checkConfidence, checkProportion, type Proportion } from './inputs.js';
import { normalQuantile } from './special-functions.js';

/** A conversion rate (a fraction, 0–1) with its confidence interval. */
export interface RateInterval {
  rate: number;
  low: number;
  high: number;
}

/** A difference of two rates or means with its confidence interval (same unit as the difference). */
export interface DiffInterval {
  diff: number;
  low: number;
  high: number;
}

/** The two-sided normal critical value: 1.959964 for 95 %. */
export function criticalZ(confidence: number): number {
  return normalQuantile((1 + confidence) / 2);
}

function wilsonChecked(successes: number, n: number, z: number): RateInterval {
  const z2 = z * z;
  const denominator = n + z2;
  const centre = (successes + z2 / 2) / denominator;
  const half = (z / denominator) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  return {
    rate: successes / n,
    // at 0 or n the bound is exactly 0 or 1 in exact arithmetic; do not let rounding leave it a hair inside
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * The Wilson score interval for a conversion rate (E. B. Wilson, "Probable inference, the law of succession,
 * and statistical inference", JASA 22, 1927; recommended by Newcombe, Stat. Med. 17:857, 1998, method 3, and by
 * Brown, Cai & DasGupta, Stat. Sci. 16:101, 2001). Unlike the textbook p ± z·√(p(1−p)/n) it stays inside
 * [0, 1] and does not collapse to a point at 0 or n conversions.
 *
 * Edge behaviour: n = 0 returns `null` — there is no rate to show, and callers print "—", not 0 %.
 * 0 conversions gives low = 0 exactly, n conversions high = 1 exactly.
 * Throws {@link StatisticsError} naming `successes`, `n` or `confidence` for bad input (not whole numbers,
 * successes > n, confidence outside (0, 1)).
 *
 * @example
 * wilson(56, 70) // { rate: 0.8, low: 0.6918, high: 0.8770 } (rounded)
 */
export function wilson(successes: number, n: number, confidence = 0.95): RateInterval | null {
  const counts = checkProportion({ successes, n }, '');
  const z = criticalZ(checkConfidence(confidence));
  return counts.n === 0 ? null : wilsonChecked(counts.successes, counts.n, z);
}

/**
 * The difference of two conversion rates a − b (e.g. treatment − holdout: the lift, as a fraction) with
 * Newcombe's hybrid score interval — method 10 of R. G. Newcombe, "Interval estimation for the difference
 * between independent proportions: comparison of eleven methods", Stat. Med. 17:873–890, 1998. From the Wilson
 * intervals [l₁, u₁] of a and [l₂, u₂] of b:
 *   low  = d − √((p₁ − l₁)² + (u₂ − p₂)²),  high = d + √((u₁ − p₁)² + (p₂ − l₂)²).
 * Its coverage is close to nominal even for small groups and rates near 0 (measured here: 10,000 simulated
 * members, 8 % vs 5 % — see the README, Journey results).
 *
 * Edge behaviour: either n = 0 returns `null`. Bounds always lie in [−1, 1].
 * Throws {@link StatisticsError} naming `a.successes`, `b.n`, `confidence` … for bad input.
 *
 * @example
 * newcombeDiff({ successes: 56, n: 70 }, { successes: 48, n: 80 }) // { diff: 0.2, low: 0.0524, high: 0.3339 }
 */
export function newcombeDiff(a: Proportion, b: Proportion, confidence = 0.95): DiffInterval | null {
  const first = checkProportion(a, 'a');
  const second = checkProportion(b, 'b');
  const z = criticalZ(checkConfidence(confidence));
  if (first.n === 0 || second.n === 0) return null;
  const w1 = wilsonChecked(first.successes, first.n, z);
  const w2 = wilsonChecked(second.successes, second.n, z);
  const diff = w1.rate - w2.rate;
  return {
    diff,
    low: diff - Math.hypot(w1.rate - w1.low, w2.high - w2.rate),
    high: diff + Math.hypot(w1.high - w1.rate, w2.rate - w2.low),
  };
}
