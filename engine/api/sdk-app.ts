import { Hono } from 'hono';
import { authConfigFromEnv } from '../auth/auth-config.js';
import { assertEveryRouteDeclared, authorize } from '../auth/authorize.js';
import { logger } from '../infra/logger.js';
import { errorAnswer, requestContext } from './app.js';
import { AppError } from './app-error.js';
import type { AppDeps, AppEnv } from './deps.js';
import { sdkRoutes } from './routes/sdk.routes.js';

/** The paths the SDK endpoints answer on, and nothing else (the web UI has the rest of `/`). */
export const SDK_PATHS = ['/v1/*', '/sa'] as const;

/**
 * The endpoints foreign event SDKs post to — Segment's `/v1/*` and Sensors Data's `/sa` — at the root, where
 * those SDKs expect a collector. Same request ids, metrics, authorization (an API key: Bearer, Basic username
 * or `?token=`, per route) and error mapping as the API; the answers are shaped as Segment's:
 * `{ success: true, … }`, or `{ success: false, message, error: { code, message, field } }`.
 */
export function createSdkApi(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const auth = deps.auth ?? authConfigFromEnv();
  const log = deps.log ?? logger.child({ component: 'sdk' });
  for (const path of SDK_PATHS) {
    app.use(path, requestContext(log));
    app.use(path, authorize({ db: deps.db, config: auth }));
  }
  app.route('/', sdkRoutes(deps, log));
  // a path under /v1 that is no Segment call: Segment's answer to a wrong URL, not the web UI's page
  app.all('/v1/*', () => {
    throw new AppError(
      'not_found',
      'no such Segment endpoint: /v1/track, identify, page, screen, alias, group, batch',
    );
  });
  app.onError((err, c) => {
    const { status, body } = errorAnswer(err, c, log);
    return c.json({ success: false, message: String(body.error.message), ...body }, status);
  });
  assertEveryRouteDeclared(app.routes);
  return app;
}
