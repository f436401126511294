import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { keyHeaders } from '../engine/testing/credentials.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// An admin makes a 数据接入 key for the brand's event pipeline: with it, the dialog says where Segment and Sensors
// Data SDKs point — and that URL, used as the Sensors SDK would, stores the event.

let app: RunningApp;
let browser: Browser;
const shots = process.env.YUTANG_SHOTS_DIR ?? 'test-results';
const n = Date.now() % 100000;

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('a new ingest key shows the Segment host and the Sensors URL, and the URL accepts records', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, app.baseUrl);
  await page.goto(`${app.baseUrl}/#/keys`);
  await page.getByTestId('keys-page').waitFor();
  await page.getByTestId('new-key').click();
  await page.getByTestId('key-name').fill(`神策上报 ${n}`);
  await page.getByTestId('key-submit').click();
  const setup = page.getByTestId('sdk-setup');
  await setup.getByText('接入已有的事件 SDK').waitFor();
  const secret = await page.getByTestId('key-secret').inputValue();
  expect(await page.getByTestId('sdk-segment-host').inputValue()).toBe(app.baseUrl);
  const sensorsUrl = await page.getByTestId('sdk-sensors-url').inputValue();
  expect(sensorsUrl).toBe(`${app.baseUrl}/sa?project=default&token=${encodeURIComponent(secret)}`);
  await page.waitForTimeout(400); // the modal's opening animation
  await page.screenshot({ path: `${shots}/keys-sdk-setup.png` });

  // the URL as shown works as a Sensors server address
  const data = Buffer.from(
    JSON.stringify([{ type: 'track', event: 'e2e_sdk', distinct_id: `e2e-sdk-${n}`, _track_id: n }]),
  );
  const res = await fetch(sensorsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ data_list: data.toString('base64'), gzip: '0' }).toString(),
  });
  expect(res.status).toBe(200);
  const events = await (
    await fetch(`${app.baseUrl}/api/events?memberId=e2e-sdk-${n}`, { headers: keyHeaders(app.apiKey) })
  ).json();
  expect(events.events.map((e: { name: string }) => e.name)).toEqual(['e2e_sdk']);
  await page.getByTestId('key-done').click();

  // a read-only key is no SDK key: no SDK set-up with it
  await page.getByTestId('new-key').click();
  await page.getByTestId('key-name').fill(`只读 ${n}`);
  await page.getByTestId('scope-ingest').click();
  await page.getByTestId('scope-read').click();
  await page.getByTestId('key-submit').click();
  await page.getByTestId('key-secret').waitFor();
  expect(await page.getByTestId('sdk-setup').count()).toBe(0);
  await page.getByTestId('key-done').click();
  expect(errors).toEqual([]);
});
