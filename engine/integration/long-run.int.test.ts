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

  it('loses no signal at the hand-over: a burst of events crosses several continue-as-new, then a cancel', async () => {
    const waits = 6;
    const nodes = [node('t', 'trigger.event', { event: 'burst_start' })];
    const edges = [];
    for (let i = 0; i < waits; i++) {
      nodes.push(node(`w${i}`, 'wait.event', { event: `step_${i}`, timeout: { amount: 1, unit: 'days' } }));
      edges.push(edge(i === 0 ? 't' : `w${i - 1}`, `w${i}`, i === 0 ? 'next' : 'matched'));
      nodes.push(node(`late${i}`, 'exit'));
      edges.push(edge(`w${i}`, `late${i}`, 'timeout'));
    }
    nodes.push(
      node('done', 'wait.event', { event: 'never', timeout: { amount: 1, unit: 'days' } }),
      node('x', 'exit'),
    );
    edges.push(
      edge(`w${waits - 1}`, 'done', 'matched'),
      edge('done', 'x', 'matched'),
      edge('done', 'x', 'timeout'),
    );
    const journey = await stack.ok('POST', '/journeys', { name: 'burst', document: { nodes, edges } });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    const { plan } = await stack.ok('GET', `/journeys/${journey.id}/versions/1`);
    const { runId, memberId, workflowId } = await stack.insertRunRow(journey.id, 'burst1');
    const handle = await stack.client.workflow.start('journeyRun', {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [
        {
          runId,
          workspaceId: stack.workspaceId,
          journeyId: journey.id,
          version: 1,
          memberId,
          plan,
          continueAsNewAfter: 8,
        },
      ],
    });
    // Every event is needed to move on: one lost at a hand-over leaves the run stuck at its wait. To make
    // events arrive exactly during a hand-over, the test holds the run's row lock: the run, moving to its
    // next wait, blocks writing its progress; the following event arrives meanwhile, then the lock goes and
    // the run continues as new (its history is past the low threshold) with that event pending.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (let i = 0; i < waits; i += 2) {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const tx = stack.db.transaction().execute(async (trx) => {
        await trx.selectFrom('runs').select('id').where('id', '=', runId).forUpdate().execute();
        locked();
        await held;
      });
      await isLocked;
      await stack.ok('POST', '/events', { memberId: 'burst1', name: `step_${i}`, id: `burst-${i}` });
      await sleep(300);
      await stack.ok('POST', '/events', { memberId: 'burst1', name: `step_${i + 1}`, id: `burst-${i + 1}` });
      await sleep(100);
      release();
      await tx;
    }
    await eventually(
      async () => (await stack.ok('GET', `/runs/${runId}`)).run.currentNodeId === 'done',
      30_000,
      'the run to pass every wait',
    );
    const description = await stack.client.workflow.getHandle(workflowId).describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
    const { steps } = await stack.ok('GET', `/runs/${runId}`);
    expect(steps.filter((s: any) => s.output === 'matched').map((s: any) => s.nodeId)).toEqual(
      Array.from({ length: waits }, (_, i) => `w${i}`),
    );
    // A cancel sent along with more events, while hand-overs happen, ends the run.
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        stack.ok('POST', '/events', { memberId: 'burst1', name: 'noise', id: `noise-${i}` }),
      ),
      stack.ok('POST', `/runs/${runId}/cancel`),
    ]);
    await eventually(
      async () => (await stack.ok('GET', `/runs/${runId}`)).run.status === 'cancelled',
      30_000,
      'cancel',
    );
  });
});
