import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// timestamptz → Date (default); bigint counts (count(*)) → number: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface DbOptions {
  /** Largest number of connections; see `YUTANG_PG_POOL_API` / `YUTANG_PG_POOL_WORKER`. Default 10. */
  max?: number;
  /** Name of the pool in logs and metrics (`api`, `worker`, …). */
  name?: string;
  /** How long to wait for a connection, new or from the pool. Default `YUTANG_PG_CONNECT_TIMEOUT_MS`, else 5 s. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement; 0 = none (migrations). Default `YUTANG_PG_STATEMENT_TIMEOUT_MS`, else 30 s. */
  statementTimeoutMs?: number;
  /** An idle connection is closed after this long. Default `YUTANG_PG_IDLE_TIMEOUT_MS`, else 30 s. */
  idleTimeoutMs?: number;
  /** Receives connection errors the pool survived (a restart, a fail-over). Default: stderr. */
  onError?: (err: Error, pool: string) => void;
}

const pools = new WeakMap<Kysely<any>, { name: string; pool: pg.Pool }>();

/**
 * A Kysely database on its own pg pool, made to survive its server: a connection that dies — idle in
 * the pool or checked out — is reported to `onError` and dropped instead of crashing the process
 * (node-postgres emits an `error` event nobody else listens to), and new connections are made on
 * demand once the server is back. Queries in flight fail with an error that
 * {@link import('./errors.js').isDatabaseUnavailable} recognises.
 */
export function createDb(url: string, opts: DbOptions = {}): Kysely<Database> {
  const name = opts.name ?? 'default';
  const onError =
    opts.onError ?? ((err: Error, pool: string) => console.error(`[postgres ${pool}] ${err.message}`));
  const statementTimeout = opts.statementTimeoutMs ?? envInt('YUTANG_PG_STATEMENT_TIMEOUT_MS', 30_000);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? envInt('YUTANG_PG_CONNECT_TIMEOUT_MS', 5_000),
    idleTimeoutMillis: opts.idleTimeoutMs ?? envInt('YUTANG_PG_IDLE_TIMEOUT_MS', 30_000),
    // A server that vanished without closing its sockets (a fail-over, a cut network) is noticed.
    keepAlive: true,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
  });
  // An idle client's error reaches both listeners below: report it once.
  const reported = new WeakSet<Error>();
  const report = (err: Error) => {
    if (reported.has(err)) return;
    reported.add(err);
    onError(err, name);
  };
  // Idle clients: the pool removes a broken one and emits this.
  pool.on('error', report);
  // Checked-out clients: the pool listens only while they are idle; a connection that dies while a
  // transaction holds it would otherwise be an unhandled `error` event. The query in flight fails by
  // itself, and the pool discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', report));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, { name, pool });
  return db;
}

/** The pool behind a database made by {@link createDb}, for metrics (sizes) and readiness. */
export function poolOf(db: Kysely<any>): { name: string; pool: pg.Pool } | undefined {
  return pools.get(db);
}

/** A whole number (ms, a count) from the environment, or the default. */
export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${raw} is not a whole number`);
  return value;
}
