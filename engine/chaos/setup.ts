import path from 'node:path';
import { buildWorkflowBundle } from '../../workflows/build-bundle.js';
import { builds, projectRoot, staleness } from '../scripts/freshness.mjs';

// Global set-up of the `chaos` project: the apps it spawns load the pre-built workflow bundle, so it must
// be current. Each scenario brings its own Postgres and Temporal (see ./harness.ts): it restarts and kills
// them, which must never touch the servers the integration and e2e projects share at the same time.
export default async function setup(): Promise<void> {
  const why = staleness(builds.workflows);
  if (why) {
    console.log(`[chaos set-up] building the workflow bundle (${why})…`);
    await buildWorkflowBundle(path.join(projectRoot, builds.workflows.output));
  }
}
