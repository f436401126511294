import { existsSync } from 'node:fs';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { createActivities } from '../../workflows/activities.js';
import { buildWorkflowBundle, defaultBundlePath } from '../../workflows/build-bundle.js';
import type { ChannelSender } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { createSandboxChannels } from './channels.js';
import { createNodeExecutor } from './execute-node.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  registry: NodeRegistry;
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath?: string;
  channels?: ChannelSender;
}

/** A Temporal worker serving journey runs: the pre-built workflow bundle plus the node activities. */
let runtimeInstalled = false;

/** Temporal's own INFO lines (worker state changes) drown ours; WARN unless TEMPORAL_LOG_LEVEL says otherwise. */
function installRuntimeOnce() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as LogLevel) ?? 'WARN'),
      // The process entry owns shutdown order (HTTP, worker drain, then the database): no signal handling here.
      shutdownSignals: [],
    });
  } catch {
    // Already installed by the embedding process (e.g. a test): keep its logger.
  }
}

export async function createJourneyWorker(opts: WorkerOptions) {
  installRuntimeOnce();
  const bundlePath = opts.bundlePath ?? defaultBundlePath;
  if (!existsSync(bundlePath)) await buildWorkflowBundle(bundlePath);
  const connection = await NativeConnection.connect({ address: opts.address });
  const activities = createActivities({
    db: opts.db,
    executeNode: createNodeExecutor({
      db: opts.db,
      registry: opts.registry,
      channels: opts.channels ?? createSandboxChannels(),
    }),
  });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: { codePath: bundlePath },
    activities,
    // Sticky cache sized for many small runs; each cached run costs one small sandbox context.
    maxCachedWorkflows: 2000,
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: 200,
  });
  return {
    worker,
    async close() {
      await connection.close().catch(() => {});
    },
  };
}
