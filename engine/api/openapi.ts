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
  /** The operation's name in the OpenAPI document and generated clients; derived from method and path when absent. */
  operationId?: string;
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

/**
 * `get /api/journeys/:id/stats` → `getJourneysByIdStats`: stable, unique per method and path, readable in a
 * generated client. A route may name itself instead (`operationId`).
 */
export function operationIdOf(r: Pick<RouteDoc, 'method' | 'path' | 'operationId'>): string {
  if (r.operationId) return r.operationId;
  const words = r.path
    .replace(/^\/api(?=\/)/, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[-_]/))
    .filter(Boolean);
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/**
 * zod gives each schema its own `$defs` (a recursive audience rule refers to itself as `#/$defs/__schema0`),
 * which cannot stay inside an operation: OpenAPI tools resolve `#/…` from the document's root. Hoist every
 * definition into `components.schemas` under a name unique to the document and point the refs there;
 * identical definitions share one entry.
 */
class SchemaHoist {
  readonly components: Record<string, unknown> = {};
  private readonly byJson = new Map<string, string>();

  schema(type: z.ZodType, owner: string): Record<string, unknown> {
    const json = z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const {
      $defs,
      $schema: _dialect,
      ...rest
    } = json as { $defs?: Record<string, unknown>; $schema?: string };
    if (!$defs) return rest;
    const renamed = new Map<string, string>();
    for (const name of Object.keys($defs)) renamed.set(name, this.nameFor(owner, name, $defs[name]));
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (!value || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const local = k === '$ref' && typeof v === 'string' ? /^#\/\$defs\/(.+)$/.exec(v) : null;
        out[k] = local ? `#/components/schemas/${renamed.get(local[1]) ?? local[1]}` : rewrite(v);
      }
      return out;
    };
    for (const [name, def] of Object.entries($defs))
      this.components[renamed.get(name) as string] = rewrite(def);
    return rewrite(rest) as Record<string, unknown>;
  }

  private nameFor(owner: string, name: string, def: unknown): string {
    const key = JSON.stringify(def);
    const known = this.byJson.get(key);
    if (known) return known;
    // A schema named with `.meta({ id })` keeps its name; zod's anonymous `__schemaN` gets its owner's.
    const base = name.startsWith('__schema')
      ? `${owner}${name.replace(/^_+/, '_')}`
      : name.replace(/[^A-Za-z0-9_.-]/g, '');
    let unique = base;
    for (let i = 2; unique in this.components; i++) unique = `${base}${i}`;
    this.byJson.set(key, unique);
    this.components[unique] = {};
    return unique;
  }
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const hoist = new SchemaHoist();
  const seen = new Set<string>();
  for (const r of routes) {
    const operationId = operationIdOf(r);
    if (seen.has(operationId)) throw new Error(`two routes share the operationId ${operationId}`);
    seen.add(operationId);
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
          schema: hoist.schema(schema as z.ZodType, `${operationId}_${name}`),
        }))
      : [];
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId,
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
                  schema: hoist.schema(r.body, `${operationId}_body`),
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
      license: { name: 'Proprietary' },
    },
    servers: [{ url: '/', description: 'This Yutang instance (paths carry their /api prefix)' }],
    components: {
      schemas: hoist.components,
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
