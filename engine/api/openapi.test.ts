import { describe, expect, it } from 'vitest';
import { loadNodeRegistry } from '../nodes/registry.js';
import { createApi } from './app.js';
import type { AppDeps } from './deps.js';
import { documentedRoutes, openApiDocument } from './openapi.js';
import { createSdkApi } from './sdk-app.js';

/** The route registry the OpenAPI document and the hostile-input suite are built from cannot fall behind the app. */
describe('documented routes', () => {
  it('every route the app serves is documented, and every documented route is served', async () => {
    // Building the app touches no server: routes are registered, nothing is called.
    const deps = { db: {}, temporal: {}, registry: await loadNodeRegistry() } as unknown as AppDeps;
    const served = [
      ...createApi(deps).routes.map((r) => ({ ...r, path: `/api${r.path}` })),
      // the Segment and Sensors endpoints, at the root where those SDKs post
      ...createSdkApi(deps).routes,
    ]
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    const documented = documentedRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(new Set(served).size).toBeGreaterThan(20);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('describes path, query and body of each route in the OpenAPI document', () => {
    const doc = openApiDocument() as any;
    const runs = doc.paths['/api/runs'].get;
    expect(runs.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['journeyId', 'memberId', 'status', 'cursor', 'limit']),
    );
    expect(doc.paths['/api/events/{id}/replay'].post.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
    const event = doc.paths['/api/events'].post.requestBody.content['application/json'].schema;
    expect(event.properties.properties.type).toBe('object');
  });
});
