import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { createDb } from '../db/connection.js';
import { freePort } from '../engine/infra/free-port.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from '../engine/infra/owned-process.js';
import { findOnPath } from '../engine/infra/temporal-cli.js';
import { FIXTURE_ADMIN, fixtureKey, fixtureUser, keyHeaders } from '../engine/testing/credentials.js';
import { freshDatabase } from '../engine/testing/fresh-database.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StartAppOptions {
  databaseUrl: string;
  temporalAddress: string;
  /** Extra environment for the app; wins over everything else. */
  env?: Record<string, string>;
  /** How long to wait for GET /api/health to answer 200. Defaults to 120 s. */
  timeoutMs?: number;
  /**
   * A first start: a database of its own with no accounts, and no YUTANG_ADMIN_EMAIL, so the app asks
   * for its administrator. Otherwise the fixture administrator exists and `apiKey` is an admin key.
   */
  firstStart?: boolean;
}

export interface RunningApp {
  baseUrl: string;
  /** The app's task queue, unique per start so apps and test files never steal each other's work. */
  taskQueue: string;
  stop(): Promise<void>;
  /** Everything the app printed so far (the last 200 kB). */
  logs(): string;
  /** An admin API key of the `default` workspace (empty on a first start) — what a CRM would use. */
  apiKey: string;
  /** The API as a system calls it, with `apiKey`; throws on a non-2xx answer. */
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
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
  const fresh = opts.firstStart ? await freshDatabase(opts.databaseUrl, { migrate: false }) : null;
  const databaseUrl = fresh?.url ?? opts.databaseUrl;
  const child = await spawnOwned(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    ['engine/main.ts', 'all'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(port),
        // every app serves /metrics on a port of its own: one per app, so apps side by side do not collide
        YUTANG_METRICS_PORT: String(await freePort()),
        DATABASE_URL: databaseUrl,
        // the one fixture (engine/testing/credentials.ts): the app starts with its administrator
        ...(opts.firstStart
          ? { YUTANG_ADMIN_EMAIL: '', YUTANG_ADMIN_PASSWORD: '' }
          : { YUTANG_ADMIN_EMAIL: FIXTURE_ADMIN.email, YUTANG_ADMIN_PASSWORD: FIXTURE_ADMIN.password }),
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
    await fresh?.drop();
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
      if (response.status === 200) {
        const apiKey = opts.firstStart ? '' : await adminKey(databaseUrl);
        const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
          const res = await fetch(`${baseUrl}/api${p}`, {
            method,
            headers: keyHeaders(apiKey),
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
          return (await res.json()) as T;
        };
        return { baseUrl, taskQueue, stop, logs, apiKey, call };
      }
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

/** The fixture administrator (made at start from YUTANG_ADMIN_EMAIL) is admin of `default`, with a new key. */
async function adminKey(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    await fixtureUser(db, 'default');
    return await fixtureKey(db, 'default');
  } finally {
    await db.destroy();
  }
}

/**
 * Signs the page's browser context in (the session cookie), as the fixture administrator unless told,
 * through the same API the sign-in page uses — with the Origin our own pages send.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  who: { email: string; password: string } = FIXTURE_ADMIN,
): Promise<void> {
  const res = await page.request.post(`${baseUrl}/api/auth/sign-in`, {
    data: { email: who.email, password: who.password },
    headers: { origin: baseUrl },
  });
  if (!res.ok()) throw new Error(`sign-in as ${who.email} → ${res.status()} ${await res.text()}`);
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

/**
 * Every page error and unhandled promise rejection of every page any browser of this file opened, however the
 * page was made (a session's newPage, browser.newPage, a context of its own). A test that leaves one fails in
 * the hook below, even when it forgot to assert on its own `errors` list.
 */
const pageFailures: string[] = [];

/** A rejection nobody handled reaches the console with this prefix (see the init script below). */
const UNHANDLED = '[yutang-e2e] unhandled rejection:';

function watchPageFailures(page: Page): void {
  page.on('pageerror', (e) => pageFailures.push(`${page.url()} page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().startsWith(UNHANDLED))
      pageFailures.push(`${page.url()} ${m.text()}`);
  });
}

// Chromium reports most unhandled rejections as page errors; this makes sure of it (a rejection with a
// non-Error value, a framework that swallows the event) without depending on how the browser words it.
const unhandledRejectionScript = `window.addEventListener('unhandledrejection', (e) => {
  const r = e.reason;
  console.error(${JSON.stringify(UNHANDLED)} + ' ' + (r && r.stack ? r.stack : String(r)));
});`;

afterEach(() => {
  const failures = pageFailures.splice(0);
  if (failures.length) throw new Error(`the page had uncaught errors:\n${failures.join('\n')}`);
});

/** Headless Chromium through playwright-core, with the flags that make it quiet and work as root. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  const browser = await launchChromium(opts);
  // browser.newPage makes its context through newContext: both paths end here.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    await context.addInitScript(unhandledRejectionScript);
    context.on('page', watchPageFailures);
    return context;
  };
  return browser;
}

async function launchChromium(opts: LaunchOptions): Promise<Browser> {
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

/**
 * Adds to `errors` what the app's Content-Security-Policy blocked (Chromium says so on the console): a page
 * that needs an inline script, a foreign font or a framed page fails its test instead of breaking quietly.
 */
export function watchCsp(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(`CSP: ${m.text()}`);
  });
}

/** Screenshots and diagnostics of failed e2e steps go here. */
export const SHOTS = 'test-results';

export interface E2eSession {
  /** the app's address: one started for this file, or E2E_BASE_URL */
  base: string;
  /** an admin API key of its default workspace: the app's, or E2E_API_KEY with E2E_BASE_URL */
  key: string;
  browser: Browser;
  /** the API as a CRM calls it, with the admin key; throws on a non-2xx answer */
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** a page signed in as the fixture administrator, collecting uncaught page errors */
  newPage(viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
}

/**
 * One e2e file's app and browser, set up before its tests and stopped after. Call it at the top of the file.
 * E2E_BASE_URL runs the file against an app you started (with YUTANG_ADMIN_EMAIL=admin@yutang.test,
 * YUTANG_ADMIN_PASSWORD=fixture-admin-password) and E2E_API_KEY, an admin key of its default workspace.
 */
export function e2eSession(): E2eSession {
  let app: RunningApp | undefined;
  const session: E2eSession = {
    base: '',
    key: '',
    browser: undefined as unknown as Browser,
    async call(method, path, body) {
      const res = await fetch(`${session.base}/api${path}`, {
        method,
        headers: keyHeaders(session.key),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return await res.json();
    },
    async newPage(viewport = { width: 1280, height: 800 }) {
      const page = await session.browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      watchCsp(page, errors);
      await signIn(page, session.base);
      return { page, errors };
    },
  };
  beforeAll(async () => {
    session.base = process.env.E2E_BASE_URL ?? '';
    session.key = process.env.E2E_API_KEY ?? '';
    if (!session.base) {
      app = await startApp({
        databaseUrl: inject('databaseUrl'),
        temporalAddress: inject('temporalAddress'),
      });
      session.base = app.baseUrl;
      session.key = app.apiKey;
    }
    session.browser = await launchBrowser();
    await fs.mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session.browser?.close();
    await app?.stop();
  });
  return session;
}

/**
 * Clicks a top-bar item as a user would: in the bar when it shows, else through the bar's 「…」 menu, where
 * the menu folds what does not fit (an admin's twelve items do not at 1280 px, depending on names' widths).
 */
export async function clickNav(page: Page, key: string): Promise<void> {
  const inBar = page.getByTestId(`nav-${key}`).first();
  await inBar.waitFor({ state: 'attached' });
  if (
    await inBar.click({ trial: true, timeout: 2_000 }).then(
      () => true,
      () => false,
    )
  )
    return inBar.click();
  await page.locator('.yt-nav .ant-menu-overflow-item-rest').hover();
  await page.locator('.ant-menu-submenu-popup').getByTestId(`nav-${key}`).click();
}
