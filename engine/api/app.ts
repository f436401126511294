import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { AppError } from './app-error.js';
import type { AppDeps, AppEnv } from './deps.js';
import { catalogRoutes } from './routes/catalog.routes.js';
import { journeyRoutes } from './routes/journeys.routes.js';
import { memberRoutes } from './routes/members.routes.js';
import { runRoutes } from './routes/runs.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';

const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The HTTP API under /api. Errors are thrown anywhere as AppError and turned into responses here, once. */
export function createApi(deps: AppDeps) {
  const api = new Hono<AppEnv>();
  const knownWorkspaces = new Set<string>();

  // A journey of 2000 nodes is well under this; anything larger is a mistake, not a journey.
  api.use(
    '*',
    bodyLimit({
      maxSize: 5 * 1024 * 1024,
      onError: (c) =>
        c.json(new AppError('invalid_input', 'the request body is larger than 5 MB').toJSON(), 413),
    }),
  );

  api.use('*', async (c, next) => {
    const ws = c.req.header('x-workspace-id') ?? 'default';
    if (!WORKSPACE_ID.test(ws))
      throw new AppError('invalid_input', 'bad workspace id', { field: 'x-workspace-id' });
    if (!knownWorkspaces.has(ws)) {
      const row = await deps.db.selectFrom('workspaces').select('id').where('id', '=', ws).executeTakeFirst();
      if (!row) throw new AppError('not_found', `workspace ${ws} not found`);
      knownWorkspaces.add(ws);
    }
    c.set('workspaceId', ws);
    await next();
  });

  api.route('/', catalogRoutes(deps));
  api.route('/', journeyRoutes(deps));
  api.route('/', memberRoutes(deps));
  api.route('/', runRoutes(deps));
  api.route('/', settingsRoutes(deps));

  // A catch-all route rather than notFound(): a sub-app's notFound is not used once it is mounted.
  api.all('*', (c) => {
    throw new AppError('not_found', `no route ${c.req.method} ${c.req.path}`);
  });
  api.onError((err, c) => {
    if (err instanceof AppError) return c.json(err.toJSON(), err.status);
    if (err instanceof HTTPException)
      return c.json({ error: { code: 'invalid_input', message: err.message } }, err.status);
    if (isTemporalUnavailable(err)) {
      console.error(err);
      return c.json(
        new AppError(
          'unavailable',
          'the workflow engine is not reachable; the request was kept and will be retried',
        ).toJSON(),
        503,
      );
    }
    console.error(err);
    return c.json(new AppError('internal', 'something went wrong on our side').toJSON(), 500);
  });
  return api;
}

function isTemporalUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: number };
  return e?.name === 'ServiceError' || e?.name === 'ConnectionError' || e?.code === 14;
}

export type Api = ReturnType<typeof createApi>;
