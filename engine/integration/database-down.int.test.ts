import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { createApi } from '../api/app.js';
import { freePort } from '../infra/free-port.js';
import { apiConnectionOptions } from '../infra/temporal-client.js';
import { ensureMember } from '../repositories/member.repository.js';
import { startEventSweeper } from '../services/events.service.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';

/**
 * The API in front of a Postgres that goes away and comes back (a proxy we cut: the shared test server
 * itself is never touched). It answers 503 `unavailable` meanwhile, stays alive, and recovers by itself.
 */
describe('the API while Postgres is away', () => {
  let stack: Stack;
  let proxy: TcpProxy;
  let db: Kysely<Database>;
  let api: Hono;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    stack = await startStack();
    const url = new URL(stack.databaseUrl);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    db = createDb(url.toString(), {
      name: 'api',
      connectTimeoutMs: 1000,
      onError: (e) => poolErrors.push(e),
    });
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    api = new Hono().route('/api', createApi({ db, registry: stack.registry, temporal }));
  });
  afterAll(async () => {
    await db?.destroy();
    await proxy?.close();
    await stack?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api.request(`/api${path}`, {
      method,
      headers: stack.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };

  it('answers 503 unavailable while the database is away, stays live, and recovers by itself', async () => {
    expect((await call('GET', '/journeys')).status).toBe(200);
    expect(await call('GET', '/ready')).toMatchObject({
      status: 200,
      body: { ready: true, postgres: 'up', temporal: 'up' },
    });

    await proxy.cut();
    const list = await call('GET', '/journeys');
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('unavailable');
    expect(list.headers.get('retry-after')).toBe('5');
    const event = await call('POST', '/events', { memberId: 'd1', name: 'db_down_evt', id: 'db-down-1' });
    expect(event.status).toBe(503);
    expect(event.body.error.code).toBe('unavailable');
    expect(await call('GET', '/ready')).toMatchObject({
      status: 503,
      body: { ready: false, postgres: 'down', temporal: 'up' },
    });
    // Liveness asks nothing of the database: an orchestrator must not restart us for its outage.
    expect((await call('GET', '/health')).status).toBe(200);
    expect(poolErrors.length).toBeGreaterThan(0);

    await proxy.restore();
    expect((await call('GET', '/journeys')).status).toBe(200);
    expect((await call('GET', '/ready')).status).toBe(200);
    expect(
      (await call('POST', '/events', { memberId: 'd1', name: 'db_down_evt', id: 'db-down-1' })).status,
    ).toBe(202);
  });

  it('says Temporal is down when it is', async () => {
    const dead = Connection.lazy(apiConnectionOptions(`127.0.0.1:${await freePort()}`));
    try {
      const temporal = {
        client: new Client({ connection: dead }),
        taskQueue: 'x',
        namespace: 'default',
        uiUrl: null,
      };
      const down = new Hono().route('/api', createApi({ db, registry: stack.registry, temporal }));
      const res = await down.request('/api/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ready: false, postgres: 'up', temporal: 'down' });
    } finally {
      await dead.close();
    }
  });

  it('keeps the event sweeper going through an outage; it finishes stored events afterwards', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'swept after outage',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'db_outage_evt' }),
          node('g', 'tag', { add: ['swept'] }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'g'), edge('g', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    const lines: string[] = [];
    const stop = startEventSweeper(db, temporal, { intervalMs: 100, log: (l) => lines.push(l) });
    try {
      await proxy.cut();
      // An event stored but not processed (what a crash between the two leaves), written past the proxy.
      const memberId = await ensureMember(stack.db, stack.workspaceId, 'd2');
      await stack.db
        .insertInto('events')
        .values({
          workspace_id: stack.workspaceId,
          member_id: memberId,
          client_id: 'db-down-2',
          name: 'db_outage_evt',
          properties: '{}',
          occurred_at: new Date(),
        })
        .execute();
      await eventually(async () => lines.length >= 2, 10_000, 'the sweeper to fail a few ticks');
      await proxy.restore();
      await eventually(
        async () => (await stack.ok('GET', '/runs?memberId=d2')).runs[0]?.status === 'completed',
        30_000,
        'the swept run',
      );
    } finally {
      stop();
    }
  });
});
