import { checkProportion, type Proportion } from './inputs.js';
import { integrate } from './quadrature.js';
import { betaDistribution } from './special-functions.js';
import { StatisticsError } from './statistics-error.js';

/** A Beta(alpha, beta) prior on every variant's conversion rate; the default Beta(1, 1) is uniform. */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

const UNIFORM: BetaPrior = { alpha: 1, beta: 1 };
// The posterior's density is followed out to e^−40 of its peak: the mass left beyond is below 1e-14.
const LOG_DENSITY_DROP = 40;
const TOLERANCE = 1e-10;

/** Where a Beta posterior with a, b ≥ 1 (so log-concave) has its mass: [lo, hi] around its mode. */
function bulk(posterior: ReturnType<typeof betaDistribution>): number[] {
  const { a, b, logDensity } = posterior;
  const mode = a + b > 2 ? (a - 1) / (a + b - 2) : 0.5;
  const floor = logDensity(mode) - LOG_DENSITY_DROP;
  // the log density rises to the mode and falls after it: bisect for where it crosses the floor
  const cross = (outside: number, inside: number) => {
    if (logDensity(outside) >= floor) return outside;
    let out = outside;
    let into = inside;
    for (let i = 0; i < 80; i++) {
      const mid = (out + into) / 2;
      if (logDensity(mid) >= floor) into = mid;
      else out = mid;
    }
    return out;
  };
  return [cross(0, mode), mode, cross(1, mode)];
}

function checkPrior(prior: BetaPrior): BetaPrior {
  for (const key of ['alpha', 'beta'] as const) {
    const value = prior?.[key];
    // below 1 the density is infinite at 0 or 1, which the quadrature does not integrate
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1)
      throw new StatisticsError('invalid_input', `prior.${key}`, 'must be a number ≥ 1');
  }
  return prior;
}

/**
 * P(variant i has the highest true conversion rate), for each variant, under independent Beta posteriors
 * Beta(prior.alpha + successes, prior.beta + n − successes) — the Beta–Binomial model (Gelman et al.,
 * *Bayesian Data Analysis*, 3rd ed., §2.4; for two arms Evan Miller, "Formulas for Bayesian A/B Testing", 2014).
 *
 * Computed deterministically, not by sampling: P(i best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx, with f the posterior
 * density and F its distribution function (the regularized incomplete beta function), by adaptive Gauss–
 * Legendre quadrature over the union of the posteriors' bulks (each followed out to e^−40 of its peak), so a
 * posterior from 100,000 members, 0.1 percentage point wide, is integrated as accurately as a flat one. The
 * results sum to 1 within 1e-6 (the quadrature's tolerance is 1e-10).
 *
 * Edge behaviour: no variants → []; one variant → [1]; variants with no members have the prior as posterior
 * (1/k each when nobody has entered anywhere). Identical data give identical probabilities.
 * Throws {@link StatisticsError} naming the field for a count that is not a whole number ≥ 0, successes > n, or
 * a prior parameter below 1.
 *
 * @example
 * probabilityBest([{ successes: 50, n: 1000 }, { successes: 70, n: 1000 }]) // ≈ [0.03, 0.97]
 */
export function probabilityBest(variants: readonly Proportion[], prior: BetaPrior = UNIFORM): number[] {
  if (!Array.isArray(variants))
    throw new StatisticsError('invalid_input', 'variants', 'must be a list of { successes, n }');
  const checked = variants.map((v, i) => checkProportion(v, `variants.${i}`));
  const { alpha, beta } = checkPrior(prior);
  const k = checked.length;
  if (k <= 1) return checked.map(() => 1);

  const posteriors = checked.map((v) => betaDistribution(alpha + v.successes, beta + v.n - v.successes));
  const breaks = [...new Set(posteriors.flatMap(bulk))].sort((x, y) => x - y);

  const density = new Float64Array(k);
  const cdf = new Float64Array(k);
  const below = new Float64Array(k + 1);
  const integrand = (x: number) => {
    for (let j = 0; j < k; j++) {
      density[j] = posteriors[j].density(x);
      cdf[j] = posteriors[j].cdf(x);
    }
    // Π_{j≠i} F_j(x) from products before and after i (no division: an F_j may be exactly 0)
    below[0] = 1;
    for (let j = 0; j < k; j++) below[j + 1] = below[j] * cdf[j];
    const out = new Float64Array(k);
    let after = 1;
    for (let i = k - 1; i >= 0; i--) {
      out[i] = density[i] * below[i] * after;
      after *= cdf[i];
    }
    return out;
  };
  return [...integrate(integrand, k, breaks, TOLERANCE)];
}
