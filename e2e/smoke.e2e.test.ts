import { promises as fs } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, type RunningApp, startApp, watchCsp } from './harness.js';

// The whole product starts and a real browser can open it: the first thing to fail when the build,
// the server or the bundle is broken.

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('opens the app in Chromium', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  watchCsp(page, errors);

  const response = await page.goto(`${app.baseUrl}/`);
  expect(response?.status()).toBe(200);
  expect(await page.title()).toContain('Yutang');
  // React has rendered something into the root element.
  await page.waitForFunction(() => (document.querySelector('#root')?.childElementCount ?? 0) > 0, null, {
    timeout: 30_000,
  });

  // the app's own pages run under its Content-Security-Policy, which frames nothing and runs no inline script
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);

  await fs.mkdir('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/smoke.png', fullPage: true });
  expect(errors).toEqual([]);
});
