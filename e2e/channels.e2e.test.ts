import { promises as fs } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { keyHeaders } from '../engine/testing/credentials.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// Channels as an admin and a marketer meet them: provider credentials typed into settings are stored and
// never shown again; a message node's form follows the channel chosen (an SMS template code and its
// parameters, an email's subject and body).

let app: RunningApp;
let browser: Browser;
const shots = 'test-results';
const n = Date.now() % 100000;

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
  await fs.mkdir(shots, { recursive: true });
});

afterAll(async () => {
  // the default workspace is shared with other e2e files: back to the sandbox
  await fetch(`${app?.baseUrl}/api/channel-settings/sms`, {
    method: 'DELETE',
    headers: keyHeaders(app?.apiKey ?? ''),
  });
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, app.baseUrl);
  return { page, errors };
}

it('an admin stores SMS credentials: saved, marked configured, the secret never comes back', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${app.baseUrl}/#/settings`);
  const sms = page.getByTestId('channel-settings-sms');
  await sms.waitFor();
  await sms.getByText('沙箱').waitFor();
  await sms.getByTestId('channel-sms-accessKeyId').fill('LTAI-e2e');
  await sms.getByTestId('channel-sms-accessKeySecret').fill('e2e-top-secret');
  await sms.getByTestId('channel-sms-signName').fill('鱼塘会员');
  await sms.getByTestId('channel-sms-save').click();
  await sms.getByText('已配置').waitFor();
  expect(await sms.getByTestId('channel-sms-accessKeySecret').inputValue()).toBe('');
  expect(await sms.getByTestId('channel-sms-accessKeySecret').getAttribute('placeholder')).toBe(
    '已设置（留空则不修改）',
  );
  await page.screenshot({ path: `${shots}/channels-settings.png`, fullPage: true });
  const settings = await app.call<{ channels: { channel: string; configured: boolean }[] }>(
    'GET',
    '/channel-settings',
  );
  expect(settings.channels.find((c) => c.channel === 'sms')?.configured).toBe(true);
  expect(JSON.stringify(settings)).not.toContain('e2e-top-secret');
  expect(await page.content()).not.toContain('e2e-top-secret');
  expect(errors).toEqual([]);
});

it('the message node’s form follows the channel: an SMS template code, then an email subject', async () => {
  const journey = await app.call<{ id: string }>('POST', '/journeys', {
    name: `E2E 渠道表单 ${n}`,
    document: {
      nodes: [
        { id: 'start', type: 'trigger.event', position: { x: 200, y: 0 }, data: { event: `e2e_ch_${n}` } },
        { id: 'msg', type: 'message', position: { x: 200, y: 160 }, data: { channel: 'sms', body: '你好' } },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'msg' }],
    },
  });
  const { page, errors } = await newPage();
  await page.goto(`${app.baseUrl}/#/journeys/${journey.id}`);
  await page.getByTestId('node-msg').click();
  const form = page.getByTestId('channel-content');
  await form.waitFor();
  await form.getByTestId('input-content.templateCode').fill('SMS_271525576');
  // autosaved: the node's content is the SMS form's
  await expect
    .poll(
      async () => {
        const saved = await app.call<{
          document: { nodes: { id: string; data: Record<string, unknown> }[] };
        }>('GET', `/journeys/${journey.id}`);
        return saved.document.nodes.find((x) => x.id === 'msg')?.data.content;
      },
      { timeout: 15_000 },
    )
    .toMatchObject({ templateCode: 'SMS_271525576' });

  // another channel, another form: the SMS fields are gone, the email's are there
  await page.locator('[data-testid="field-channel"] .ant-select').first().click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '邮件' })
    .first()
    .click();
  await form.getByTestId('input-content.subject').waitFor();
  expect(await form.getByTestId('input-content.templateCode').count()).toBe(0);
  await page.screenshot({ path: `${shots}/channels-message-form.png` });
  expect(errors).toEqual([]);
});
