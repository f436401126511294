import { Hono } from 'hono';
import { sql } from 'kysely';
import { dependencyUp } from '../../infra/metrics.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';

documented({
  method: 'get',
  path: '/api/health',
  summary: 'Liveness: the process answers (no dependency is asked)',
  tag: 'meta',
  permission: 'public',
});
documented({
  method: 'get',
  path: '/api/ready',
  summary: 'Readiness: 200 when Postgres and Temporal answer, else 503 naming the one that is down',
  tag: 'meta',
  permission: 'public',
});

type Up = 'up' | 'down';
const CHECK_MS = 3000;

/**
 * Health and readiness, for load balancers and orchestrators. Mounted before the workspace middleware:
 * neither needs a workspace, and liveness must not touch the database.
 */
export function opsRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  // Liveness: if this answers, the process is not wedged. A database outage must not get it restarted.
  app.get('/health', (c) => c.json({ ok: true }));

  app.get('/ready', async (c) => {
    const [postgres, temporalUp] = await Promise.all([
      check(() => sql`select 1`.execute(db)),
      check(() =>
        temporal.client.connection.withDeadline(Date.now() + CHECK_MS, () =>
          temporal.client.workflowService.describeNamespace({ namespace: temporal.namespace }),
        ),
      ),
    ]);
    dependencyUp.set({ dependency: 'postgres' }, postgres === 'up' ? 1 : 0);
    dependencyUp.set({ dependency: 'temporal' }, temporalUp === 'up' ? 1 : 0);
    const ready = postgres === 'up' && temporalUp === 'up';
    return c.json({ ready, postgres, temporal: temporalUp }, ready ? 200 : 503);
  });

  return app;
}

/** 'up' when `probe` answers within CHECK_MS. */
async function check(probe: () => Promise<unknown>): Promise<Up> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Up>((resolve) => {
    timer = setTimeout(resolve, CHECK_MS, 'down');
  });
  try {
    return await Promise.race([probe().then((): Up => 'up'), timeout]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
