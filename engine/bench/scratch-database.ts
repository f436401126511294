import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';

/**
 * A fresh database for one bench (`yutang_bench_<kind>_…`) on DATABASE_URL's server, or on an embedded Postgres
 * without it; `stop` drops it (BENCH_KEEP=1 keeps it and prints its name, for a second pass on the same data).
 */
export async function scratchDatabase(kind: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const stops: (() => Promise<unknown>)[] = [];
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: mkdtempSync(join(tmpdir(), 'yutang-bench-')),
      log: () => {},
    });
    stops.push(embedded.stop);
    adminUrl = embedded.url;
  }
  const name = `yutang_bench_${kind}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  stops.unshift(async () => {
    if (process.env.BENCH_KEEP === '1') console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  console.log(`scratch database ${name}`);
  return {
    url: url.toString(),
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
