/**
 * `npm run bench:bundle`: builds the web UI and prints the JavaScript each page's first visit downloads —
 * minified, gzip and brotli (what the server sends to a browser that accepts it) — and fails (exit 1) when the
 * guide's workbench is over its 300 KB gzip budget. `--no-build` reads the dist/web there is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GUIDE_BUDGET_BYTES, pageWeights } from '../web-build/bundle-report.js';

const root = join(import.meta.dirname, '..', '..');
if (!process.argv.includes('--no-build'))
  execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // what users get, whatever NODE_ENV the caller has
    env: { ...process.env, NODE_ENV: 'production' },
  });

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const weights = (await pageWeights(join(root, 'dist', 'web'))).sort((a, b) => a.gzip - b.gzip);
console.log('first-load JavaScript per page (entry + console + page chunks; lazy parts inside a page aside)');
console.log(
  `${'page'.padEnd(40)} ${'files'.padStart(5)} ${'minified'.padStart(11)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`,
);
for (const w of weights)
  console.log(
    `${w.page.padEnd(40)} ${String(w.files).padStart(5)} ${kb(w.raw).padStart(11)} ${kb(w.gzip).padStart(10)} ${kb(w.brotli).padStart(10)}`,
  );
const guide = weights.find((w) => w.page === 'guides/guide-workbench-page.tsx');
if (!guide) throw new Error('no guide workbench page in the build');
const ok = guide.gzip <= GUIDE_BUDGET_BYTES;
console.log(
  `guide workbench: ${kb(guide.gzip)} gzip of a ${kb(GUIDE_BUDGET_BYTES)} budget — ${ok ? 'within' : 'OVER'}`,
);
if (!ok) process.exitCode = 1;
