import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from './connection.js';
import { isDatabaseUnavailable } from './errors.js';

/** Connections that die under the pool — idle or inside a transaction — are reported, not fatal. */
describe('a pool whose connections are killed by the server', () => {
  const url = inject('databaseUrl');
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
  });
  const terminate = (pid: number) => admin.query('select pg_terminate_backend($1)', [pid]);

  it('survives a connection killed inside a transaction, and the next query works', async () => {
    const errors: Error[] = [];
    const db = createDb(url, { name: 't', max: 2, onError: (err) => errors.push(err) });
    try {
      const failure = await db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await terminate(rows[0]!.pid);
          // Give the client the moment it needs to notice its socket closed while nobody queries.
          await new Promise((r) => setTimeout(r, 200));
          await sql`select 1`.execute(trx);
        })
        .catch((err: unknown) => err);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      expect(errors.length).toBeGreaterThan(0);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows[0]!.one).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('survives an idle connection killed in the pool', async () => {
    const errors: Error[] = [];
    const db = createDb(url, { name: 't', max: 1, onError: (err) => errors.push(err) });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      await terminate(rows[0]!.pid);
      await new Promise((r) => setTimeout(r, 200));
      expect(errors.length).toBe(1);
      expect(isDatabaseUnavailable(errors[0])).toBe(true);
      const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      expect(again.rows[0]!.pid).not.toBe(rows[0]!.pid);
    } finally {
      await db.destroy();
    }
  });

  it('classifies a refused connection and a full pool as unavailable, a bad query as not', async () => {
    const closed = new URL(url);
    closed.port = '1';
    const nowhere = createDb(closed.toString(), { name: 't', connectTimeoutMs: 1000, onError: () => {} });
    const refused = await sql`select 1`.execute(nowhere).catch((err: unknown) => err);
    await nowhere.destroy();
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const db = createDb(url, { name: 't', max: 1, connectTimeoutMs: 300 });
    try {
      const full = await db
        .connection()
        .execute(() => sql`select 1`.execute(db))
        .catch((err: unknown) => err);
      expect(isDatabaseUnavailable(full)).toBe(true);
      const bad = await sql`select * from no_such_table`.execute(db).catch((err: unknown) => err);
      expect(isDatabaseUnavailable(bad)).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it('stops a statement that runs longer than the statement timeout', async () => {
    const db = createDb(url, { name: 't', statementTimeoutMs: 200 });
    try {
      const slow = await sql`select pg_sleep(2)`.execute(db).catch((err: unknown) => err);
      expect((slow as { code?: string }).code).toBe('57014');
    } finally {
      await db.destroy();
    }
  });
});
