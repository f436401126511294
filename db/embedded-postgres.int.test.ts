import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../engine/infra/free-port.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

// The database `npm start` uses when nothing is configured: initialised on first start, kept across
// restarts, and working when we are root (as in CI and containers).

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-pg-test-'));
await fs.chmod(dataDir, 0o755);
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

it('creates the yutang database on first start and keeps data across restarts', async () => {
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port, log: () => {} });
  stops.push(first.stop);
  expect(new URL(first.url).pathname).toBe('/yutang');
  expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  await query(first.url, "create table fish (name text); insert into fish values ('鱼')");
  await first.stop();

  const second = await startEmbeddedPostgres({ dataDir, port, log: () => {} });
  stops.push(second.stop);
  expect(await query(second.url, 'select name from fish')).toEqual([{ name: '鱼' }]);
  expect(
    await query(
      second.url,
      "select pg_encoding_to_char(encoding) as enc from pg_database where datname = 'yutang'",
    ),
  ).toEqual([{ enc: 'UTF8' }]);
});

it('uses DATABASE_URL when set and starts nothing', async () => {
  const handle = await ensureDatabase({
    dataDir: '/nonexistent',
    env: { DATABASE_URL: 'postgres://x@h/db' },
  });
  expect(handle).toMatchObject({ url: 'postgres://x@h/db', source: 'DATABASE_URL' });
});
