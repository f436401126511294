import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { type AppProcess, startAppProcess } from '../testing/app-process.js';
import { fixtureKey, keyHeaders } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { eventually } from '../testing/stack.js';

/**
 * SIGTERM drains: the HTTP server stops taking requests, the activity in flight (a slow provider send)
 * finishes and is reported to Temporal, then the pools close and the process exits 0.
 */
describe('SIGTERM', () => {
  const db = createDb(inject('databaseUrl'));
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  let app: AppProcess | undefined;
  let connection: Connection;

  beforeAll(async () => {
    await db.insertInto('workspaces').values({ id: workspaceId, name: workspaceId }).execute();
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await app?.stop(1000);
    await connection?.close();
    await db.destroy();
  });

  it('lets the activity in flight finish, stops taking requests and exits 0', async () => {
    app = await startAppProcess({
      mode: 'all',
      env: {
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `drain-${workspaceId}`,
        // The provider takes 3 s: the signal lands while the send is in flight.
        YUTANG_SANDBOX_SEND_DELAY_MS: '3000',
      },
    });
    const headers = keyHeaders(await fixtureKey(db, workspaceId));
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${app!.baseUrl}/api${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${path} → ${res.status} ${await res.text()}`);
      return res.json();
    };
    const { journey } = await post('/journeys', {
      name: 'drain',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'drain_evt' }),
          node('m', 'message', { channel: 'push', body: 'hi' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'm'), edge('m', 'x')],
      },
    }).then((r) => ({ journey: r }));
    await post(`/journeys/${journey.id}/publish`, {});
    await post('/events', { memberId: 'drain-1', name: 'drain_evt', id: 'drain-1' });

    // The message row turns `sending` just before the (slow) provider call: then the send is in flight.
    const inFlight = await eventually(
      () =>
        db
          .selectFrom('messages')
          .select(['id', 'run_id', 'status'])
          .where('workspace_id', '=', workspaceId)
          .where('status', '=', 'sending')
          .executeTakeFirst(),
      30_000,
      'the send to be in flight',
    );
    expect(inFlight.status).toBe('sending');
    process.kill(app.child.pid!, 'SIGTERM');

    // The HTTP server stops taking requests at once, while the worker still drains.
    await eventually(
      async () => {
        try {
          await fetch(`${app!.baseUrl}/api/health`, { signal: AbortSignal.timeout(500) });
          return false;
        } catch {
          return true;
        }
      },
      2_000,
      'the HTTP server to refuse connections',
    );
    const exit = await Promise.race([
      app.exited,
      new Promise((r) => setTimeout(r, 30_000, 'still running after 30 s')),
    ]);
    expect(exit, app.output().slice(-4000)).toEqual({ code: 0, signal: null });

    const sent = await db
      .selectFrom('messages')
      .select(['status', 'provider_message_id'])
      .where('id', '=', inFlight.id)
      .executeTakeFirstOrThrow();
    expect(sent.status).toBe('sent');
    // …and Temporal heard that it completed (the worker did not just drop it).
    const run = await db
      .selectFrom('runs')
      .select('workflow_id')
      .where('id', '=', inFlight.run_id)
      .executeTakeFirstOrThrow();
    const history = await new Client({ connection }).workflow.getHandle(run.workflow_id).fetchHistory();
    const completed = history.events?.filter((e) => e.activityTaskCompletedEventAttributes) ?? [];
    expect(completed.length).toBe(1);
    expect(app.lines().some((l) => l.msg === 'stopped' && l.failed === 0)).toBe(true);
  });
});
