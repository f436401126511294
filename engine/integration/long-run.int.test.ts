import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyRunInput } from '../../workflows/journey.workflow.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/**
 * A member who stays in a journey for months and sends many events: the run continues as new with its
 * state, so its history stays small, and nothing is lost or repeated across the hand-over.
 */
describe('a long-lived run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('continues as new and keeps counting, with one message per pass', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'ping loop',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'loop_start' }),
          node('w', 'wait.event', { event: 'ping', timeout: { amount: 1, unit: 'hours' } }),
          node('m', 'message', { channel: 'push', body: 'pong' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'w'), edge('w', 'm', 'matched'), edge('w', 'x', 'timeout'), edge('m', 'w')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    const { plan } = await stack.ok('GET', `/journeys/${journey.id}/versions/1`);
    const { runId, memberId, workflowId } = await stack.insertRunRow(journey.id, 'long1');
    const run = { id: runId };
    // Started directly, with a low threshold so the hand-over happens several times in a short test.
    const input: JourneyRunInput = {
      runId: run.id,
      workspaceId: stack.workspaceId,
      journeyId: journey.id,
      version: 1,
      memberId,
      plan,
      continueAsNewAfter: 40,
    };
    const handle = await stack.client.workflow.start('journeyRun', {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [input],
    });
    const firstRunId = handle.firstExecutionRunId;

    const pings = 20;
    for (let i = 0; i < pings; i++) {
      await stack.ok('POST', '/events', { memberId: 'long1', name: 'ping', id: `ping-${i}` });
      // one at a time, as a member would: each ping lands while the run waits
      await eventually(
        async () => {
          const row = await stack.db
            .selectFrom('messages')
            .select(sql<number>`count(*)`.as('n'))
            .where('run_id', '=', run.id)
            .executeTakeFirstOrThrow();
          return row.n === i + 1;
        },
        30_000,
        `message ${i + 1}`,
      );
    }

    const description = await stack.client.workflow.getHandle(workflowId).describe();
    expect(description.runId).not.toBe(firstRunId);
    expect(description.status.name).toBe('RUNNING');
    expect(description.historyLength).toBeLessThan(60);

    const steps = await stack.db
      .selectFrom('run_steps')
      .select(['seq', 'node_id', 'output'])
      .where('run_id', '=', run.id)
      .orderBy('seq')
      .execute();
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i));
    expect(steps.filter((s) => s.node_id === 'm')).toHaveLength(pings);
    const messages = await stack.db
      .selectFrom('messages')
      .select('idempotency_key')
      .where('run_id', '=', run.id)
      .execute();
    expect(new Set(messages.map((m) => m.idempotency_key)).size).toBe(pings);

    await stack.ok('POST', `/runs/${run.id}/cancel`);
    await eventually(
      async () => (await stack.ok('GET', `/runs/${run.id}`)).run.status === 'cancelled',
      30_000,
      'cancel',
    );
  });
});
