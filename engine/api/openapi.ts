import { z } from 'zod';
import type { RouteAccess } from '../auth/permissions.js';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  status?: number;
  /**
   * What the caller needs: a permission of engine/auth/permissions.ts, `signed_in` (a user's session, no
   * workspace permission) or `public` (no credentials). The API enforces it for the route; a route with
   * no entry here is refused (engine/auth/authorize.ts) and fails the route-table test.
   */
  permission: RouteAccess;
  /**
   * The audit action of a route that changes something (`journey.publish`); every such call is written to
   * the audit log with its outcome. `false` for a POST/PUT/DELETE that changes no configuration (a
   * validation, a preview, member events).
   */
  audit?: string | false;
  /**
   * `ingest`: each call counts against the API key's ingest rate (YUTANG_INGEST_RATE); `preview`: against the
   * caller's (user's or key's) preview rate (YUTANG_PREVIEW_RATE).
   */
  rateLimit?: 'ingest' | 'preview';
  /**
   * Calls that hold a database connection or the CPU for long: at most YUTANG_PREVIEW_CONCURRENCY `preview`
   * calls at once per workspace, YUTANG_SIMULATION_CONCURRENCY `simulation` calls per caller (429 past that).
   */
  concurrency?: 'preview' | 'simulation';
  /**
   * Foreign SDKs that cannot send `Authorization: Bearer` (README: Event SDKs) may send the API key as the
   * username of Basic auth (`basic`: Segment's write key) or as `?token=` (`query`: the Sensors server URL).
   */
  keyFrom?: ('basic' | 'query')[];
  /** the route reads a body that is not JSON itself (Sensors' form-encoded `data_list`), when sent with a key */
  bodyFormat?: 'form';
  /** what the body is in the OpenAPI document when it is not JSON */
  contentType?: string;
}

const routes: RouteDoc[] = [];
const byRoute = new Map<string, RouteDoc>();
const routeKey = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/^\/api(?=\/)/, '')}`;

/**
 * Routes describe themselves with the same zod schemas they validate with (the OpenAPI document cannot
 * drift) and declare the permission they need and the audit action they record.
 */
export function documented(doc: RouteDoc): void {
  routes.push(doc);
  byRoute.set(routeKey(doc.method, doc.path), doc);
}

/**
 * Every documented route, with the schemas it validates with: the route-table tests walk them, the
 * hostile-input suite generates its requests from them, and a test holds the app's routes to this list.
 */
export function documentedRoutes(): readonly RouteDoc[] {
  return routes;
}

/** The entry of a route pattern as Hono matched it (`/api/journeys/:id` or, unmounted, `/journeys/:id`). */
export function findRouteDoc(method: string, pattern: string): RouteDoc | undefined {
  return byRoute.get(routeKey(method === 'HEAD' ? 'GET' : method, pattern));
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = r.query
      ? Object.entries(r.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }),
        }))
      : [];
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      'x-permission': r.permission,
      ...(r.permission === 'public' ? { security: [] } : {}),
      ...(r.keyFrom
        ? {
            security: [
              { apiKey: [] },
              ...(r.keyFrom.includes('basic') ? [{ writeKey: [] }] : []),
              ...(r.keyFrom.includes('query') ? [{ token: [] }] : []),
            ],
          }
        : {}),
      parameters: [...params, ...queryParams],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                [r.contentType ?? 'application/json']: {
                  schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        '4XX': { description: 'Bad input: `{ error: { code, message, field?, issues?, errors? } }`' },
        ...(r.permission === 'public'
          ? {}
          : {
              '401': { description: 'No valid session or API key' },
              '403': { description: `Lacks the permission \`${r.permission}\`` },
            }),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Yutang API',
      version: '1',
      description: 'Journey automation for private-domain member operations.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of the workspace: `yt_…`' },
        writeKey: {
          type: 'http',
          scheme: 'basic',
          description: 'Segment endpoints: an ingest API key as the username, no password',
        },
        token: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'Sensors endpoint: an ingest API key',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'yutang_session' },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths,
  };
}
