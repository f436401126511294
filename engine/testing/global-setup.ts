import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/connection.js';
import { type DatabaseHandle, startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import { migrateToLatest } from '../../db/migrate.js';
import { buildWorkflowBundle } from '../../workflows/build-bundle.js';
import { freePort } from '../infra/free-port.js';
import type { TemporalServer } from '../infra/temporal-server.js';
import { builds, projectRoot, staleness } from '../scripts/freshness.mjs';
import { startTemporal, temporalKind } from './test-temporal.js';

// Global set-up of the `integration` and `e2e` projects (see vitest.config.ts and ./provided.d.ts).
//
// The heavy things — one Postgres server, one Temporal server, the workflow bundle — are made
// once per `vitest` run, whichever of the two projects runs, and shared: Vitest loads this file
// separately for each project, so the shared state lives on globalThis. Each project then gets its
// own fresh, migrated database, because the two projects run at the same time.
//
// Temporal is the dev server unless YUTANG_TEST_TEMPORAL=server asks for the real one (see ./test-temporal.ts),
// which keeps its databases on the same Postgres server as the tests'.

interface Shared {
  users: number;
  postgres: { adminUrl: string; source: string; stop(): Promise<void> };
  temporal: TemporalServer;
  workflowBundlePath: string;
  webBuilt: boolean;
}

const KEY = Symbol.for('yutang.test.shared-resources');
const state = globalThis as unknown as { [KEY]?: Shared };
const log = (line: string) => console.log(`[test set-up] ${line}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  state[KEY] ??= await startShared();
  const shared = state[KEY];
  shared.users++;

  let database: string | undefined;
  try {
    if (project.name === 'e2e') ensureWebBuilt(shared);
    database = `yutang_test_${randomBytes(4).toString('hex')}_${project.name.replace(/\W/g, '_')}`;
    const databaseUrl = await createMigratedDatabase(shared.postgres.adminUrl, database);
    log(`${project.name}: database ${database}`);

    project.provide('databaseUrl', databaseUrl);
    project.provide('temporalAddress', shared.temporal.address);
    project.provide('temporalNamespace', shared.temporal.namespace);
    project.provide('workflowBundlePath', shared.workflowBundlePath);
  } catch (err) {
    await release(database);
    throw err;
  }
  return () => release(database);
}

async function release(database: string | undefined): Promise<void> {
  const shared = state[KEY];
  if (!shared) return;
  if (database) await dropDatabase(shared.postgres.adminUrl, database).catch((err) => log(String(err)));
  if (--shared.users > 0) return;
  state[KEY] = undefined;
  await shared.temporal.stop().catch((err) => log(`stopping Temporal: ${err}`));
  await shared.postgres.stop().catch((err) => log(`stopping Postgres: ${err}`));
}

async function startShared(): Promise<Shared> {
  const started: Array<() => Promise<void>> = [];
  try {
    // A bad YUTANG_TEST_TEMPORAL stops the run before anything is started.
    const kind = temporalKind('YUTANG_TEST_TEMPORAL');
    const postgres = await startPostgres();
    started.push(postgres.stop);
    // The server's own output is in the error if it fails to start; on success it is noise.
    const temporal = await startTemporal({
      kind,
      postgresUrl: postgres.adminUrl,
      databasePrefix: 'yutang_test_temporal',
      log: (line) => line.startsWith('[temporal]') || log(line),
    });
    started.push(temporal.stop);
    log(`Postgres: ${postgres.source}; Temporal: ${temporal.address} (${temporal.source})`);
    const workflowBundlePath = await ensureWorkflowBundle();
    return { users: 0, postgres, temporal, workflowBundlePath, webBuilt: false };
  } catch (err) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw err;
  }
}

/** DATABASE_URL's server when set (we only add and drop our own databases there), else an embedded one. */
async function startPostgres(): Promise<Shared['postgres']> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: process.env.DATABASE_URL, source: 'the DATABASE_URL server', stop: async () => {} };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-test-pg-'));
  // mkdtemp makes the folder 0700; as root, Postgres runs as the `postgres` user, which must enter it.
  await fs.chmod(dataDir, 0o755);
  let server: DatabaseHandle;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', log });
  } catch (err) {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl: server.url,
    source: `embedded in ${dataDir}`,
    stop: async () => {
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function createMigratedDatabase(adminUrl: string, database: string): Promise<string> {
  await withClient(adminUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(database)}`).catch((err) => {
      throw new Error(
        `Could not create test database ${database} on ${redact(adminUrl)}: ${err.message}. ` +
          'The DATABASE_URL user needs the CREATEDB privilege (tests make and drop their own databases).',
      );
    });
  });
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const db = createDb(url.toString());
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url.toString();
}

async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    // FORCE: a test that forgot to close its pool must not leave the database behind.
    client.query(`drop database if exists ${client.escapeIdentifier(database)} with (force)`),
  );
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function ensureWorkflowBundle(): Promise<string> {
  const output = path.join(projectRoot, builds.workflows.output);
  const why = staleness(builds.workflows);
  if (why) {
    log(`building the workflow bundle (${why})…`);
    await buildWorkflowBundle(output);
  }
  return output;
}

/** The e2e tests run the real app, which serves the built UI from dist/web. */
function ensureWebBuilt(shared: Shared): void {
  if (shared.webBuilt) return;
  const why = staleness(builds.web);
  if (why) {
    log(`building the web UI (${why})…`);
    const [cmd, ...args] = builds.web.command;
    const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', cmd), args, {
      cwd: projectRoot,
      encoding: 'utf8',
      // the build users get: under vitest NODE_ENV is `test`, and Vite would bundle React's development build
      // (jsx-dev-runtime, half a megabyte more) — the e2e tests would measure and run something nobody ships
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (result.status !== 0) {
      throw new Error(
        `vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
      );
    }
  }
  shared.webBuilt = true;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
