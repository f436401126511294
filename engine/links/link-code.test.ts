import { describe, expect, it } from 'vitest';
import { LINK_CODE, LINK_CODE_LENGTH, newLinkCode } from './link-code.js';

describe('newLinkCode', () => {
  it('makes short codes of letters and digits that the redirect accepts', () => {
    for (let i = 0; i < 1000; i++) {
      const code = newLinkCode();
      expect(code).toHaveLength(LINK_CODE_LENGTH);
      expect(code).toMatch(LINK_CODE);
    }
  });

  it('does not repeat or count up: 100,000 codes, all different, neighbours unalike', () => {
    const codes = Array.from({ length: 100_000 }, () => newLinkCode());
    expect(new Set(codes).size).toBe(codes.length);
    // a sequential generator shares a long prefix with the code before; random codes almost never share 3 letters
    let sharedPrefix = 0;
    for (let i = 1; i < codes.length; i++)
      if (codes[i].slice(0, 3) === codes[i - 1].slice(0, 3)) sharedPrefix++;
    expect(sharedPrefix).toBeLessThan(10);
  });

  it('uses every character about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) for (const ch of newLinkCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (n * LINK_CODE_LENGTH) / 62;
    // chi-squared over 61 degrees of freedom: above ~100 would happen by chance less than once in 1000 runs
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(100);
  });

  it('throws away bytes that would favour the first letters', () => {
    // bytes 248–255 would map to 0–7 again; given only those and then 61, the code is all 'z'
    let call = 0;
    const random = (n: number) => Buffer.alloc(n, call++ === 0 ? 250 : 61);
    expect(newLinkCode(random)).toBe('zzzzzzzz');
  });
});
