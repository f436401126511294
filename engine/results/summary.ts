import type { Proportion } from './inputs.js';
import { newcombeDiff } from './intervals.js';
import { type RevenueSums, welchDiff } from './revenue.js';

/** Which way the point estimate points, after rounding: 'same' when it rounds to zero. */
export type LiftDirection = 'higher' | 'lower' | 'same';

/**
 * The numbers of the marketer's sentence about conversions, e.g.
 * 「比对照组多转化 3.2 个百分点（95% 置信区间 1.1–5.3）」: signed percentage points rounded to one decimal.
 * For 'lower' the web says 少转化 and shows the magnitudes; `significant` is decided on the unrounded interval
 * (it excludes 0), so an interval that rounds to 0.0 at one end can still be significant.
 */
export interface LiftSummary {
  diffPoints: number;
  lowPoints: number;
  highPoints: number;
  significant: boolean;
  direction: LiftDirection;
  /** the confidence as a whole percent, for "95% 置信区间" */
  confidencePercent: number;
}

/** The numbers of the sentence about incremental revenue per member, in 元 rounded to whole 分. */
export interface RevenueLiftSummary {
  diffYuan: number;
  lowYuan: number;
  highYuan: number;
  significant: boolean;
  direction: LiftDirection;
  confidencePercent: number;
}

/** Rounds half away from zero (Math.round would send −2.5 to −2) and never returns −0. */
function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * scale)) / scale;
  return rounded === 0 ? 0 : rounded;
}

function direction(rounded: number): LiftDirection {
  return rounded > 0 ? 'higher' : rounded < 0 ? 'lower' : 'same';
}

/**
 * Conversion lift of a treatment over a holdout, as the web states it: treatment rate − holdout rate in
 * percentage points with Newcombe's hybrid score interval (see {@link newcombeDiff}; Newcombe, Stat. Med.
 * 17:873, 1998), rounded to 0.1 point (half away from zero).
 *
 * Edge behaviour: `null` when either group has no members yet. Bad counts throw StatisticsError naming
 * `a.*` (treatment) or `b.*` (holdout).
 *
 * @example
 * liftSummary({ successes: 82, n: 1000 }, { successes: 50, n: 1000 })
 * // { diffPoints: 3.2, lowPoints: 1, highPoints: 5.4, significant: true, direction: 'higher', confidencePercent: 95 }
 */
export function liftSummary(
  treatment: Proportion,
  holdout: Proportion,
  confidence = 0.95,
): LiftSummary | null {
  const lift = newcombeDiff(treatment, holdout, confidence);
  if (!lift) return null;
  const diffPoints = round(lift.diff * 100, 1);
  return {
    diffPoints,
    lowPoints: round(lift.low * 100, 1),
    highPoints: round(lift.high * 100, 1),
    significant: lift.low > 0 || lift.high < 0,
    direction: direction(diffPoints),
    confidencePercent: round(confidence * 100, 1),
  };
}

/**
 * Incremental revenue per member of a treatment over a holdout, in 元 (sums come in 分), with the Welch
 * interval of {@link welchDiff} (Welch, Biometrika 34:28, 1947), rounded to whole 分 (0.01 元).
 *
 * Edge behaviour: `null` when either group has fewer than 2 members. Bad sums throw StatisticsError naming
 * `a.*` (treatment) or `b.*` (holdout).
 */
export function revenueLiftSummary(
  treatment: RevenueSums,
  holdout: RevenueSums,
  confidence = 0.95,
): RevenueLiftSummary | null {
  const lift = welchDiff(treatment, holdout, confidence);
  if (!lift) return null;
  const diffYuan = round(lift.diff / 100, 2);
  return {
    diffYuan,
    lowYuan: round(lift.low / 100, 2),
    highYuan: round(lift.high / 100, 2),
    significant: lift.low > 0 || lift.high < 0,
    direction: direction(diffYuan),
    confidencePercent: round(confidence * 100, 1),
  };
}
