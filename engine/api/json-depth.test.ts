import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nested, toJsonText } from '../testing/hostile.js';
import { tooDeepAt } from './json-depth.js';
import { jsonProblem } from './validate.js';

describe('tooDeepAt', () => {
  it('names the same place as the walk over the parsed value, on any JSON', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(0, 2),
        (value, maxDepth, indent) => {
          const problem = jsonProblem(value, { maxDepth });
          // only the depth is compared: the walk also reports text Postgres cannot store
          fc.pre(!problem || problem.message.includes('nested'));
          expect(tooDeepAt(JSON.stringify(value, null, indent), maxDepth)).toEqual(problem?.path ?? null);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('does not count brackets, quotes or commas inside strings, keys included', () => {
    const text = JSON.stringify({ 'a[{"': ['[[[', { 'b,"]': '\\"{{{', c: [['x']] }] });
    expect(tooDeepAt(text, 5)).toBeNull();
    expect(tooDeepAt(text, 4)).toEqual(['a[{"', 1, 'c', 0]);
    expect(tooDeepAt(text, 3)).toEqual(['a[{"', 1, 'c']);
    expect(tooDeepAt(text, 2)).toEqual(['a[{"', 1]);
  });

  it('stops at the first bracket too deep, however long the text', () => {
    const text = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;
    expect(tooDeepAt(text, 64)).toEqual(Array(64).fill(0));
    expect(tooDeepAt(toJsonText({ a: nested(70, 'object') }), 64)).toEqual(['a', ...Array(63).fill('a')]);
  });

  it('passes over what is not JSON, leaving the verdict to JSON.parse', () => {
    expect(tooDeepAt('', 64)).toBeNull();
    expect(tooDeepAt('"unterminated [[[[', 1)).toBeNull();
    expect(tooDeepAt(']]]]{', 1)).toBeNull();
  });
});
