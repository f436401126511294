// Which build outputs are missing or older than their sources. Shared by `npm start`
// (engine/scripts/start.mjs) and the test set-up (engine/testing/global-setup.ts). Plain Node, no dependencies.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every build `npm start` needs: its output, what it is built from, and the command that builds it. */
export const builds = {
  web: {
    title: 'the web UI',
    output: 'dist/web/index.html',
    // engine/web-build: the precompression the build runs
    sources: ['web', 'vite.config.ts', 'engine/web-build', 'package-lock.json'],
    command: ['vite', 'build'],
  },
  workflows: {
    title: 'the workflow bundle',
    output: 'dist/workflow-bundle.js',
    sources: ['workflows', 'package-lock.json'],
    command: ['tsx', 'workflows/build-bundle.ts'],
  },
};

/** Newest modification time (ms) under the given paths, ignoring tests and node_modules. */
export function newestMtime(paths, root = projectRoot) {
  let newest = 0;
  const visit = (file) => {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(path.join(file, entry));
      }
    } else if (!/\.test\.[cm]?[jt]sx?$/.test(file)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const p of paths) visit(path.resolve(root, p));
  return newest;
}

/** Why a build must run ('missing' | 'stale'), or null when its output is newer than every source. */
export function staleness(build, root = projectRoot) {
  let outputMtime;
  try {
    outputMtime = statSync(path.resolve(root, build.output)).mtimeMs;
  } catch {
    return 'missing';
  }
  return newestMtime(build.sources, root) > outputMtime ? 'stale' : null;
}
