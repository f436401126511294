/**
 * `npx tsx engine/bench/template.ts`: how long message templates take to render, today's scanner beside the
 * regular expression it replaced (which backtracked on an unclosed `{{`). Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { renderTemplate } from '../render/template.js';

const OLD = /\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}/g;
const oldRender = (t: string) => t.replace(OLD, () => '');
const scope = { member: { name: '王小明', attributes: { city: '上海' } }, coupon: { code: 'YT-1' } };

function time(fn: () => unknown, minMs = 200): number {
  let runs = 0;
  const start = performance.now();
  do {
    fn();
    runs++;
  } while (performance.now() - start < minMs);
  return (performance.now() - start) / runs;
}

const cases: [string, (n: number) => string][] = [
  ['unclosed {{ then letters', (n) => `{{${'a'.repeat(n)}`],
  ['unclosed {{ then spaces', (n) => `{{ ${' '.repeat(n)}`],
  ['repeated "{{a|"', (n) => '{{a|'.repeat(n / 4)],
  ['variables only', (n) => '{{member.name}} '.repeat(n / 16)],
];

console.log('case                        size     new (ms)    old regex (ms)');
for (const [name, make] of cases) {
  for (const n of [3_000, 100_000]) {
    const input = make(n);
    const now = time(() => renderTemplate(input, scope));
    // the old pattern is quadratic or worse on the hostile shapes: only the small size is timed
    const old = n <= 3_000 ? time(() => oldRender(input), 50).toFixed(3) : '(not run)';
    console.log(
      `${name.padEnd(26)} ${String(n).padStart(7)} ${now.toFixed(3).padStart(10)} ${old.padStart(14)}`,
    );
  }
}
