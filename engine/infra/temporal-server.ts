import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from './free-port.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from './owned-process.js';
import { DEFAULT_TOOLS_BIN_DIR, type ResolveTemporalCliOptions, resolveTemporalCli } from './temporal-cli.js';

export interface TemporalDevServerOptions {
  /** SQLite file for the server's state; null or absent keeps it in memory (lost on stop). */
  dbFile?: string | null;
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; a free one when absent. Ignored when `ui` is false. */
  uiPort?: number;
  /** Serve the Temporal Web UI. Defaults to true; test runs turn it off. */
  ui?: boolean;
  /** Namespace to create at launch. Defaults to `default`. */
  namespace?: string;
  /** Receives the server's own output and our progress lines. */
  log?: (line: string) => void;
  /** How long to wait for the server to accept requests. Defaults to 60 s. */
  startTimeoutMs?: number;
  /** Passed to {@link resolveTemporalCli} (e.g. a different env in tests). */
  cli?: ResolveTemporalCliOptions;
  /** Called with the new pid each time supervision started the server again after it died. */
  onRestart?: (pid: number | undefined) => void;
}

export interface TemporalServer {
  /** `host:port` for `Connection.connect` / `NativeConnection.connect`. */
  address: string;
  namespace: string;
  uiUrl: string | null;
  /** Where the server came from: a CLI source, `sdk-download`, or `TEMPORAL_ADDRESS`. */
  source: string;
  /** The pid of the server process we run, while it runs (undefined for servers we do not own). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

const IP = '127.0.0.1';

/**
 * Starts a local Temporal dev server: the Temporal CLI when one can be found or built
 * (see {@link resolveTemporalCli}), else the server the Temporal SDK downloads itself.
 * The server dies with this process. A CLI server that dies on its own is started again on the same
 * port and SQLite file (supervised, with back-off).
 *
 * @example
 * const temporal = await startTemporalDevServer({ dbFile: 'data/temporal.db' });
 * const connection = await Connection.connect({ address: temporal.address });
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const tried: string[] = [];

  // A bad TEMPORAL_CLI_PATH throws here on purpose: the user asked for that binary.
  const cli = await resolveTemporalCli({ log, ...opts.cli });
  if (cli) {
    try {
      return await startWithCli(cli.path, cli.source, opts, log);
    } catch (err) {
      tried.push(
        `the Temporal CLI at ${cli.path} (found via ${cli.source}) failed to start: ${oneLine(err)}`,
      );
      log(`Temporal CLI failed to start, trying the Temporal SDK's own download. ${(err as Error).message}`);
    }
  } else {
    tried.push(
      'no Temporal CLI was found (TEMPORAL_CLI_PATH unset, no `temporal` on PATH, and no `go` on PATH to build one)',
    );
  }

  try {
    return await startWithSdkDownload(opts);
  } catch (err) {
    tried.push(`the Temporal SDK's download of the dev server failed: ${oneLine(err)}`);
  }

  throw new Error(
    `Could not start a local Temporal server. Tried: ${tried.join('; then ')}. ` +
      'To fix, do one of: set TEMPORAL_ADDRESS to a running Temporal server (e.g. 127.0.0.1:7233); ' +
      'set TEMPORAL_CLI_PATH to a Temporal CLI binary; put the Temporal CLI on PATH ' +
      '(https://docs.temporal.io/cli); or install Go so the project can build the CLI itself into .tools/bin.',
  );
}

/** Uses the server at `TEMPORAL_ADDRESS` when set (starting nothing), else starts a dev server. */
export async function ensureTemporal(
  opts: TemporalDevServerOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<TemporalServer> {
  const env = opts.env ?? process.env;
  if (env.TEMPORAL_ADDRESS) {
    return {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE || opts.namespace || 'default',
      uiUrl: env.TEMPORAL_UI_URL || null,
      source: 'TEMPORAL_ADDRESS',
      pid: () => undefined,
      stop: async () => {},
    };
  }
  return startTemporalDevServer({ ...opts, cli: { env, ...opts.cli } });
}

async function startWithCli(
  cliPath: string,
  source: string,
  opts: TemporalDevServerOptions,
  log: (line: string) => void,
): Promise<TemporalServer> {
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await freePort(IP));
  const ui = opts.ui ?? true;
  const uiPort = ui ? (opts.uiPort ?? (await freePort(IP))) : null;

  const args = ['server', 'start-dev', '--ip', IP, '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn');
  // Hand an activity to the worker in the reply to the workflow task that scheduled it (no extra poll).
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    await fs.mkdir(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
    // Without WAL and relaxed syncs the dev server on a SQLite file is too slow to use.
    args.push('--db-filename', path.resolve(opts.dbFile));
    args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }

  const address = `${IP}:${port}`;
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  let stopping = false;
  // Once we stop it, the server's complaints about closed connections are noise.
  const launch = async () => {
    const child = await spawnOwned(cliPath, args);
    const output = collectOutput(child, (line) => stopping || log(`[temporal] ${line}`), 10_000);
    try {
      await waitUntilServing(address, namespace, timeoutMs, child, output);
    } catch (err) {
      await stopOwned(child);
      throw err;
    }
    return child;
  };

  let child = await launch();
  let upSince = Date.now();
  let restarting: Promise<void> | null = null;
  const onRestart = opts.onRestart;

  /**
   * Supervision: the server died without being asked to (a crash, an OOM kill, someone's kill -9).
   * Start it again on the same port and the same SQLite file, with back-off while it keeps failing;
   * clients and workers reconnect to the same address, and runs carry on from their histories.
   */
  const superviseChild = (current: ChildProcess) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (stopping || current !== child) return;
      restarting = (async () => {
        let delay = Date.now() - upSince > 60_000 ? 500 : 2000;
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        for (let attempt = 1; !stopping; attempt++) {
          log(
            `[temporal] the local Temporal server (pid ${current.pid}) stopped (${why}); ` +
              `starting it again on ${address}${opts.dbFile ? ` with ${path.resolve(opts.dbFile)}` : ' (in memory: its state is lost)'} in ${delay / 1000}s`,
          );
          await new Promise((r) => setTimeout(r, delay));
          if (stopping) return;
          try {
            const next = await launch();
            if (stopping) {
              await stopOwned(next);
              return;
            }
            child = next;
            upSince = Date.now();
            onRestart?.(next.pid);
            log(
              `[temporal] the local Temporal server is serving again (pid ${next.pid}, attempt ${attempt})`,
            );
            superviseChild(next);
            return;
          } catch (err) {
            log(`[temporal] starting the local Temporal server again failed: ${oneLine(err)}`);
            delay = Math.min(delay * 2, 30_000);
          }
        }
      })().finally(() => {
        restarting = null;
      });
    };
    if (hasExited(current)) onExit(current.exitCode, current.signalCode);
    else current.once('exit', onExit);
  };
  superviseChild(child);

  return {
    address,
    namespace,
    uiUrl: uiPort ? `http://${IP}:${uiPort}` : null,
    source,
    pid: () => (hasExited(child) ? undefined : child.pid),
    stop: async () => {
      stopping = true;
      await restarting;
      return stopOwned(child);
    },
  };
}

async function startWithSdkDownload(opts: TemporalDevServerOptions): Promise<TemporalServer> {
  // Imported lazily: it loads the native core bridge, which the CLI path does not need.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const namespace = opts.namespace ?? 'default';
  const ui = opts.ui ?? true;
  const uiPort = ui ? (opts.uiPort ?? (await freePort(IP))) : undefined;
  if (opts.dbFile) await fs.mkdir(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: {
        type: 'cached-download',
        downloadDir: path.join(DEFAULT_TOOLS_BIN_DIR, '..', 'temporal-download'),
      },
      dbFilename: opts.dbFile ? path.resolve(opts.dbFile) : undefined,
      ip: IP,
      port: opts.port,
      namespace,
      ui,
      uiPort,
      extraArgs: opts.dbFile
        ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL']
        : [],
    },
  });
  return {
    address: env.address,
    namespace,
    uiUrl: uiPort ? `http://${IP}:${uiPort}` : null,
    source: 'sdk-download',
    // The SDK runs this server itself: not supervised here.
    pid: () => undefined,
    stop: () => env.teardown(),
  };
}

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
        `the server exited (${child.exitCode ?? child.signalCode}) before serving. Its output:\n${output() || '(none)'}`,
      );
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      // The namespace is registered a moment after the port opens; workers need it, so wait for it too.
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
    `the server did not serve namespace "${namespace}" on ${address} within ${timeoutMs / 1000}s ` +
      `(last error: ${oneLine(lastError)}). Its output:\n${output() || '(none)'}`,
  );
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
