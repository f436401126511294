import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { pickWinner } from './winner.js';

/**
 * An auto-winner looks again and again. These simulations look at a two-variant split after every 50 members
 * per variant and count the runs in which a winner is ever named — for identical variants (A/A: every winner
 * is false) and for a real difference. Seeded, so the figures in the README (Journey results) are reproducible.
 */
const LOOK_EVERY = 50;

function simulate(
  rates: [number, number],
  runs: number,
  maxPerVariant: number,
  seed: number,
  naiveThreshold = 0.95,
) {
  const random = seededRandom(seed);
  const named = { a: 0, b: 0, naive: 0 };
  for (let run = 0; run < runs; run++) {
    const conversions = [0, 0];
    let ruleNamed = false;
    let naiveNamed = false;
    for (let n = LOOK_EVERY; n <= maxPerVariant && !(ruleNamed && naiveNamed); n += LOOK_EVERY) {
      for (let i = 0; i < LOOK_EVERY; i++)
        for (const v of [0, 1]) if (random.next() < rates[v]) conversions[v]++;
      if (n < 100) continue;
      const decision = pickWinner([
        { id: 'a', successes: conversions[0], n },
        { id: 'b', successes: conversions[1], n },
      ]);
      if (!ruleNamed && decision.status === 'winner') {
        ruleNamed = true;
        named[decision.winner as 'a' | 'b']++;
      }
      // the naive rule: 100 members per variant, then P(best) ≥ 0.95 at any look
      if (!naiveNamed && Math.max(decision.probabilities.a, decision.probabilities.b) >= naiveThreshold) {
        naiveNamed = true;
        named.naive++;
      }
    }
  }
  return { a: named.a / runs, b: named.b / runs, naive: named.naive / runs };
}

describe('repeated looks at a split (A/A and A/B simulations)', () => {
  it('identical variants at 5 %, 300 runs to 2,000 members each: the default rule names a winner in < 5 % of runs, the naive one in > 30 %', () => {
    const share = simulate([0.05, 0.05], 300, 2000, 20260516);
    expect(share.naive).toBeGreaterThan(0.3);
    expect(share.a + share.b).toBeLessThan(0.05);
  }, 60_000);

  it('a real 5 % → 7.5 % difference, 100 runs to 4,000 members each: found in ≥ 90 % of runs, the loser never named', () => {
    const share = simulate([0.05, 0.075], 100, 4000, 20260517);
    expect(share.b).toBeGreaterThanOrEqual(0.9);
    expect(share.a).toBe(0);
  }, 60_000);
});
