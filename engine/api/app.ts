import { randomUUID } from 'node:crypto';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { authConfigFromEnv } from '../auth/auth-config.js';
import { assertEveryRouteDeclared, authorize } from '../auth/authorize.js';
import { errorFields, type Logger, logger } from '../infra/logger.js';
import { httpDuration, httpRequests } from '../infra/metrics.js';
import { isTemporalUnavailable } from '../infra/temporal-client.js';
import { GoalValueTooLarge } from '../results/goal-value-check.js';
import { StatisticsError } from '../results/index.js';
import { errorKind } from '../services/error-kind.js';
import { AppError } from './app-error.js';
import type { AppDeps, AppEnv } from './deps.js';
import { accessRoutes } from './routes/access.routes.js';
import { audienceRoutes } from './routes/audiences.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { catalogRoutes } from './routes/catalog.routes.js';
import { channelCallbackRoutes, channelRoutes } from './routes/channels.routes.js';
import { couponRoutes } from './routes/coupons.routes.js';
import { emailProofRoutes } from './routes/email-proof.routes.js';
import { guideRoutes } from './routes/guides.routes.js';
import { journeyRoutes } from './routes/journeys.routes.js';
import { memberRoutes } from './routes/members.routes.js';
import { messageFunnelRoutes } from './routes/message-funnel.routes.js';
import { opsRoutes } from './routes/ops.routes.js';
import { resultsRoutes } from './routes/results.routes.js';
import { runRoutes } from './routes/runs.routes.js';
import { secretRoutes } from './routes/secrets.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { tagRoutes } from './routes/tags.routes.js';

/** A caller's x-request-id is kept when it looks like an id (it ends up in our logs). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The HTTP API under /api. Errors are thrown anywhere as AppError and turned into responses here, once. */
/** Postgres data exceptions (SQLSTATE class 22) that only a caller's value can cause. */
const DATA_EXCEPTIONS = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05', '2200N']);

export function createApi(deps: AppDeps) {
  const api = new Hono<AppEnv>();
  const auth = deps.auth ?? authConfigFromEnv();
  const log = deps.log ?? logger.child({ component: 'api' });

  api.use('*', requestContext(log));

  // Health and readiness: no workspace, and liveness touches nothing.
  api.route('/', opsRoutes(deps));
  // Providers' delivery reports: verified by the workspace's callback token, not by a session or an API key.
  api.route('/', channelCallbackRoutes(deps));

  // Who is asking and may they: every route's permission comes from its documented() entry, the
  // workspace from the session or the API key (engine/auth/authorize.ts).
  api.use('*', authorize({ db: deps.db, config: auth }));

  // A journey of 2000 nodes is well under this; anything larger is a mistake, not a journey.
  api.use(
    '*',
    bodyLimit({
      maxSize: 5 * 1024 * 1024,
      onError: (c) =>
        c.json(new AppError('invalid_input', 'the request body is larger than 5 MB').toJSON(), 413),
    }),
  );

  api.route('/', authRoutes(deps, auth));
  api.route('/', emailProofRoutes(deps, auth));
  api.route('/', accessRoutes(deps, auth));
  api.route('/', auditRoutes(deps));
  api.route('/', catalogRoutes(deps));
  api.route('/', couponRoutes(deps));
  api.route('/', tagRoutes(deps));
  api.route('/', journeyRoutes(deps, auth));
  api.route('/', resultsRoutes(deps));
  api.route('/', memberRoutes(deps));
  api.route('/', runRoutes(deps));
  api.route('/', settingsRoutes(deps));
  api.route('/', channelRoutes(deps));
  api.route('/', secretRoutes(deps));
  api.route('/', audienceRoutes(deps, auth));
  api.route('/', guideRoutes(deps));
  api.route('/', messageFunnelRoutes(deps));

  // A catch-all route rather than notFound(): a sub-app's notFound is not used once it is mounted.
  api.all('*', (c) => {
    throw new AppError('not_found', `no route ${c.req.method} ${c.req.path}`);
  });
  api.onError((err, c) => {
    const { status, body } = errorAnswer(err, c, log);
    return c.json(body, status);
  });
  assertEveryRouteDeclared(api.routes);
  return api;
}

export type Api = ReturnType<typeof createApi>;

/** Every request gets an id (the caller's x-request-id, or a new one), echoed back and on its log lines. */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const reqId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set('reqId', reqId);
    c.set('log', log.child({ reqId }));
    const started = performance.now();
    await next();
    c.header('x-request-id', reqId);
    const seconds = (performance.now() - started) / 1000;
    const route = routePath(c);
    const { status } = c.res;
    httpRequests.inc({ method: c.req.method, route, status: String(status) });
    httpDuration.observe({ method: c.req.method, route }, seconds);
    const line = { reqId, method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) };
    // 503s (a dependency away) are logged once, as the cause, by onError.
    if (status >= 500 && status !== 503) log.warn(line, 'request failed');
    else log.info(line, 'request');
  };
}

/**
 * What an error thrown anywhere in a request becomes: its status and `{ error: { code, message, … } }` — the one
 * place codes meet statuses, for the API and the SDK endpoints alike.
 */
export function errorAnswer(
  err: Error,
  c: Context<AppEnv>,
  log: Logger,
): { status: ContentfulStatusCode; body: { error: Record<string, unknown> } } {
  const reqLog = c.get('log') ?? log;
  if (err instanceof AppError) {
    c.set('errorCode', err.code);
    if (err.extra.retryAfter) c.header('retry-after', String(err.extra.retryAfter));
    return { status: err.status, body: err.toJSON() };
  }
  // Domain errors of the results (a goal value past bigint 分, a statistic's bad input) name their field.
  if (err instanceof GoalValueTooLarge || err instanceof StatisticsError) {
    const e = new AppError('invalid_input', err.message, { field: err.field });
    c.set('errorCode', e.code);
    return { status: 400, body: e.toJSON() };
  }
  if (err instanceof HTTPException)
    return {
      status: err.status as ContentfulStatusCode,
      body: { error: { code: 'invalid_input', message: err.message } },
    };
  // The database is away (restart, fail-over, no free connection in time): the caller may retry.
  if (isDatabaseUnavailable(err)) {
    reqLog.warn(errorFields(err), 'database unreachable');
    c.header('retry-after', '5');
    return {
      status: 503,
      body: new AppError(
        'unavailable',
        'the database is not reachable right now; try again shortly',
      ).toJSON(),
    };
  }
  // Only an unreachable Temporal (or one that answered "try again") is a 503; a request Temporal refused
  // for good (an invalid argument) is our bug and a 500 below, not something a retry mends.
  if (isTemporalUnavailable(err) && errorKind(err) !== 'permanent') {
    reqLog.warn(errorFields(err), 'Temporal unreachable');
    c.header('retry-after', '5');
    return {
      status: 503,
      body: new AppError(
        'unavailable',
        'the workflow engine is not reachable; the request was kept and will be retried',
      ).toJSON(),
    };
  }
  // A value Postgres cannot take (a NUL, a number or date out of range) that a route's schema let through:
  // the caller's input is at fault, so a 400; the log says which check is missing.
  const sqlState = (err as { code?: unknown }).code;
  if (typeof sqlState === 'string' && DATA_EXCEPTIONS.has(sqlState)) {
    reqLog.warn(errorFields(err), 'input reached the database unchecked');
    return {
      status: 400,
      body: new AppError('invalid_input', `a value cannot be stored: ${err.message}`).toJSON(),
    };
  }
  reqLog.error({ ...errorFields(err), stack: err.stack }, 'unexpected error');
  return { status: 500, body: new AppError('internal', 'something went wrong on our side').toJSON() };
}
