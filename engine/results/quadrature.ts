/**
 * Adaptive Gauss–Legendre quadrature of a vector-valued function (Davis & Rabinowitz, *Methods of Numerical
 * Integration*, §6.2): a panel is accepted when splitting it in two changes no component by more than its
 * share of the tolerance, otherwise both halves are refined. The k integrals of "P(variant i is best)" share
 * one set of nodes, so each node evaluates each posterior's density and distribution function once.
 */

const ORDER = 10;
const MAX_DEPTH = 40;
// A panel whose halves agree to this fraction of its value is done even if narrower than its share of the
// absolute tolerance: near x = 1, a peak of 100,000 members is only known to ~1e-11 relative (x itself is
// rounded to 1e-16 and the density's slope is 1e5), and demanding more would split it forever.
const RELATIVE_TOLERANCE = 1e-10;
// However the integrand behaves, stop refining after this many panels (each costs 2 × ORDER evaluations).
const MAX_PANELS = 5_000;

/** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1], by Newton's method on Pₙ. */
function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    // a classical first guess for the i-th root, then Newton on the three-term recurrence
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 1; k < n; k++) {
        const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * derivative * derivative));
  }
  return { nodes, weights };
}

const RULE = gaussLegendre(ORDER);

function panel(f: (x: number) => Float64Array, a: number, b: number, dims: number): Float64Array {
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  const sum = new Float64Array(dims);
  for (let i = 0; i < ORDER; i++) {
    const values = f(mid + half * RULE.nodes[i]);
    const w = RULE.weights[i] * half;
    for (let d = 0; d < dims; d++) sum[d] += w * values[d];
  }
  return sum;
}

/**
 * ∫ f over [breaks[0], breaks[last]], where `breaks` are sorted points at which f changes character (the
 * bulk of a narrow posterior): each gap between them starts as its own panel, so no narrow feature falls
 * between the nodes of a wide first panel. `tolerance` is absolute, for every component of the result.
 */
export function integrate(
  f: (x: number) => Float64Array,
  dims: number,
  breaks: readonly number[],
  tolerance: number,
): Float64Array {
  const total = new Float64Array(dims);
  const width = breaks[breaks.length - 1] - breaks[0];
  if (!(width > 0)) return total;
  const stack: { a: number; b: number; whole: Float64Array; depth: number }[] = [];
  let panels = 0;
  for (let i = breaks.length - 2; i >= 0; i--)
    if (breaks[i + 1] > breaks[i])
      stack.push({
        a: breaks[i],
        b: breaks[i + 1],
        whole: panel(f, breaks[i], breaks[i + 1], dims),
        depth: 0,
      });
  while (stack.length > 0) {
    const { a, b, whole, depth } = stack.pop()!;
    const mid = (a + b) / 2;
    const left = panel(f, a, mid, dims);
    const right = panel(f, mid, b, dims);
    let error = 0;
    let size = 0;
    for (let d = 0; d < dims; d++) {
      error = Math.max(error, Math.abs(left[d] + right[d] - whole[d]));
      size = Math.max(size, Math.abs(left[d] + right[d]));
    }
    panels++;
    // each panel may spend the share of the tolerance that its width is of the whole range
    const allowed = Math.max((tolerance * (b - a)) / width, RELATIVE_TOLERANCE * size);
    if (error <= allowed || depth >= MAX_DEPTH || panels >= MAX_PANELS) {
      for (let d = 0; d < dims; d++) total[d] += left[d] + right[d];
    } else {
      stack.push({ a: mid, b, whole: right, depth: depth + 1 });
      stack.push({ a, b: mid, whole: left, depth: depth + 1 });
    }
  }
  return total;
}
