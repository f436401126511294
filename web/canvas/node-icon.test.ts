import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_ICONS } from './node-icon';

const root = join(import.meta.dirname, '..', '..');

/** `icon: 'GiftOutlined'` in every node definition of the repository (tests aside), and in the custom-node guide. */
function namedIcons(): string[] {
  const dirs = ['engine/nodes', 'engine/nodes/custom', 'engine/webhooks'];
  const files = dirs.flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$/.test(f))
      .map((f) => join(root, d, f)),
  );
  files.push(join(root, 'docs/custom-nodes.md'));
  const names = files.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/\bicon: '(\w+)'/g)].map((m) => m[1]),
  );
  return [...new Set(names)].sort();
}

describe('node icons', () => {
  it('bundles with the canvas every icon a node of this repository names (others load on demand)', () => {
    const names = namedIcons();
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !(n in BUNDLED_ICONS))).toEqual([]);
  });
});
