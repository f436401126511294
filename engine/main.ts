import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { createDb } from '../db/connection.js';
import { ensureDatabase } from '../db/embedded-postgres.js';
import { migrateToLatestOrThrow } from '../db/migrate.js';
import { createApi } from './api/app.js';
import { preferredPort } from './infra/free-port.js';
import { connectTemporalClient } from './infra/temporal-client.js';
import { ensureTemporal } from './infra/temporal-server.js';
import { loadNodeRegistry } from './nodes/registry.js';
import { startEventSweeper } from './services/events.service.js';
import { createJourneyWorker } from './worker/start-worker.js';

/**
 * One process entry: `all` (API + worker + web, the default), `api` (API + web) or `worker`.
 * With nothing configured it brings its own Postgres (embedded) and Temporal (local dev server) under ./data.
 */
async function main() {
  const mode = (process.argv[2] ?? 'all') as 'all' | 'api' | 'worker';
  if (!['all', 'api', 'worker'].includes(mode))
    throw new Error(`unknown mode ${mode}: use all, api or worker`);
  const dataDir = resolve(process.env.YUTANG_DATA_DIR ?? 'data');
  const port = Number(process.env.PORT ?? 3000);
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? 'yutang';
  const stops: (() => Promise<unknown> | unknown)[] = [];

  const database = await ensureDatabase({ dataDir, log: (l) => console.log(`[postgres] ${l}`) });
  stops.push(() => database.stop());
  const db = createDb(database.url);
  stops.unshift(() => db.destroy());
  await migrateToLatestOrThrow(db);

  // The local dev server gets Temporal's usual ports when they are free, so its UI link stays the same.
  const local = !process.env.TEMPORAL_ADDRESS;
  const temporal = await ensureTemporal({
    dbFile: resolve(dataDir, 'temporal.db'),
    namespace,
    port: local ? await preferredPort(Number(process.env.TEMPORAL_PORT ?? 7233)) : undefined,
    uiPort: local ? await preferredPort(Number(process.env.TEMPORAL_UI_PORT ?? 8233)) : undefined,
    log: (l) => console.log(l),
  });
  stops.push(() => temporal.stop());
  const registry = await loadNodeRegistry();

  if (mode === 'all' || mode === 'worker') {
    const { worker, close } = await createJourneyWorker({
      db,
      registry,
      address: temporal.address,
      namespace,
      taskQueue,
    });
    const running = worker.run();
    stops.unshift(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await close();
    });
    running.catch((err) => {
      console.error('worker stopped:', err);
      process.exit(1);
    });
  }

  if (mode === 'all' || mode === 'api') {
    const { connection, client } = await connectTemporalClient(temporal.address, namespace);
    stops.unshift(() => connection.close());
    const temporalDeps = { client, taskQueue, namespace, uiUrl: temporal.uiUrl };
    const app = new Hono();
    app.route('/api', createApi({ db, registry, temporal: temporalDeps }));
    const webRoot = resolve('dist/web');
    if (existsSync(webRoot)) {
      app.use('/*', serveStatic({ root: 'dist/web' }));
      // Client-side routes fall back to the app shell.
      app.get('*', serveStatic({ path: 'dist/web/index.html' }));
    } else {
      app.get('/', (c) =>
        c.text('The web UI is not built: run `npm run build:web` (npm start does it for you).'),
      );
    }
    stops.unshift(startEventSweeper(db, temporalDeps));
    const server = serve({ fetch: app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' });
    stops.unshift(() => new Promise((r) => server.close(() => r(undefined))));
    console.log(`Yutang listening on http://localhost:${port}`);
  }
  console.log(
    `Yutang ${mode} ready · Postgres: ${database.source} · Temporal: ${temporal.address} (${temporal.source})${temporal.uiUrl ? ` · Temporal UI: ${temporal.uiUrl}` : ''}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    for (const stop of stops) await Promise.resolve(stop()).catch((err) => console.error(err));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
