import { describe, expect, it } from 'vitest';
import { DEFAULT_WINNER_RULE, pickWinner } from './winner.js';

describe('pickWinner', () => {
  it('names no winner before every variant has the minimum sample, however lopsided', () => {
    const d = pickWinner([
      { id: 'a', successes: 10, n: 499 },
      { id: 'b', successes: 90, n: 2000 },
    ]);
    expect(d.status).toBe('insufficient_sample');
    expect(d.winner).toBeUndefined();
    expect(d.reason).toMatch(/variant a has 499 members.*500/);
    // the probabilities are there for the report all the same
    expect(d.probabilities.a + d.probabilities.b).toBeCloseTo(1, 9);
  });

  it('names no winner before the minimum number of conversions', () => {
    const d = pickWinner([
      { id: 'a', successes: 0, n: 600 },
      { id: 'b', successes: 19, n: 600 },
    ]);
    expect(d).toMatchObject({ status: 'insufficient_sample' });
    expect(d.reason).toMatch(/19 conversions.*20/);
  });

  it('waits while the leader is below the threshold', () => {
    const d = pickWinner([
      { id: 'a', successes: 50, n: 1000 },
      { id: 'b', successes: 62, n: 1000 },
    ]);
    expect(d.status).toBe('no_winner_yet');
    expect(d.probabilities.b).toBeGreaterThan(0.8);
    expect(d.probabilities.b).toBeLessThan(DEFAULT_WINNER_RULE.threshold);
    expect(d.reason).toMatch(/variant b leads/);
  });

  it('names the clear winner among three', () => {
    const d = pickWinner([
      { id: 'a', successes: 500, n: 10_000 },
      { id: 'b', successes: 700, n: 10_000 },
      { id: 'c', successes: 520, n: 10_000 },
    ]);
    expect(d).toMatchObject({ status: 'winner', winner: 'b' });
    expect(d.probabilities.b).toBeGreaterThan(0.999);
  });

  it('follows a rule of its own', () => {
    const variants = [
      { id: 'control', successes: 8, n: 150 },
      { id: 'coupon', successes: 20, n: 150 },
    ];
    expect(pickWinner(variants).status).toBe('insufficient_sample');
    expect(pickWinner(variants, { minSample: 100, minConversions: 0, threshold: 0.95 })).toMatchObject({
      status: 'winner',
      winner: 'coupon',
    });
  });

  it('refuses what it cannot decide on, naming the field', () => {
    const two = [
      { id: 'a', successes: 1, n: 10 },
      { id: 'b', successes: 2, n: 10 },
    ];
    expect(() => pickWinner([two[0]])).toThrow(/variants/);
    expect(() => pickWinner([two[0], { ...two[1], id: 'a' }])).toThrow(/variants\.1\.id/);
    expect(() => pickWinner([two[0], { ...two[1], id: '' }])).toThrow(/variants\.1\.id/);
    expect(() => pickWinner([two[0], { ...two[1], n: 1 }])).toThrow(/variants\.1\.successes/);
    // at 0.5 two variants could both "win"
    expect(() => pickWinner(two, { threshold: 0.5 })).toThrow(/rule\.threshold/);
    expect(() => pickWinner(two, { threshold: 1 })).toThrow(/rule\.threshold/);
    expect(() => pickWinner(two, { minSample: 0 })).toThrow(/rule\.minSample/);
    expect(() => pickWinner(two, { minConversions: -1 })).toThrow(/rule\.minConversions/);
  });
});
