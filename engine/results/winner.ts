import { type BetaPrior, probabilityBest } from './bayes.js';
import { checkCount } from './inputs.js';
import { StatisticsError } from './statistics-error.js';

/** One split variant's counts so far: members entered and members converted. */
export interface VariantCounts {
  id: string;
  successes: number;
  n: number;
}

export interface WinnerRule {
  /** members every variant must have entered before any winner is named */
  minSample?: number;
  /** conversions all variants together must have before any winner is named */
  minConversions?: number;
  /** P(best) the leader must reach, above 0.5 */
  threshold?: number;
  prior?: BetaPrior;
}

/**
 * Defaults, chosen with the A/A simulation of winner-peeking.test.ts (figures in the README (Journey results)):
 * - minSample 500 per variant: Klaviyo's minimum for flow A/B tests ("at least 500 recipients have received
 *   each variation"); before it, a handful of conversions swings the posterior.
 * - minConversions 20 across the variants: at a 1–2 % conversion rate 500 members are 5–10 conversions.
 * - threshold 0.997: with looks every 50 members up to 2,000 per variant, identical variants get a "winner"
 *   in 2–4 % of tests (0.99: 9–10 %; Klaviyo's 0.90: 56–60 %), while a true 5 % → 7.5 % lift is found by
 *   4,000 members per variant in 98 % of tests.
 */
export const DEFAULT_WINNER_RULE = {
  minSample: 500,
  minConversions: 20,
  threshold: 0.997,
} as const;

export type WinnerStatus = 'insufficient_sample' | 'no_winner_yet' | 'winner';

export interface WinnerDecision {
  status: WinnerStatus;
  /** the id of the winning variant, only when status is 'winner' */
  winner?: string;
  /** P(best) by variant id, whatever the status, for the report */
  probabilities: Record<string, number>;
  /** why, in English, for the audit trail and logs (the web words its own sentence from status and numbers) */
  reason: string;
}

function checkRule(rule: WinnerRule) {
  if (typeof rule !== 'object' || rule === null)
    throw new StatisticsError('invalid_input', 'rule', 'must be { minSample?, minConversions?, threshold? }');
  const minSample = checkCount(rule.minSample ?? DEFAULT_WINNER_RULE.minSample, 'rule.minSample');
  if (minSample < 1) throw new StatisticsError('invalid_input', 'rule.minSample', 'must be at least 1');
  const minConversions = checkCount(
    rule.minConversions ?? DEFAULT_WINNER_RULE.minConversions,
    'rule.minConversions',
  );
  const threshold = rule.threshold ?? DEFAULT_WINNER_RULE.threshold;
  // above one half, at most one variant can pass: two "winners" are impossible
  if (typeof threshold !== 'number' || !(threshold > 0.5 && threshold < 1))
    throw new StatisticsError('invalid_input', 'rule.threshold', 'must be a number above 0.5 and below 1');
  return { minSample, minConversions, threshold, prior: rule.prior };
}

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;

/**
 * Decides whether a split has a winner, for reports and for an auto-winner that sends every later member down
 * the winning path. P(best) is the Bayesian Beta–Binomial probability of {@link probabilityBest} (Gelman et
 * al., *Bayesian Data Analysis*, §2.4); the rule is:
 * 1. every variant has at least `minSample` members and all together at least `minConversions` conversions,
 *    otherwise 'insufficient_sample';
 * 2. the leader's P(best) ≥ `threshold`, otherwise 'no_winner_yet';
 * 3. then 'winner'.
 *
 * Why this keeps repeated looking from inflating false winners: an auto-winner asks again and again as
 * members arrive, and every look is another chance for noise to cross the bar. Each look alone at 0.95 is
 * wrong about 1 time in 10 for identical variants (either may lead); forty looks add up to 45 % of A/A tests
 * naming a winner. The minimum sample removes the early looks, where a few conversions swing the posterior
 * most; the 0.997 threshold makes each look's false alarm rare enough that the whole series stays below 5 %
 * (measured 2.4–4.0 % at 2 %, 5 % and 20 % conversion). Looking more often barely matters (after every
 * member: 4.7 %); looking for longer does (every 50 members on to 10,000 per variant: 8.3 %), so an auto-winner
 * should end its test at a maximum sample or date, and a winner once named should stick (it stores it).
 *
 * Pass only the variants that compete: a holdout is not a candidate. Edge behaviour: fewer than two
 * variants, an empty or repeated id, bad counts or rule values throw {@link StatisticsError} naming the field.
 *
 * @example
 * pickWinner([{ id: 'a', successes: 60, n: 1000 }, { id: 'b', successes: 95, n: 1000 }])
 * // { status: 'winner', winner: 'b', probabilities: { a: 0.002, b: 0.998 }, reason: '…' }
 */
export function pickWinner(variants: readonly VariantCounts[], rule: WinnerRule = {}): WinnerDecision {
  if (!Array.isArray(variants) || variants.length < 2)
    throw new StatisticsError('invalid_input', 'variants', 'a split needs at least two variants to compare');
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (typeof v?.id !== 'string' || v.id.length === 0)
      throw new StatisticsError('invalid_input', `variants.${i}.id`, 'must be a non-empty string');
    if (seen.has(v.id)) throw new StatisticsError('invalid_input', `variants.${i}.id`, `repeats ${v.id}`);
    seen.add(v.id);
  });
  const { minSample, minConversions, threshold, prior } = checkRule(rule);
  const p = probabilityBest(variants, prior);
  const probabilities = Object.fromEntries(variants.map((v, i) => [v.id, p[i]]));

  const smallest = variants.reduce((min, v) => (v.n < min.n ? v : min));
  if (smallest.n < minSample)
    return {
      status: 'insufficient_sample',
      probabilities,
      reason: `variant ${smallest.id} has ${smallest.n} members; every variant needs ${minSample} before a winner is named`,
    };
  const conversions = variants.reduce((sum, v) => sum + v.successes, 0);
  if (conversions < minConversions)
    return {
      status: 'insufficient_sample',
      probabilities,
      reason: `${conversions} conversions so far; ${minConversions} are needed before a winner is named`,
    };
  let leader = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[leader]) leader = i;
  const id = variants[leader].id;
  if (p[leader] < threshold)
    return {
      status: 'no_winner_yet',
      probabilities,
      reason: `variant ${id} leads with P(best) ${percent(p[leader])}, below the ${percent(threshold)} needed`,
    };
  return {
    status: 'winner',
    winner: id,
    probabilities,
    reason: `variant ${id} has P(best) ${percent(p[leader])} ≥ ${percent(threshold)} with every variant at ≥ ${minSample} members and ${conversions} conversions`,
  };
}
