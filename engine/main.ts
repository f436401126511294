import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { createDb, envInt, poolOf } from '../db/connection.js';
import { ensureDatabase } from '../db/embedded-postgres.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { migrateToLatestOrThrow } from '../db/migrate.js';
import { createApi } from './api/app.js';
import { linkRedirectRoutes } from './api/link-redirect.js';
import { createSdkApi } from './api/sdk-app.js';
import { createMetricsApp, createServerApp } from './api/server-app.js';
import { authConfigFromEnv } from './auth/auth-config.js';
import { bootstrapAdminFromEnv } from './auth/setup.js';
import { currentSecretKey, SecretKeyProblem } from './channels/secret-box.js';
import { ensureGuideSchedule } from './guides/guide-sweep.js';
import { preferredPort } from './infra/free-port.js';
import { errorFields, logger } from './infra/logger.js';
import { observeEventBacklog, observePool, restarts } from './infra/metrics.js';
import { apiConnectionOptions } from './infra/temporal-client.js';
import { ensureTemporal } from './infra/temporal-server.js';
import { linkBaseHost } from './links/link-base.js';
import { discoverNodeRegistry } from './nodes/registry.js';
import { ensureAudienceSchedule } from './segments/broadcasts.service.js';
import { ensureAllSystemSegments } from './segments/system-segments.js';
import { startEventSweeper } from './services/events.service.js';
import { superviseJourneyWorker } from './worker/start-worker.js';

const log = logger.child({ component: 'main' });

/** A step of the orderly shutdown; they run in the order they are listed. */
type Stop = { what: string; run: () => Promise<unknown> | unknown };

/**
 * One process entry: `all` (API + worker + web, the default), `api` (API + web) or `worker`.
 * With nothing configured it brings its own Postgres (embedded) and Temporal (local dev server) under ./data.
 *
 * It rides out its servers: a Postgres restart gives 503s until it is back, a Temporal restart is
 * waited out (the worker is made again, the API's client reconnects), the local dev server is
 * started again if it dies. SIGTERM drains: the HTTP server stops taking requests and finishes
 * those in flight, the worker finishes its activities, then the pools close and the process exits 0.
 */
async function main() {
  const mode = (process.argv[2] ?? 'all') as 'all' | 'api' | 'worker';
  if (!['all', 'api', 'worker'].includes(mode))
    throw new Error(`unknown mode ${mode}: use all, api or worker`);
  const dataDir = resolve(process.env.YUTANG_DATA_DIR ?? 'data');
  const port = Number(process.env.PORT ?? 3000);
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? 'yutang';
  const graceMs = envInt('YUTANG_SHUTDOWN_GRACE_MS', 10_000);
  // Loopback unless told otherwise: the first visitor creates the administrator (README: Run it).
  const host = process.env.HOST || '127.0.0.1';
  // Read now: a bad setting stops the start, not the first sign-in.
  const auth = authConfigFromEnv();
  // The key that seals channel credentials and workspace secrets, in every mode: in production a missing or
  // weak YUTANG_SECRET_KEY stops the start here, not the first send or the first settings page.
  currentSecretKey();
  // Filled as things start; each list runs in order at shutdown: first stop taking work, then drain, then close.
  const intake: Stop[] = [];
  const drain: Stop[] = [];
  const close: Stop[] = [];
  const servers: Stop[] = [];
  let workerRunning: (() => boolean) | null = null;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal while draining: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, `${signal}: draining (grace ${graceMs / 1000}s)`);
    let failed = 0;
    for (const stop of [...intake, ...drain, ...close, ...servers]) {
      try {
        await stop.run();
        log.debug({ step: stop.what }, 'stopped');
      } catch (err) {
        failed++;
        log.error({ step: stop.what, ...errorFields(err) }, 'shutdown step failed');
      }
    }
    log.info({ failed }, failed ? 'stopped, with failures' : 'stopped');
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const database = await ensureDatabase({
    dataDir,
    log: (line) => logger.info({ component: 'postgres' }, line),
  });
  servers.push({ what: 'embedded Postgres', run: () => database.stop() });
  await migrateWhenReachable(database.url);

  // The local dev server gets Temporal's usual ports when they are free, so its UI link stays the same.
  const local = !process.env.TEMPORAL_ADDRESS;
  const temporal = await ensureTemporal({
    dbFile: resolve(dataDir, 'temporal.db'),
    namespace,
    port: local ? await preferredPort(Number(process.env.TEMPORAL_PORT ?? 7233)) : undefined,
    uiPort: local ? await preferredPort(Number(process.env.TEMPORAL_UI_PORT ?? 8233)) : undefined,
    log: (line) => logger.info({ component: 'temporal-server' }, line),
    onRestart: (pid) => {
      restarts.inc({ what: 'temporal_server' });
      log.warn({ temporalPid: pid }, 'local Temporal server started again');
    },
  });
  servers.unshift({ what: 'local Temporal server', run: () => temporal.stop() });
  // Built-ins, the project's nodes/ folder (YUTANG_NODES_DIR) and node packages; what fails to load is
  // reported here and in GET /api/node-types, and the rest start regardless.
  const registry = await discoverNodeRegistry({ nodesDir: process.env.YUTANG_NODES_DIR || undefined });
  for (const problem of registry.problems)
    log.error({ nodeSource: problem.source, code: problem.code }, `node type not loaded: ${problem.message}`);
  log.info(
    { nodeTypes: registry.latest().length, problems: registry.problems.length },
    `node types: ${registry
      .latest()
      .map((d) => `${d.type}@${d.version}`)
      .join(', ')}`,
  );
  const onPoolError = (err: Error, pool: string) =>
    log.warn({ pool, ...errorFields(err) }, 'Postgres connection lost; the pool reconnects on demand');

  if (mode === 'all' || mode === 'worker') {
    const db = createDb(database.url, {
      name: 'worker',
      max: envInt('YUTANG_PG_POOL_WORKER', 20),
      onError: onPoolError,
    });
    observePool('worker', poolOf(db)!.pool);
    close.push({ what: 'worker pool', run: () => db.destroy() });
    const worker = superviseJourneyWorker({
      db,
      registry,
      address: temporal.address,
      namespace,
      taskQueue,
      shutdownGraceMs: graceMs,
    });
    drain.push({ what: 'worker', run: () => worker.stop() });
    // The audience schedule (time-based audiences, date triggers) runs on Temporal: made or brought up to
    // date once Temporal answers, without holding up the start.
    const scheduleConnection = Connection.lazy({ address: temporal.address });
    close.unshift({ what: 'schedule client', run: () => scheduleConnection.close() });
    void keepTrying(log, 'audience schedule', () =>
      ensureAudienceSchedule(
        {
          client: new Client({ connection: scheduleConnection, namespace }),
          taskQueue,
          namespace,
          uiUrl: null,
        },
        envInt('YUTANG_AUDIENCE_PASS_SECONDS', 60),
      ),
    );
    // Guide tasks: reminders before the due time and overdue marking, by a Temporal Schedule as well.
    void keepTrying(log, 'guide-task schedule', () =>
      ensureGuideSchedule(
        {
          client: new Client({ connection: scheduleConnection, namespace }),
          taskQueue,
          namespace,
          uiUrl: null,
        },
        envInt('YUTANG_GUIDE_SWEEP_SECONDS', 60),
      ),
    );
    workerRunning = () => worker.isRunning();
  }

  if (mode === 'all' || mode === 'api') {
    const db = createDb(database.url, {
      name: 'api',
      max: envInt('YUTANG_PG_POOL_API', 10),
      onError: onPoolError,
    });
    observePool('api', poolOf(db)!.pool);
    observeEventBacklog(db);
    close.push({ what: 'API pool', run: () => db.destroy() });
    // Lazy: the API starts (and answers 503 for what needs Temporal) while Temporal is away; gRPC reconnects.
    const connection = Connection.lazy(apiConnectionOptions(temporal.address));
    close.unshift({ what: 'Temporal client', run: () => connection.close() });
    const temporalDeps = {
      client: new Client({ connection, namespace }),
      taskQueue,
      namespace,
      uiUrl: temporal.uiUrl,
    };
    // Host allow-list, security headers, /metrics with its token, the API and the web UI (server-app.ts).
    // A short domain for tracked links (YUTANG_LINK_BASE_URL) is a name the app answers to.
    const linkHost = linkBaseHost();
    const app = createServerApp({
      config: linkHost ? { ...auth, allowedHosts: [...auth.allowedHosts, linkHost] } : auth,
      api: createApi({ db, registry, temporal: temporalDeps, auth }),
      sdk: createSdkApi({ db, registry, temporal: temporalDeps, auth }),
      links: linkRedirectRoutes({ db, temporal: temporalDeps, auth }),
    });
    const stopSweeper = startEventSweeper(db, temporalDeps, {
      log: (line) => logger.warn({ component: 'sweeper' }, line),
    });
    intake.push({ what: 'event sweeper', run: stopSweeper });
    const server = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    intake.unshift({ what: 'HTTP server', run: () => closeServer(server, graceMs) });
  }

  // Every mode serves /metrics and /health on their own port (PORT only with YUTANG_METRICS_TOKEN): for
  // Prometheus and probes, which need not reach the app's users' port.
  const metricsPort = envInt('YUTANG_METRICS_PORT', 9464);
  const metricsApp = createMetricsApp({
    config: auth,
    health: () => (workerRunning ? { worker: workerRunning() } : {}),
  });
  const metricsServer = serve({ fetch: metricsApp.fetch, port: metricsPort, hostname: host });
  // A taken port costs the metrics, not the app.
  metricsServer.on('error', (err) =>
    log.error({ port: metricsPort, ...errorFields(err) }, 'metrics server could not listen'),
  );
  close.push({ what: 'metrics server', run: () => closeServer(metricsServer as Server, 1000) });
  log.info(
    { metricsPort, metricsToken: !!auth.metricsToken },
    `metrics on http://${displayHost(host)}:${metricsPort}/metrics${auth.metricsToken ? ' (bearer token)' : ''}`,
  );

  // Reached by a name (not localhost, not an IP address) the app answers 421 unless it knows the name.
  if (mode !== 'worker' && !['127.0.0.1', '::1', 'localhost'].includes(host))
    log.info(
      { allowedHosts: auth.allowedHosts, publicUrl: auth.publicUrl ?? undefined },
      `answering to localhost, IP addresses${auth.publicUrl ? `, ${new URL(auth.publicUrl).host}` : ''}` +
        `${auth.allowedHosts.length ? `, ${auth.allowedHosts.join(', ')}` : ''}; other host names get 421 (YUTANG_ALLOWED_HOSTS)`,
    );

  const url = `http://${displayHost(host)}:${port}`;
  log.info(
    {
      mode,
      url: mode === 'worker' ? undefined : url,
      postgres: database.source,
      temporal: temporal.address,
      temporalSource: temporal.source,
      temporalUi: temporal.uiUrl ?? undefined,
      temporalPid: temporal.pid(),
      taskQueue,
    },
    `Yutang ${mode} ready${mode === 'worker' ? '' : ` on ${url}`} · Postgres: ${database.source} · ` +
      `Temporal: ${temporal.address} (${temporal.source})` +
      `${temporal.uiUrl ? ` · Temporal UI: ${temporal.uiUrl}` : ''}`,
  );
}

/** Run `job` until it succeeds, with back-off (a dependency that is away at start comes back later). */
async function keepTrying(
  log: { warn: (o: object, m: string) => void },
  what: string,
  job: () => Promise<unknown>,
) {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 60_000)) {
    try {
      await job();
      return;
    } catch (err) {
      log.warn({ what, ...errorFields(err) }, `${what}: not yet, trying again`);
      await new Promise((r) => setTimeout(r, delay).unref());
    }
  }
}

/**
 * Migrations, on their own connection without a statement timeout; waits while the database is away.
 * Then the administrator of YUTANG_ADMIN_EMAIL, if nobody has an account yet.
 */
async function migrateWhenReachable(url: string): Promise<void> {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 30_000)) {
    const db = createDb(url, { name: 'migrate', max: 1, statementTimeoutMs: 0, onError: () => {} });
    try {
      await migrateToLatestOrThrow(db);
      await bootstrapAdminFromEnv(db, log);
      // every workspace has the system audiences its lifecycle templates start from
      await ensureAllSystemSegments(db);
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      log.warn(errorFields(err), `Postgres is not reachable; trying again in ${delay / 1000}s`);
    } finally {
      await db.destroy();
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** How to write the bound address in a URL someone opens on this machine. */
function displayHost(host: string): string {
  if (['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Stop accepting connections, let requests in flight finish (up to `graceMs`), then cut what is left. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      done();
    });
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections();
  });
}

process.on('uncaughtException', (err) => {
  logger.fatal({ ...errorFields(err), stack: err.stack }, 'uncaught exception');
  process.exit(1);
});

main().catch((err) => {
  // a configuration the operator must fix: its one line says what, a stack would only hide it
  if (err instanceof SecretKeyProblem) {
    log.fatal({ code: 'secret_key' }, err.message);
    process.exit(1);
  }
  log.fatal({ ...errorFields(err), stack: err instanceof Error ? err.stack : undefined }, String(err));
  process.exit(1);
});
