import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const here = dirname(fileURLToPath(import.meta.url));
export const defaultBundlePath = resolve(here, '../dist/workflow-bundle.js');

/** Workers load this pre-built bundle: no webpack at worker start, the same code in every worker. */
export async function buildWorkflowBundle(outFile = defaultBundlePath): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: resolve(here, 'index.ts'),
    logger: quietLogger,
  });
  mkdirSync(dirname(outFile), { recursive: true });
  // Written whole, then moved into place: a worker starting meanwhile (another test project) never reads half.
  const partial = `${outFile}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, outFile);
  return outFile;
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildWorkflowBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`workflow bundle written to ${out}`);
}
