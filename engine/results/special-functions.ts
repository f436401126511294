/**
 * The special functions behind the intervals and probabilities of journey results: log-gamma, the
 * regularized incomplete beta function, the normal and Student-t distributions. Written from their textbook
 * definitions (Abramowitz & Stegun, *Handbook of Mathematical Functions*, ch. 6, 7, 26; NIST DLMF §5.11, §7.9,
 * §8.17) so the module needs no dependency; each is tested against values computed with mpmath at 30 digits.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
// Lentz's method replaces an exact zero by this, so a continued fraction never divides by zero.
const TINY = 1e-300;

/** Stirling's series for ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], for x ≥ 10 (error < 1e-16 there). */
function stirlingTail(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  // B_2k / (2k (2k − 1) x^(2k − 1)) for k = 1 … 7
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  );
}

/** ln Γ(x) for x > 0: Stirling's series after moving x up to ≥ 10 with Γ(x + 1) = x Γ(x). NaN for x ≤ 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingTail(y) - Math.log(product);
}

/**
 * ln B(a, b). When an argument is large its log-gammas are millions and nearly cancel, so the Stirling terms
 * are combined before they are added:
 * - both ≥ 10: (a − ½) ln(a/(a+b)) + (b − ½) ln(b/(a+b)) − ½ ln(a+b) + ½ ln 2π + tails;
 * - one (say b) ≥ 10: ln Γ(a) + [ln Γ(b) − ln Γ(a+b)], the bracket being
 *   −(b − ½) ln(1 + a/b) − a ln(a+b) + a + tails.
 */
export function logBeta(a: number, b: number): number {
  const s = a + b;
  if (a >= 10 && b >= 10)
    return (
      LN_SQRT_2PI -
      0.5 * Math.log(s) -
      (a - 0.5) * Math.log1p(b / a) -
      (b - 0.5) * Math.log1p(a / b) +
      stirlingTail(a) +
      stirlingTail(b) -
      stirlingTail(s)
    );
  const small = Math.min(a, b);
  const big = Math.max(a, b);
  if (big >= 10)
    return (
      logGamma(small) -
      (big - 0.5) * Math.log1p(small / big) -
      small * Math.log(s) +
      small +
      stirlingTail(big) -
      stirlingTail(s)
    );
  return logGamma(a) + logGamma(b) - logGamma(s);
}

/** Continued fraction for I_x(a, b) (DLMF 8.17.22), evaluated by the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  // Converges in O(√max(a, b)) steps; 100,000 members need a few hundred.
  for (let m = 1; m <= 50_000; m++) {
    const m2 = 2 * m;
    // even step
    let coefficient = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= c * d;
    // odd step
    coefficient = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= c * d;
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return f;
}

/**
 * The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b), a, b > 0.
 * `xc` is 1 − x when the caller knows it more exactly than `1 - x` would (the t distribution does).
 * Uses the continued fraction on whichever side converges fast, I_x(a, b) = 1 − I_{1−x}(b, a) on the other.
 */
export function regularizedBeta(x: number, a: number, b: number, xc = 1 - x): number {
  return incompleteBeta(x, xc, a, b, logBeta(a, b));
}

function incompleteBeta(x: number, xc: number, a: number, b: number, lnBeta: number): number {
  if (x <= 0) return 0;
  if (xc <= 0) return 1;
  // ln of whichever of x, 1 − x is near 1 comes from log1p of the other: b · ln(1 − x) for b = 100,000 would
  // otherwise multiply the rounding of 1 − x into the 11th digit
  const lnX = x > 0.5 ? Math.log1p(-xc) : Math.log(x);
  const lnXc = x < 0.5 ? Math.log1p(-x) : Math.log(xc);
  const front = Math.exp(a * lnX + b * lnXc - lnBeta);
  const lowerSide = x < (a + 1) / (a + b + 2);
  // far in a tail the answer is 0 or 1 to double precision; the fraction need not be summed
  if (front === 0) return lowerSide ? 0 : 1;
  if (lowerSide) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(xc, b, a)) / b;
}

/** ln of the Beta(a, b) density at x; −Infinity outside (0, 1) unless a or b is 1 at that end. */
export function logBetaDensity(x: number, a: number, b: number): number {
  return logDensityOfBeta(x, a, b, logBeta(a, b));
}

function logDensityOfBeta(x: number, a: number, b: number, lnBeta: number): number {
  if (x < 0 || x > 1) return Number.NEGATIVE_INFINITY;
  // 0 · ln 0 would be NaN: the density of Beta(1, b) at 0 is simply b
  const left = a === 1 ? 0 : (a - 1) * Math.log(x);
  const right = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return left + right - lnBeta;
}

/**
 * Beta(a, b) with ln B(a, b) worked out once: the quadrature behind "probability best" asks a posterior for
 * its density and distribution function at hundreds of points.
 */
export function betaDistribution(a: number, b: number) {
  const lnBeta = logBeta(a, b);
  return {
    a,
    b,
    logDensity: (x: number) => logDensityOfBeta(x, a, b, lnBeta),
    density: (x: number) => Math.exp(logDensityOfBeta(x, a, b, lnBeta)),
    cdf: (x: number) => incompleteBeta(x, 1 - x, a, b, lnBeta),
  };
}

/** erfc(x) = 1 − erf(x): a series with positive terms below 2.5, Laplace's continued fraction above. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (A&S 7.1.6): no cancellation
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 0; term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 3);
      sum += term;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x2) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) (A&S 7.1.14), modified Lentz
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    const aj = j / 2;
    d = x + aj * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = x + aj / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** Φ(z), the standard normal distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT_2);
}

/**
 * Φ⁻¹(p) for 0 < p < 1: the rational starting value of A&S 26.2.23 (error < 4.5e-4), then Halley steps on Φ
 * until the change is below 1e-15 (two or three steps). ±Infinity at 0 and 1, NaN outside.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(
    t -
    (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
  );
  for (let i = 0; i < 8; i++) {
    // u = (Φ(x) − p) / φ(x); Halley: x − u / (1 + x u / 2)
    const u = (normalCdf(x) - p) * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** The lower tail P(T ≤ t) for t ≤ 0: ½ I_{ν/(ν+t²)}(ν/2, ½) (A&S 26.7.1 via 26.5.27). */
function studentTLowerTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom (not necessarily whole); normal when df = ∞. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === Number.NEGATIVE_INFINITY) return 0;
  if (t === Number.POSITIVE_INFINITY) return 1;
  return t <= 0 ? studentTLowerTail(t, df) : 1 - studentTLowerTail(-t, df);
}

/** The Student-t density. */
export function studentTDensity(t: number, df: number): number {
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/**
 * The Student-t quantile t(p, df) for 0 < p < 1 and df > 0 (whole or not, as Welch–Satterthwaite gives).
 * Inverts {@link studentTCdf} by Newton steps kept inside a bracket that bisection falls back on, to a
 * relative 1e-12. df = ∞ or beyond 1e12 is the normal quantile. Symmetric: t(1 − p) = −t(p).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (df > 1e12) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  // The t quantile lies further out than the normal one; widen until the bracket [lo, hi] holds it.
  let hi = 0;
  let lo = Math.min(normalQuantile(p), -1);
  while (studentTLowerTail(lo, df) > p) {
    hi = lo;
    lo *= 2;
    if (!Number.isFinite(lo)) return Number.NEGATIVE_INFINITY;
  }
  // Start from the Cornish–Fisher expansion (A&S 26.7.5), clamped into the bracket.
  const z = normalQuantile(p);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = studentTLowerTail(t, df) - p;
    if (f === 0) return t;
    if (f < 0) lo = t;
    else hi = t;
    let next = t - f / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-12 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
