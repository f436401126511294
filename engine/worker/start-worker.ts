import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { createActivities } from '../../workflows/activities.js';
import { buildWorkflowBundle, defaultBundlePath } from '../../workflows/build-bundle.js';
import type { GuardOptions } from '../guard/guard.js';
import type { ChannelSender } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { signalMemberChanged } from '../services/runs.service.js';
import { createSandboxChannels } from './channels.js';
import { createDeadlineResolver, createNodeExecutor, createPlanNodes } from './execute-node.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  registry: NodeRegistry;
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath?: string;
  channels?: ChannelSender;
  guard?: GuardOptions;
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
  // A client of its own, to tell a member's other runs that an effect here changed their facts.
  let signals: Promise<{ client: Client; connection: Connection }> | null = null;
  const signalClient = () => {
    signals ??= Connection.connect({ address: opts.address }).then((c) => ({
      connection: c,
      client: new Client({ connection: c, namespace: opts.namespace }),
    }));
    return signals;
  };
  const activities = createActivities({
    db: opts.db,
    executeNode: createNodeExecutor({
      db: opts.db,
      registry: opts.registry,
      channels: opts.channels ?? createSandboxChannels(),
      guard: opts.guard ?? guardOptionsFromEnv(),
      async memberChanged(memberId, facts, exceptRunId) {
        const { client } = await signalClient();
        await signalMemberChanged(opts.db, { client }, memberId, facts, [exceptRunId]);
      },
    }),
    resolveDeadline: createDeadlineResolver({ db: opts.db, registry: opts.registry }),
    planNodes: createPlanNodes(opts.db),
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
      if (signals) await (await signals).connection.close().catch(() => {});
    },
  };
}

/** YUTANG_GUARD_SETTLE_MS: how long a send that wants a cap's last slot waits for competitors (default 300). */
function guardOptionsFromEnv(): GuardOptions {
  const settle = Number(process.env.YUTANG_GUARD_SETTLE_MS);
  return Number.isFinite(settle) && settle >= 0 ? { settleMs: settle } : {};
}
