import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { freePort, freePortInRange } from './free-port.js';
import { run } from './go-install.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from './owned-process.js';
import {
  type PostgresTarget,
  type RealServerPorts,
  realServerConfig,
  realServerDynamicConfig,
} from './temporal-real-server-config.js';
import type { TemporalServer } from './temporal-server.js';
import {
  type ResolveTemporalServerBinariesOptions,
  resolveTemporalServerBinaries,
  TEMPORAL_SERVER_VERSION,
} from './temporal-server-binaries.js';

export interface RealTemporalServerOptions {
  /**
   * A Postgres server whose user may create databases (`postgres://user:pass@host:port/db`). Two fresh
   * databases are made on it and dropped by `stop()`; the URL's own database is only where we connect to do so.
   */
  postgresUrl: string;
  /** Names the two databases: `<prefix>_<random>` and `<prefix>_<random>_visibility`. Defaults to `yutang_temporal`. */
  databasePrefix?: string;
  /** History shards, fixed for the life of the databases. Defaults to 4 (the dev server has 1). */
  historyShards?: number;
  /** Frontend gRPC port; a free one when absent. */
  port?: number;
  /** Namespace to register. Defaults to `default`. */
  namespace?: string;
  /** Receives the server's own output (prefixed `[temporal] `) and our progress lines. */
  log?: (line: string) => void;
  /** How long to wait for the frontend to serve the namespace. Defaults to 90 s. */
  startTimeoutMs?: number;
  /** Passed to {@link resolveTemporalServerBinaries}. */
  binaries?: ResolveTemporalServerBinariesOptions;
}

export interface RealTemporalServer extends TemporalServer {
  databases: { temporal: string; visibility: string };
  historyShards: number;
}

const IP = '127.0.0.1';
const ENVIRONMENT = 'yutang';

/**
 * Starts a real Temporal server — the production binary with frontend, history, matching and worker
 * services, persisted in Postgres — for tests and the bench. It makes two fresh databases, sets up their
 * schema with the pinned sql tool, registers the namespace (retention 1 day) and returns once the namespace
 * serves. `stop()` ends the server and drops both databases. Not supervised: it lives as long as a test run.
 *
 * @example
 * const temporal = await startRealTemporalServer({ postgresUrl: process.env.DATABASE_URL! });
 * const connection = await Connection.connect({ address: temporal.address });
 */
export async function startRealTemporalServer(opts: RealTemporalServerOptions): Promise<RealTemporalServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const namespace = opts.namespace ?? 'default';
  const historyShards = opts.historyShards ?? 4;
  if (!Number.isInteger(historyShards) || historyShards < 1 || historyShards > 16_384)
    throw new Error(`historyShards must be a whole number from 1 to 16384, got ${historyShards}`);
  const prefix = opts.databasePrefix ?? 'yutang_temporal';
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(prefix))
    throw new Error(
      `databasePrefix must be lower-case letters, digits and _ (at most 40), got ${JSON.stringify(prefix)}`,
    );
  const postgres = postgresTarget(opts.postgresUrl);
  const binaries = await resolveTemporalServerBinaries({ log, ...opts.binaries });
  // Binaries from a variable or PATH may be another version than the one we pin: say which ran.
  const version =
    binaries.server.source === 'go-install'
      ? TEMPORAL_SERVER_VERSION
      : `v${(await run(binaries.server.path, ['--version'], process.env).catch(() => '?')).trim().split(/\s+/).at(-1)}`;

  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const databases = { temporal: name, visibility: `${name}_visibility` };
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((err) => log(String(err)));
  };

  try {
    const started = Date.now();
    await withClient(opts.postgresUrl, async (client) => {
      cleanups.push(() =>
        Promise.all(
          Object.values(databases).map((db) =>
            withClient(opts.postgresUrl, (c) =>
              // FORCE: the server's pool may still be closing when we drop.
              c.query(`drop database if exists ${c.escapeIdentifier(db)} with (force)`),
            ),
          ),
        ),
      );
      for (const db of Object.values(databases))
        await client.query(`create database ${client.escapeIdentifier(db)}`);
    });
    await Promise.all([
      setUpSchema(binaries.sqlTool.path, postgres, databases.temporal, 'postgresql/v12/temporal'),
      setUpSchema(binaries.sqlTool.path, postgres, databases.visibility, 'postgresql/v12/visibility'),
    ]);
    const schemaMs = Date.now() - started;

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-temporal-server-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const ports = await freePorts(opts.port);
    const dynamicConfigFile = path.join(dir, 'config', 'dynamicconfig.yaml');
    await fs.mkdir(path.dirname(dynamicConfigFile), { recursive: true });
    await fs.writeFile(dynamicConfigFile, JSON.stringify(realServerDynamicConfig(), null, 2));
    const config = realServerConfig({ ip: IP, ports, postgres, databases, historyShards, dynamicConfigFile });
    // `--env yutang` reads config/yutang.yaml under --root (v1.29 has no flag for a config file's path).
    await fs.writeFile(path.join(dir, 'config', `${ENVIRONMENT}.yaml`), JSON.stringify(config, null, 2));

    let stopping = false;
    const child = await spawnOwned(
      binaries.server.path,
      ['--root', dir, '--config', 'config', '--env', ENVIRONMENT, '--allow-no-auth', 'start'],
      { cwd: dir },
    );
    cleanups.push(() => stopOwned(child));
    // Once we stop it, its complaints about closed connections are noise.
    const output = collectOutput(child, (line) => stopping || log(`[temporal] ${line}`));
    const address = `${IP}:${ports.frontend}`;
    await waitUntilServing(address, namespace, opts.startTimeoutMs ?? 90_000, child, output);
    log(
      `real Temporal server ${version} serving ${namespace} on ${address} ` +
        `(${historyShards} history shards; schema ${schemaMs} ms, serving after ${Date.now() - started} ms)`,
    );

    return {
      address,
      namespace,
      uiUrl: null,
      source: `temporal-server ${version} (${binaries.server.source}), ${historyShards} history shards, Postgres ${databases.temporal}`,
      databases,
      historyShards,
      pid: () => (hasExited(child) ? undefined : child.pid),
      stop: async () => {
        stopping = true;
        await cleanUp();
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

/** Host, port and credentials for the server's config and the sql tool, read from a libpq-style URL. */
export function postgresTarget(postgresUrl: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(postgresUrl);
  } catch {
    throw new Error('postgresUrl is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`postgresUrl must start with postgres://, got ${url.protocol}//`);
  const sslmode = url.searchParams.get('sslmode');
  // The server and the sql tool take TLS settings of their own; nothing here needs them yet.
  if (sslmode && !['disable', 'allow', 'prefer'].includes(sslmode))
    throw new Error(`postgresUrl asks for sslmode=${sslmode}; the real-server mode connects without TLS`);
  return {
    connectAddr: `${url.hostname || '127.0.0.1'}:${url.port || '5432'}`,
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
  };
}

/**
 * `setup-schema -v 0.0` makes the version table; `update-schema` then applies every versioned step of the
 * schema embedded in the sql tool — the tool's own version, so no module source is needed at run time.
 */
async function setUpSchema(sqlTool: string, postgres: PostgresTarget, database: string, schema: string) {
  const [host, port] = splitHostPort(postgres.connectAddr);
  // Credentials by environment, not argv: argv is visible to every user in `ps`.
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: host,
    SQL_PORT: port,
    SQL_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
    SQL_DATABASE: database,
  };
  try {
    await run(sqlTool, ['setup-schema', '-v', '0.0'], env);
    await run(sqlTool, ['update-schema', '--schema-name', schema], env);
  } catch (err) {
    throw new Error(`setting up the Temporal schema in ${database} failed: ${(err as Error).message}`);
  }
}

function splitHostPort(addr: string): [string, string] {
  const at = addr.lastIndexOf(':');
  return [addr.slice(0, at).replace(/^\[(.*)\]$/, '$1'), addr.slice(at + 1)];
}

async function freePorts(frontend?: number): Promise<RealServerPorts> {
  const next = () => freePort(IP);
  // The server records its members' ports in a smallint column: above 32767 it dies at start-up.
  const membership = () => freePortInRange(20_000, 32_767, IP);
  return {
    frontend: frontend ?? (await next()),
    frontendHttp: await next(),
    history: await next(),
    matching: await next(),
    worker: await next(),
    frontendMembership: await membership(),
    historyMembership: await membership(),
    matchingMembership: await membership(),
    workerMembership: await membership(),
  };
}

/**
 * The frontend refuses requests until the other services joined the ring; then the namespace is
 * registered (idempotent: ALREADY_EXISTS is fine) and read back, as workers need it.
 */
async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(
        `the Temporal server exited (${child.exitCode ?? child.signalCode}) before serving. Its output:\n${output() || '(none)'}`,
      );
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') })
        .catch((err: { code?: number }) => {
          if (err.code !== 6) throw err; // 6 = ALREADY_EXISTS
        });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the Temporal server did not serve namespace "${namespace}" on ${address} within ${timeoutMs / 1000}s ` +
      `(last error: ${(lastError as Error)?.message?.split('\n')[0]}). Its output:\n${output() || '(none)'}`,
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
