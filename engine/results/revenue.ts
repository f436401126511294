import { checkConfidence, checkCount } from './inputs.js';
import type { DiffInterval } from './intervals.js';
import { studentTQuantile } from './special-functions.js';
import { StatisticsError } from './statistics-error.js';

/**
 * One group's revenue as the rollups keep it. Revenue is whole 分 (fen); every member who entered counts,
 * a member who did not buy contributes 0 to both sums.
 * - `n`: members entered (whole number);
 * - `sum`: Σ revenue in 分, a safe integer (|sum| ≤ 2^53 − 1 = 9,007,199,254,740,991 分 ≈ ¥90 trillion); may be
 *   negative when refunds outweigh sales;
 * - `sumSquares`: Σ revenue² in 分². It outgrows 2^53 early (10,000 baskets of ¥10,000 is 10^16 分²), so it
 *   may be a decimal string of digits (what Postgres returns for `sum(x::numeric * x)`); as a number it must be
 *   a safe integer. The variance is then computed exactly in bigint: n·Σx² − (Σx)² has no cancellation error.
 */
export interface RevenueSums {
  n: number;
  sum: number;
  sumSquares: number | string;
}

/** Mean revenue per member (in 分) with its estimated variance (of one member's revenue, 分²). */
interface GroupMoments {
  n: number;
  mean: number;
  variance: number;
}

function checkSumSquares(value: unknown, field: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new StatisticsError(
        'invalid_input',
        field,
        'must be a whole number ≥ 0 up to 2^53 − 1; pass larger sums as a decimal string',
      );
    return BigInt(value);
  }
  if (typeof value === 'string' && /^\d{1,60}$/.test(value)) return BigInt(value);
  throw new StatisticsError('invalid_input', field, 'must be a whole number ≥ 0 or a string of digits');
}

function moments(group: RevenueSums | undefined, field: string): GroupMoments {
  if (typeof group !== 'object' || group === null)
    throw new StatisticsError('invalid_input', field, 'must be { n, sum, sumSquares }');
  const n = checkCount(group.n, `${field}.n`);
  if (typeof group.sum !== 'number' || !Number.isSafeInteger(group.sum))
    throw new StatisticsError(
      'invalid_input',
      `${field}.sum`,
      'must be a whole number of 分 within ±(2^53 − 1)',
    );
  const sum = BigInt(group.sum);
  const sumSquares = checkSumSquares(group.sumSquares, `${field}.sumSquares`);
  // n·Σx² ≥ (Σx)² for any real numbers (Cauchy–Schwarz): otherwise the sums cannot come from n members
  const spread = BigInt(n) * sumSquares - sum * sum;
  if (spread < 0n || (n === 0 && sumSquares !== 0n))
    throw new StatisticsError(
      'invalid_input',
      `${field}.sumSquares`,
      'is too small for this sum and n: it cannot be the sum of squares of these members',
    );
  return {
    n,
    mean: n === 0 ? Number.NaN : group.sum / n,
    variance: n < 2 ? Number.NaN : Number(spread) / (n * (n - 1)),
  };
}

/** Revenue per member difference with its interval, all in 分; `df` is the Welch–Satterthwaite df. */
export interface MeanDiffInterval extends DiffInterval {
  standardError: number;
  df: number;
}

/**
 * The difference in mean revenue per member a − b (e.g. treatment − holdout: incremental revenue per member,
 * in 分) with a Welch t interval: B. L. Welch, "The generalization of Student's problem when several different
 * population variances are involved", Biometrika 34:28–35, 1947; F. E. Satterthwaite, Biometrics Bulletin
 * 2:110–114, 1946, for the degrees of freedom
 *   df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)),
 * and the Student-t quantile at that (fractional) df. Members without a purchase count as 0, so the data are
 * zero-inflated and skewed. Measured (coverage.test.ts, the README (Journey results)): with 10,000 members split 50/50 the
 * 95 % interval covers 94–97 %; with a 10 % holdout (about 50 holdout buyers) and a skewed basket it covers
 * only 85–93 %, and the misses are one-sided — the interval sits too high, overstating incremental revenue.
 *
 * Edge behaviour: `null` when either group has fewer than 2 members (no variance to estimate). When both
 * groups have zero variance (e.g. nobody bought anywhere) the interval is the point itself, standardError 0
 * and df n₁ + n₂ − 2. Throws {@link StatisticsError} naming the field (`a.sumSquares` …) for bad input,
 * including sums that cannot come from n members (n·Σx² < (Σx)²).
 *
 * @example
 * welchDiff({ n: 1000, sum: 2_500_000, sumSquares: '90000000000' }, { n: 1000, sum: 2_000_000, sumSquares: '80000000000' })
 */
export function welchDiff(a: RevenueSums, b: RevenueSums, confidence = 0.95): MeanDiffInterval | null {
  const first = moments(a, 'a');
  const second = moments(b, 'b');
  checkConfidence(confidence);
  if (first.n < 2 || second.n < 2) return null;
  const diff = first.mean - second.mean;
  const v1 = first.variance / first.n;
  const v2 = second.variance / second.n;
  const se2 = v1 + v2;
  if (se2 === 0) return { diff, low: diff, high: diff, standardError: 0, df: first.n + second.n - 2 };
  const df = (se2 * se2) / ((v1 * v1) / (first.n - 1) + (v2 * v2) / (second.n - 1));
  const standardError = Math.sqrt(se2);
  const half = studentTQuantile((1 + confidence) / 2, df) * standardError;
  return { diff, low: diff - half, high: diff + half, standardError, df };
}
