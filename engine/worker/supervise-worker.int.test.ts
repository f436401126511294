import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { freePort } from '../infra/free-port.js';
import { restarts } from '../infra/metrics.js';
import { startTemporalDevServer, type TemporalServer } from '../infra/temporal-server.js';
import { loadNodeRegistry } from '../nodes/registry.js';
import { eventually } from '../testing/stack.js';
import { type SupervisedWorker, superviseJourneyWorker } from './start-worker.js';

/**
 * A worker pointed at a Temporal address (as with TEMPORAL_ADDRESS) that is not there yet, then goes
 * away and comes back: the supervisor keeps making it again until it polls, and work gets done each time.
 */
describe('a supervised worker', () => {
  const db = createDb(inject('databaseUrl'));
  let server: TemporalServer | undefined;
  let worker: SupervisedWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await db.destroy();
  });

  async function baselineRunCompletes(address: string) {
    const connection = await Connection.connect({ address });
    try {
      await new Client({ connection }).workflow.execute('baselineRun', {
        taskQueue: 'supervised-worker-test',
        workflowId: `baseline-${Date.now()}`,
        workflowExecutionTimeout: '60 seconds',
      });
    } finally {
      await connection.close();
    }
  }

  it('waits for a Temporal server that is not up yet, and rides out its restart', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const restartsBefore = (await restarts.get()).values.find((v) => v.labels.what === 'worker')?.value ?? 0;
    worker = superviseJourneyWorker({
      db,
      registry: await loadNodeRegistry(),
      address,
      namespace: 'default',
      taskQueue: 'supervised-worker-test',
      bundlePath: inject('workflowBundlePath'),
    });
    await new Promise((r) => setTimeout(r, 2500));
    expect(worker.isRunning()).toBe(false);
    const restartsNow = (await restarts.get()).values.find((v) => v.labels.what === 'worker')?.value ?? 0;
    expect(restartsNow).toBeGreaterThan(restartsBefore);

    server = await startTemporalDevServer({ port, ui: false, log: () => {} });
    await eventually(async () => worker!.isRunning(), 60_000, 'the worker to poll');
    await baselineRunCompletes(address);

    // Temporal goes away and comes back on the same address.
    await server.stop();
    await new Promise((r) => setTimeout(r, 3000));
    server = await startTemporalDevServer({ port, ui: false, log: () => {} });
    await baselineRunCompletes(address);

    await worker.stop();
    expect(worker.isRunning()).toBe(false);
  });
});
