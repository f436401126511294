import { promises as fs } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.js';
import { keyHeaders } from '../engine/testing/credentials.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// Ops find events that failed for good on 事件投递, page through them, and replay them once the cause is fixed.

let app: RunningApp;
let browser: Browser;
const db = createDb(inject('databaseUrl'));

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db.destroy();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}/api${path}`, {
    method,
    headers: keyHeaders(app.apiKey),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

it('lists dead events, loads more, and replays them once the cause is fixed', async () => {
  const journey = await api('POST', '/journeys', {
    name: '死信演示',
    document: {
      nodes: [
        { id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'dl_demo' } },
        { id: 'x', type: 'exit', position: { x: 0, y: 120 }, data: {} },
      ],
      edges: [{ id: 't-x', source: 't', sourceHandle: 'next', target: 'x' }],
    },
  });
  expect((await api('POST', `/journeys/${journey.body.id}/publish`, {})).status).toBe(200);
  // A published plan the engine cannot read: every event for it fails for good and is dead-lettered.
  const { plan } = await db
    .selectFrom('journey_versions')
    .select('plan')
    .where('journey_id', '=', journey.body.id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('journey_versions')
    .set({ plan: JSON.stringify({ ...plan, trigger: {} }) })
    .where('journey_id', '=', journey.body.id)
    .execute();
  const one = await api('POST', '/events', { memberId: 'dl-0', name: 'dl_demo', id: 'dl-0' });
  expect(one.status).toBe(422);
  expect(one.body.error.code).toBe('event_failed');
  const batch = await api('POST', '/events/batch', {
    events: Array.from({ length: 54 }, (_, i) => ({
      memberId: `dl-${i + 1}`,
      name: 'dl_demo',
      id: `dl-${i + 1}`,
    })),
  });
  expect(batch.body.results.every((r: any) => r.status === 'dead')).toBe(true);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, app.baseUrl);
  await page.goto(`${app.baseUrl}/#/events`);
  const rows = page.locator('[data-testid="delivery-table"] tbody tr.ant-table-row');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(50);
  await expect.poll(() => page.getByText('死信').first().isVisible()).toBe(true);
  await page.getByTestId('load-more').click();
  await expect.poll(() => rows.count()).toBe(55);
  await expect.poll(() => page.getByTestId('load-more').count()).toBe(0);
  await fs.mkdir('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/event-delivery-dead.png', fullPage: true });

  // the cause is fixed: the plan is readable again
  await db
    .updateTable('journey_versions')
    .set({ plan: JSON.stringify(plan) })
    .where('journey_id', '=', journey.body.id)
    .execute();
  await rows.first().getByTestId('replay-event').click();
  // lasting state, not the toast (「已重放 1 个事件」 is gone again before a busy machine looks)
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(54);

  await page.locator('[data-testid="delivery-table"] thead .ant-checkbox-input').check();
  await page.getByTestId('replay-selected').click();
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(0);
  await page.screenshot({ path: 'test-results/event-delivery-replayed.png', fullPage: true });

  const processed = await api('GET', '/events?status=processed&name=dl_demo&limit=100');
  expect(processed.body.events).toHaveLength(55);
  const runs = await api('GET', `/runs?journeyId=${journey.body.id}&limit=100`);
  expect(runs.body.runs).toHaveLength(55);
  expect(errors).toEqual([]);
});
