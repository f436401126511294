import { describe, expect, it } from 'vitest';
import en from './en.json';

function strings(o: unknown, path = ''): [string, string][] {
  if (typeof o === 'string') return [[path, o]];
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

describe('English words', () => {
  it('use English punctuation: no 「Member id：」 (full-width colons, commas, brackets) anywhere', () => {
    const wrong = strings(en).filter(([, s]) => /[：，。；！？（）「」、]/.test(s));
    expect(wrong).toEqual([]);
  });
});
