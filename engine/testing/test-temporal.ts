import { startRealTemporalServer } from '../infra/temporal-real-server.js';
import {
  ensureTemporal,
  startTemporalDevServer,
  type TemporalDevServerOptions,
  type TemporalServer,
} from '../infra/temporal-server.js';

// Which Temporal the tests (and the bench) run on. The dev server is the default and what CI runs; the real
// server (engine/infra/temporal-real-server.ts) is the opt-in production shape: several history shards,
// matching and history as separate services, persistence and visibility in Postgres.

export type TemporalKind = 'dev' | 'server';

/** Reads a kind from `variable` (unset or empty: `dev`); any other value is a mistake worth stopping for. */
export function temporalKind(variable: string, env: NodeJS.ProcessEnv = process.env): TemporalKind {
  const value = env[variable]?.trim() ?? '';
  if (value === '' || value === 'dev') return 'dev';
  if (value === 'server') return 'server';
  throw new Error(`${variable} must be "dev" (the default) or "server", got ${JSON.stringify(value)}`);
}

/** History shards of the real server: `YUTANG_TEMPORAL_SHARDS`, default 4. */
export function historyShards(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.YUTANG_TEMPORAL_SHARDS?.trim();
  if (!raw) return 4;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16_384)
    throw new Error(
      `YUTANG_TEMPORAL_SHARDS must be a whole number from 1 to 16384, got ${JSON.stringify(raw)}`,
    );
  return n;
}

export interface StartTemporalOptions {
  kind: TemporalKind;
  /** Where a real server keeps its two databases (created and dropped by it). */
  postgresUrl: string;
  /** `yutang_test_temporal`, `yutang_bench_temporal`…: tells a leftover database's origin. */
  databasePrefix: string;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * The dev server for this kind: `shared` honours TEMPORAL_ADDRESS (test runs, bench), `own` always starts
   * one (the chaos project, which must never touch a server someone else uses). Options go through.
   */
  dev?: { mode: 'shared' | 'own'; options?: TemporalDevServerOptions };
}

/** Starts the Temporal of `kind`, with a `source` that says which it is (printed by the callers). */
export async function startTemporal(opts: StartTemporalOptions): Promise<TemporalServer> {
  const env = opts.env ?? process.env;
  if (opts.kind === 'server') {
    if (env.TEMPORAL_ADDRESS)
      throw new Error(
        'TEMPORAL_ADDRESS is set and the real Temporal server was asked for: unset one of them ' +
          '(with TEMPORAL_ADDRESS nothing is started, so there is no server of ours to choose).',
      );
    const server = await startRealTemporalServer({
      postgresUrl: opts.postgresUrl,
      databasePrefix: opts.databasePrefix,
      historyShards: historyShards(env),
      log: opts.log,
    });
    return { ...server, source: `real server ${server.source}` };
  }
  const options = { ui: false, log: opts.log, ...opts.dev?.options };
  const server =
    opts.dev?.mode === 'own'
      ? await startTemporalDevServer(options)
      : await ensureTemporal({ ...options, env });
  if (server.source === 'TEMPORAL_ADDRESS') return server;
  return { ...server, source: `dev server (${server.source})` };
}
