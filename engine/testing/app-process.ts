import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/free-port.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from '../infra/owned-process.js';
import { TEST_SECRET_KEY } from './credentials.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` of the API (modes all and api). */
  baseUrl: string;
  /** Where a `worker`-mode process serves /metrics. */
  metricsUrl: string;
  /** Its JSON log lines so far. */
  lines(): Array<Record<string, any>>;
  /** Everything it printed (the last 500 kB). */
  output(): string;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to its process group: no shutdown at all. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The real process entry (`engine/main.ts <mode>`) as a child in its own process group, with JSON logs
 * at `info`; resolves once it logged that it is ready (and, for the worker, that it polls).
 * Its environment is this one's plus `env`.
 */
export async function startAppProcess(opts: {
  mode: 'all' | 'api' | 'worker';
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<AppProcess> {
  const port = opts.env.PORT ?? String(await freePort());
  const metricsPort = opts.env.YUTANG_METRICS_PORT ?? String(await freePort());
  const child = await spawnOwned(process.execPath, ['--import', 'tsx', 'engine/main.ts', opts.mode], {
    cwd: projectRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      YUTANG_SECRET_KEY: process.env.YUTANG_SECRET_KEY || TEST_SECRET_KEY,
      PORT: port,
      YUTANG_METRICS_PORT: metricsPort,
      ...opts.env,
    },
  });
  const parsed: Array<Record<string, any>> = [];
  const output = collectOutput(
    child,
    (line) => {
      if (!line.startsWith('{')) return;
      try {
        parsed.push(JSON.parse(line));
      } catch {
        // a partial line: the tail is in output()
      }
    },
    500_000,
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (hasExited(child)) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const app: AppProcess = {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    lines: () => parsed,
    output,
    exited,
    kill: async () => {
      if (!hasExited(child) && child.pid) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
    stop: (graceMs = 15_000) => stopOwned(child, graceMs),
  };

  const ready = (l: Record<string, any>) =>
    opts.mode === 'worker'
      ? l.msg === 'worker polling'
      : String(l.msg).startsWith(`Yutang ${opts.mode} ready`);
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (!parsed.some(ready) || (opts.mode === 'all' && !parsed.some((l) => l.msg === 'worker polling'))) {
    if (hasExited(child) || Date.now() > deadline) {
      await app.stop(1000);
      throw new Error(
        `engine/main.ts ${opts.mode} ${hasExited(child) ? `exited (${child.exitCode ?? child.signalCode})` : 'was not ready in time'}. Its output:\n${output().slice(-8000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return app;
}
