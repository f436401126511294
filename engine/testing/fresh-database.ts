import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';

/**
 * A migrated database of its own on the server of `url` (e.g. a first start with no accounts), dropped
 * by `drop()`. The server's user needs CREATEDB, as for the test set-up.
 */
export async function freshDatabase(url: string, opts: { migrate?: boolean } = {}) {
  const name = `yutang_fresh_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  if (opts.migrate !== false) {
    const db = createDb(fresh.toString(), { max: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
  }
  return {
    url: fresh.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
