import { existsSync } from 'node:fs';
import type { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import {
  type ActivityInterceptorsFactory,
  DefaultLogger,
  type LogLevel,
  NativeConnection,
  Runtime,
  Worker,
} from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { type ActionRequest, type ActivityDeps, createActivities } from '../../workflows/activities.js';
import { buildWorkflowBundle, defaultBundlePath } from '../../workflows/build-bundle.js';
import type { GuardOptions } from '../guard/guard.js';
import { type GuideNotifier, wecomGuideNotifier } from '../guides/guide-notifier.js';
import { createGuideSweep } from '../guides/guide-sweep.js';
import { errorFields, type Logger, logger as rootLogger } from '../infra/logger.js';
import {
  activityDuration,
  messagesHandled,
  restarts,
  runsFinished,
  stepsRecorded,
} from '../infra/metrics.js';
import type { ChannelSender } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { splitWinner } from '../results/split-decision.js';
import { createAudienceDeps } from '../segments/audience.service.js';
import { signalMemberChanged } from '../services/runs.service.js';
import { createSandboxChannels } from './channels.js';
import {
  createDeadlineResolver,
  createNodeExecutor,
  createPlanNodes,
  failAfterEffectFromEnv,
} from './execute-node.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  registry: NodeRegistry;
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath?: string;
  channels?: ChannelSender;
  guard?: GuardOptions;
  /** how guides are reminded of their tasks (default: recorded in guide_reminders) */
  guideNotifier?: GuideNotifier;
  /** How long a shutdown waits for activities in flight before cancelling them. Default 10 s. */
  shutdownGraceMs?: number;
  log?: Logger;
}

let runtimeInstalled = false;

/**
 * Temporal's own lines go through our JSON logger at WARN (its INFO lines about worker state drown ours),
 * or at TEMPORAL_LOG_LEVEL.
 */
function installRuntimeOnce() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = rootLogger.child({ component: 'temporal-sdk' });
  const level = (process.env.TEMPORAL_LOG_LEVEL?.toUpperCase() as LogLevel) ?? 'WARN';
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        const fields = { ...entry.meta, sdkLevel: entry.level };
        if (entry.level === 'ERROR') log.error(fields, entry.message);
        else if (entry.level === 'WARN') log.warn(fields, entry.message);
        else log.info(fields, entry.message);
      }),
      // The process entry owns shutdown order (HTTP, worker drain, then the database): no signal handling here.
      shutdownSignals: [],
    });
  } catch {
    // Already installed by the embedding process (e.g. a test): keep its logger.
  }
}

/** A Temporal worker serving journey runs: the pre-built workflow bundle plus the node activities. */
export async function createJourneyWorker(opts: WorkerOptions) {
  installRuntimeOnce();
  const log = opts.log ?? rootLogger.child({ component: 'worker' });
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
  const closeSignals = async () => {
    if (signals) await (await signals).connection.close().catch(() => {});
  };
  try {
    const activities = createActivities({
      db: opts.db,
      executeNode: createNodeExecutor({
        db: opts.db,
        registry: opts.registry,
        channels: opts.channels ?? createSandboxChannels(),
        guard: opts.guard ?? guardOptionsFromEnv(),
        log: log.child({ component: 'node' }),
        failAfterEffect: failAfterEffectFromEnv(),
        async memberChanged(memberId, facts, exceptRunId) {
          const { client } = await signalClient();
          await signalMemberChanged(opts.db, { client }, memberId, facts, [exceptRunId]);
        },
      }),
      resolveDeadline: createDeadlineResolver({ db: opts.db, registry: opts.registry }),
      planNodes: createPlanNodes(opts.db),
      splitWinner: (req) => splitWinner(opts.db, req),
      // The audience schedule and broadcasts start runs: with this worker's client and task queue.
      audience: createAudienceDeps(opts.db, async () => ({
        client: (await signalClient()).client,
        taskQueue: opts.taskQueue,
        namespace: opts.namespace,
        uiUrl: null,
      })),
      guides: {
        sweepGuideTasks: createGuideSweep(opts.db, opts.guideNotifier ?? wecomGuideNotifier(opts.db)),
      },
      observe: metricsObserver,
    });
    const graceMs = opts.shutdownGraceMs ?? 10_000;
    const worker = await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      workflowBundle: { codePath: bundlePath },
      activities,
      interceptors: { activity: [activityInterceptor(log)] },
      // Sticky cache sized for many small runs; each cached run costs one small sandbox context.
      maxCachedWorkflows: 2000,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentLocalActivityExecutions: 200,
      // A shutdown lets activities in flight finish; past the force time the worker gives up on them.
      shutdownGraceTime: graceMs,
      shutdownForceTime: graceMs + 10_000,
    });
    return {
      worker,
      async close() {
        await connection.close().catch(() => {});
        await closeSignals();
      },
    };
  } catch (err) {
    await connection.close().catch(() => {});
    await closeSignals();
    throw err;
  }
}

export interface SupervisedWorker {
  /** Drains the worker (activities in flight finish, within the grace time) and stops supervising. */
  stop(): Promise<void>;
  /** Whether a worker is polling right now. */
  isRunning(): boolean;
}

/**
 * Runs a journey worker and keeps one running: when the Temporal server goes away (a restart, a
 * network cut) and the worker fails, or it cannot connect at all, the connection and worker are made
 * again with back-off (1 s doubling to 30 s), logged and counted (`yutang_restarts_total{what="worker"}`).
 * Runs pick up where their history stands; effects keep their idempotency keys.
 */
export function superviseJourneyWorker(opts: WorkerOptions): SupervisedWorker {
  const log = opts.log ?? rootLogger.child({ component: 'worker' });
  let stopping = false;
  let current: Awaited<ReturnType<typeof createJourneyWorker>> | null = null;
  let wake: (() => void) | null = null;

  const loop = (async () => {
    let delay = 1000;
    for (let round = 0; !stopping; round++) {
      const startedAt = Date.now();
      try {
        current = await createJourneyWorker({ ...opts, log });
        if (stopping) break;
        log.info(
          { taskQueue: opts.taskQueue, address: opts.address },
          round ? 'worker polling again' : 'worker polling',
        );
        await current.worker.run();
        if (stopping) break;
        log.error('worker stopped by itself; starting it again');
      } catch (err) {
        if (stopping) break;
        log.error(
          { ...errorFields(err), address: opts.address },
          'worker failed (is the Temporal server reachable?); starting it again',
        );
      } finally {
        await current?.close();
        current = null;
      }
      // A worker that ran a good while had a fresh failure: start again soon.
      if (Date.now() - startedAt > 60_000) delay = 1000;
      restarts.inc({ what: 'worker' });
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, delay);
      });
      wake = null;
      delay = Math.min(delay * 2, 30_000);
    }
  })();

  return {
    async stop() {
      stopping = true;
      wake?.();
      const worker = current?.worker;
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await loop;
    },
    isRunning: () => current?.worker.getState() === 'RUNNING',
  };
}

/** YUTANG_GUARD_SETTLE_MS: how long a send that wants a cap's last slot waits for competitors (default 300). */
function guardOptionsFromEnv(): GuardOptions {
  const settle = Number(process.env.YUTANG_GUARD_SETTLE_MS);
  return Number.isFinite(settle) && settle >= 0 ? { settleMs: settle } : {};
}

/** Activity latency by activity and node type, and a log line per failure with the run it belongs to. */
function activityInterceptor(log: Logger): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, attempt, workflowExecution } = ctx.info;
        const ids = activityIds(activityType, input.args[0]);
        const started = performance.now();
        const labels = { activity: activityType, node_type: ids.nodeType ?? '' };
        try {
          const result = await next(input);
          const seconds = (performance.now() - started) / 1000;
          activityDuration.observe({ ...labels, outcome: 'ok' }, seconds);
          if (log.isLevelEnabled('debug')) {
            log.debug(
              { ...ids, activity: activityType, attempt, ms: Math.round(seconds * 1000) },
              'activity done',
            );
          }
          return result;
        } catch (err) {
          const unavailable = isDatabaseUnavailable(err);
          activityDuration.observe(
            { ...labels, outcome: unavailable ? 'database_unavailable' : 'error' },
            (performance.now() - started) / 1000,
          );
          log.warn(
            {
              ...ids,
              workflowId: workflowExecution?.workflowId,
              activity: activityType,
              attempt,
              ...errorFields(err),
            },
            unavailable ? 'activity failed: database unreachable, will retry' : 'activity failed',
          );
          throw err;
        }
      },
    },
  });
}

/** journey, run, member and node of an activity call, from its argument (whatever the activity). */
function activityIds(activityType: string, arg: unknown) {
  const a = (arg ?? {}) as Partial<ActionRequest> & { progress?: { runId?: string } | null };
  if (activityType === 'runAction') {
    return {
      journeyId: a.journeyId,
      runId: a.runId,
      memberId: a.memberId,
      nodeId: a.nodeId,
      nodeType: a.nodeType,
    };
  }
  return { runId: a.runId ?? a.progress?.runId, memberId: a.memberId };
}

/** Steps, finished runs and message outcomes, counted once their write committed. */
const metricsObserver: NonNullable<ActivityDeps['observe']> = {
  progress(update) {
    for (const step of update.steps) {
      stepsRecorded.inc({ node_type: step.nodeType, output: step.output ?? '', status: step.status });
    }
    if (update.ended) runsFinished.inc({ status: update.status });
  },
  action(_request, result) {
    const d = result.detail as { channel?: unknown; status?: unknown; skipReason?: unknown } | undefined;
    if (result.guard && typeof d?.channel === 'string') {
      // held back by the guard stage: skipped or deferred, with the reason
      messagesHandled.inc({
        channel: d.channel,
        status: result.guard.kind === 'skip' ? 'skipped' : 'deferred',
        reason: result.guard.reason,
      });
    } else if (typeof d?.channel === 'string' && typeof d.status === 'string') {
      messagesHandled.inc({
        channel: d.channel,
        status: d.status,
        reason: typeof d.skipReason === 'string' ? d.skipReason : '',
      });
    }
  },
};
