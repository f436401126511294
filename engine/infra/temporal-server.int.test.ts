import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalServer } from './temporal-server.js';

// A real dev server through our own start-up code: it serves, its state file survives a restart,
// and stop() really ends it.

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-temporal-test-'));
const servers: TemporalServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

function acceptsConnections(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

it('keeps workflows in its SQLite file across a restart', async () => {
  const dbFile = path.join(dir, 'nested', 'temporal.db');
  const first = await startTemporalDevServer({ dbFile, ui: false, log: () => {} });
  servers.push(first);
  // No worker: the workflow just waits in its task queue, which is all we need to see it persist.
  await withClient(first.address, (client) =>
    client.workflow.start('neverRuns', { taskQueue: 'persistence-test', workflowId: 'persisted-1' }),
  );
  await first.stop();
  expect(await acceptsConnections(first.address)).toBe(false);

  const second = await startTemporalDevServer({ dbFile, ui: false, log: () => {} });
  servers.push(second);
  const description = await withClient(second.address, (client) =>
    client.workflow.getHandle('persisted-1').describe(),
  );
  expect(description.status.name).toBe('RUNNING');
});

it('serves the Web UI when asked', async () => {
  const server = await startTemporalDevServer({ ui: true, log: () => {} });
  servers.push(server);
  expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const response = await fetch(server.uiUrl!);
  expect(response.status).toBe(200);
});

it('is started again on the same port and SQLite file when it dies (supervised)', async () => {
  const dbFile = path.join(dir, 'supervised', 'temporal.db');
  const lines: string[] = [];
  let restartedAs: number | undefined;
  const server = await startTemporalDevServer({
    dbFile,
    ui: false,
    log: (line) => lines.push(line),
    onRestart: (pid) => {
      restartedAs = pid;
    },
  });
  servers.push(server);
  await withClient(server.address, (client) =>
    client.workflow.start('neverRuns', { taskQueue: 'supervision-test', workflowId: 'survivor-1' }),
  );
  const firstPid = server.pid()!;
  process.kill(firstPid, 'SIGKILL');

  const deadline = Date.now() + 60_000;
  while (!restartedAs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(restartedAs, lines.join('\n')).toBeTruthy();
  expect(restartedAs).not.toBe(firstPid);
  expect(server.pid()).toBe(restartedAs);
  const description = await withClient(server.address, (client) =>
    client.workflow.getHandle('survivor-1').describe(),
  );
  expect(description.status.name).toBe('RUNNING');
  expect(lines.some((l) => l.includes('killed by SIGKILL'))).toBe(true);

  // A deliberate stop is not "died": it stays down.
  await server.stop();
  await new Promise((r) => setTimeout(r, 3000));
  expect(await acceptsConnections(server.address)).toBe(false);
});
