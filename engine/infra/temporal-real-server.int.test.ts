import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { startRealTemporalServer } from './temporal-real-server.js';

// The real Temporal server through our own start-up code: its databases, shards and namespace, and that
// stop() (or a failed start) leaves nothing behind. Opt-in like the mode itself (YUTANG_TEST_TEMPORAL=server):
// the first run builds the server with Go, which the default run and CI must not wait for.

const optedIn = process.env.YUTANG_TEST_TEMPORAL === 'server';

async function query<T = any>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

const databasesLike = async (prefix: string) =>
  (
    await query(inject('databaseUrl'), 'select datname from pg_database where datname like $1 order by 1', [
      `${prefix}%`,
    ])
  ).map((r) => r.datname as string);

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

describe.runIf(optedIn)('startRealTemporalServer', () => {
  it('serves the namespace from two fresh databases with the asked shards, and stop() removes them', async () => {
    const server = await startRealTemporalServer({
      postgresUrl: inject('databaseUrl'),
      databasePrefix: 'yutang_rt_test',
      historyShards: 3,
      namespace: 'real-server-test',
      log: () => {},
    });
    try {
      expect(await databasesLike(server.databases.temporal)).toEqual([
        server.databases.temporal,
        server.databases.visibility,
      ]);
      const connection = await Connection.connect({ address: server.address });
      try {
        const { config } = await connection.workflowService.describeNamespace({
          namespace: 'real-server-test',
        });
        expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(24 * 3600);
        // No worker: the workflow waits in its task queue, which shows the history service took it.
        const client = new Client({ connection, namespace: 'real-server-test' });
        await client.workflow.start('neverRuns', { taskQueue: 'real-server-test', workflowId: 'rt-1' });
        expect((await client.workflow.getHandle('rt-1').describe()).status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
      const shardDb = new URL(inject('databaseUrl'));
      shardDb.pathname = `/${server.databases.temporal}`;
      const [{ n }] = await query(shardDb.toString(), 'select count(*)::int as n from shards');
      expect(n).toBe(3);
    } finally {
      await server.stop();
    }
    expect(await acceptsConnections(server.address)).toBe(false);
    expect(server.pid()).toBeUndefined();
    expect(await databasesLike(server.databases.temporal)).toEqual([]);
  });

  it('drops its databases when the server cannot start, and says why', async () => {
    // Someone holds the frontend port: the server exits at start-up.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      await expect(
        startRealTemporalServer({
          postgresUrl: inject('databaseUrl'),
          databasePrefix: 'yutang_rt_fail',
          port,
          log: () => {},
        }),
      ).rejects.toThrow(/the Temporal server exited .* before serving/s);
    } finally {
      holder.close();
    }
    expect(await databasesLike('yutang_rt_fail')).toEqual([]);
  });
});
