import { promises as fs } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { keyHeaders } from '../engine/testing/credentials.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// Workspace secrets as an admin and a marketer meet them (issue 14, M2): an admin adds a signing key in 设置 → 密钥,
// it is listed by name and never shown again; a webhook node picks it by name on the canvas.

let app: RunningApp;
let browser: Browser;
const shots = 'test-results';
const n = Date.now() % 100000;
const name = `e2e_signing_${n}`;
const value = `e2e-secret-value-${n}-0123456789`;
let journeyId = '';

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
  await fs.mkdir(shots, { recursive: true });
});

afterAll(async () => {
  // the default workspace is shared with other e2e files: leave no secret or journey behind
  const headers = keyHeaders(app?.apiKey ?? '');
  if (journeyId)
    await fetch(`${app?.baseUrl}/api/journeys/${journeyId}/archive`, { method: 'POST', headers, body: '{}' });
  await fetch(`${app?.baseUrl}/api/secrets/${name}`, { method: 'DELETE', headers });
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, app.baseUrl);
  return { page, errors };
}

it('an admin adds a secret in settings: listed by name, its value never shown again', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${app.baseUrl}/#/settings`);
  const card = page.getByTestId('secrets-card');
  await card.waitFor();
  await card.getByText('密钥').first().waitFor();
  await card.getByTestId('secret-add').click();
  const modal = page.locator('.ant-modal:visible');
  await modal.getByTestId('secret-name').fill('bad name');
  await modal.getByTestId('secret-value').fill('short');
  await modal.locator('.ant-btn-primary').click();
  await modal.getByText('名称格式不正确').waitFor();
  await modal.getByText('至少 16 个字符').waitFor();
  await page.screenshot({ path: `${shots}/secrets-add-invalid.png` });
  await modal.getByTestId('secret-name').fill(name);
  await modal.getByTestId('secret-value').fill(value);
  await modal.locator('.ant-btn-primary').click();
  await card.getByText(name).waitFor();
  await card.getByTestId(`secret-replace-${name}`).waitFor();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/secrets-settings.png`, fullPage: true });

  const listed = await app.call<{ secrets: { name: string }[] }>('GET', '/secrets');
  expect(listed.secrets.map((s) => s.name)).toContain(name);
  expect(JSON.stringify(listed)).not.toContain(value);
  expect(await page.content()).not.toContain(value);
  expect(errors).toEqual([]);
});

it('a webhook node picks the signing secret by name from the workspace’s secrets', async () => {
  const journey = await app.call<{ id: string }>('POST', '/journeys', {
    name: `E2E Webhook 密钥 ${n}`,
    document: {
      nodes: [
        { id: 'start', type: 'trigger.event', position: { x: 200, y: 0 }, data: { event: `e2e_wh_${n}` } },
        {
          id: 'hook',
          type: 'webhook',
          position: { x: 200, y: 160 },
          data: { url: 'https://crm.example.com/hooks/yutang', secret: '' },
        },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'hook' }],
    },
  });
  journeyId = journey.id;
  const { page, errors } = await newPage();
  await page.goto(`${app.baseUrl}/#/journeys/${journey.id}`);
  await page.getByTestId('node-hook').click();
  const field = page.locator('[data-testid="field-secret"]');
  await field.waitFor();
  await field.locator('.ant-select').first().click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name })
    .first()
    .click();
  await expect
    .poll(
      async () => {
        const saved = await app.call<{
          document: { nodes: { id: string; data: Record<string, unknown> }[] };
        }>('GET', `/journeys/${journey.id}`);
        return saved.document.nodes.find((x) => x.id === 'hook')?.data.secret;
      },
      { timeout: 15_000 },
    )
    .toBe(name);
  await page.screenshot({ path: `${shots}/secrets-webhook-picker.png` });
  expect(await page.content()).not.toContain(value);
  expect(errors).toEqual([]);
});
