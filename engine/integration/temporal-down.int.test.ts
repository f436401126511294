import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.js';
import { freePort } from '../infra/free-port.js';
import { apiConnectionOptions } from '../infra/temporal-client.js';
import { processEvent, startEventSweeper } from '../services/events.service.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** When Temporal cannot be reached the event is kept (503, not lost) and processed once it can. */
describe('events while Temporal is unreachable', () => {
  let stack: Stack;
  let deadConnection: Connection;
  beforeAll(async () => {
    stack = await startStack();
    // The API's own connection options: it must answer 503 promptly, not after the SDK's long retries.
    deadConnection = Connection.lazy(apiConnectionOptions(`127.0.0.1:${await freePort()}`));
  });
  /** The API as it runs when Temporal cannot be reached: same database, a connection to nothing. */
  async function postWhileTemporalIsDown(event: Record<string, unknown>) {
    const temporal = {
      client: new Client({ connection: deadConnection }),
      taskQueue: stack.taskQueue,
      namespace: 'default',
      uiUrl: null,
    };
    const downApi = new Hono().route('/api', createApi({ db: stack.db, registry: stack.registry, temporal }));
    return downApi.request('/api/events', {
      method: 'POST',
      headers: stack.headers,
      body: JSON.stringify(event),
    });
  }

  afterAll(async () => {
    await deadConnection?.close().catch(() => {});
    await stack?.stop();
  });

  it('answers 503, keeps the event, and a later pass starts the run exactly once', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'outage',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'outage_evt' }),
          node('m', 'message', { channel: 'push', body: 'hi' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'm'), edge('m', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});

    const res = await postWhileTemporalIsDown({ memberId: 'o1', name: 'outage_evt', id: 'outage-1' });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('unavailable');

    const stored = await stack.db
      .selectFrom('events')
      .selectAll()
      .where('client_id', '=', 'outage-1')
      .executeTakeFirstOrThrow();
    expect(stored.processed_at).toBeNull();
    expect(stored.process_error).toBeTruthy();

    // The sender retries the same event once Temporal is back (the sweeper does the same on its own).
    const again = await stack.ok('POST', '/events', { memberId: 'o1', name: 'outage_evt', id: 'outage-1' });
    expect(again).toMatchObject({ duplicate: true, runsStarted: 1 });
    await processEvent(
      stack.db,
      { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null },
      stored,
    );
    await eventually(
      async () => (await stack.ok('GET', '/runs?memberId=o1')).runs[0]?.status === 'completed',
      30_000,
      'the run',
    );
    const { runs } = await stack.ok('GET', '/runs?memberId=o1');
    expect(runs).toHaveLength(1);
    expect((await stack.ok('GET', '/messages?memberId=o1')).messages).toHaveLength(1);
    const processed = await stack.db
      .selectFrom('events')
      .select('processed_at')
      .where('client_id', '=', 'outage-1')
      .executeTakeFirstOrThrow();
    expect(processed.processed_at).not.toBeNull();
  });

  it('finishes a kept event on its own (the sweeper), without anyone resending it', async () => {
    const res = await postWhileTemporalIsDown({ memberId: 'o2', name: 'outage_evt', id: 'outage-2' });
    expect(res.status).toBe(503);
    const stop = startEventSweeper(
      stack.db,
      { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null },
      { intervalMs: 200, log: () => {} },
    );
    try {
      await eventually(
        async () => (await stack.ok('GET', '/runs?memberId=o2')).runs[0]?.status === 'completed',
        30_000,
        'the swept run',
      );
    } finally {
      stop();
    }
    expect((await stack.ok('GET', '/messages?memberId=o2')).messages).toHaveLength(1);
  });
});
