import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';
import { freePort } from '../engine/infra/free-port.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from '../engine/infra/owned-process.js';
import { findOnPath } from '../engine/infra/temporal-cli.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StartAppOptions {
  databaseUrl: string;
  temporalAddress: string;
  /** Extra environment for the app; wins over everything else. */
  env?: Record<string, string>;
  /** How long to wait for GET /api/health to answer 200. Defaults to 120 s. */
  timeoutMs?: number;
}

export interface RunningApp {
  baseUrl: string;
  /** The app's task queue, unique per start so apps and test files never steal each other's work. */
  taskQueue: string;
  stop(): Promise<void>;
  /** Everything the app printed so far (the last 200 kB). */
  logs(): string;
}

/**
 * Runs the real app (`tsx engine/main.ts all`: API + worker + web) against the given Postgres and
 * Temporal, on a free port, and waits until it is healthy.
 *
 * @example
 * const app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
 * await page.goto(app.baseUrl);
 */
export async function startApp(opts: StartAppOptions): Promise<RunningApp> {
  const port = await freePort();
  const taskQueue = `e2e-${randomBytes(4).toString('hex')}`;
  // Its own data folder: nothing of a developer's ./data is touched by a test run.
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-e2e-app-'));
  const child = await spawnOwned(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    ['engine/main.ts', 'all'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: opts.databaseUrl,
        TEMPORAL_ADDRESS: opts.temporalAddress,
        TEMPORAL_TASK_QUEUE: taskQueue,
        YUTANG_DATA_DIR: dataDir,
        ...opts.env,
      },
    },
  );
  const logs = collectOutput(child, undefined, 200_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopOwned(child, 15_000);
    await fs.rm(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      await stop();
      throw new Error(
        `The app exited (${child.exitCode ?? child.signalCode}) before it was healthy. Its output:\n${logs()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return { baseUrl, taskQueue, stop, logs };
      lastProblem = `GET /api/health answered ${response.status}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(
    `The app was not healthy within ${timeoutMs / 1000}s (${lastProblem}). Its output:\n${logs()}`,
  );
}

/**
 * Where Chromium is: `CHROMIUM_PATH`, else /usr/bin/chromium, else a Chromium or Chrome on PATH.
 * Throws a one-line error saying how to get one.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CHROMIUM_PATH) {
    if (!existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist.`);
    return env.CHROMIUM_PATH;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = await findOnPath(name, env.PATH);
    if (found) return found;
  }
  throw new Error(
    'No Chromium found for the e2e tests: run `apt-get install chromium` (or set CHROMIUM_PATH).',
  );
}

/** Headless Chromium through playwright-core, with the flags that make it quiet and work as root. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    ...opts,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.args ?? []),
    ],
  });
}
