import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  status?: number;
}

const routes: RouteDoc[] = [];

/** Routes describe themselves with the same zod schemas they validate with: the OpenAPI document cannot drift. */
export function documented(doc: RouteDoc): void {
  routes.push(doc);
}

/**
 * Every documented route, with the schemas it validates with. The hostile-input suite generates its requests
 * from these, and a test holds the app's routes and this list to each other, so neither can fall behind.
 */
export function documentedRoutes(): readonly RouteDoc[] {
  return routes;
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
      parameters: [...params, ...queryParams],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        '4XX': { description: 'Bad input: `{ error: { code, message, field?, issues?, errors? } }`' },
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
    paths,
  };
}
