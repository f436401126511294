import { mkdir } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { SHOTS as DEFAULT_SHOTS, e2eSession } from './harness.js';

// A marketer puts a tracked link into a message on the canvas; a member who follows a dead link sees a plain page.

const e2e = e2eSession();
/** where the screenshots go: E2E_SHOTS (a reviewer's folder), else the suite's own */
const SHOTS = process.env.E2E_SHOTS ?? DEFAULT_SHOTS;

it('a marketer inserts a tracked link: a bad address is refused in words, a good one previews as a short link', async () => {
  await mkdir(SHOTS, { recursive: true });
  const shots = SHOTS;
  const j = await e2e.call<{ id: string }>('POST', '/journeys', {
    name: `追踪链接 ${Date.now() % 100000}`,
    document: {
      nodes: [
        { id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'order_paid' } },
        {
          id: 'm',
          type: 'message',
          position: { x: 0, y: 160 },
          data: { channel: 'push', body: '新品上架 {{link "https://shop.example.com/new"}} 回T退订' },
        },
        { id: 'x', type: 'exit', position: { x: 0, y: 320 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'm' },
        { id: 'e2', source: 'm', sourceHandle: 'next', target: 'x' },
      ],
    },
  });
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.base}/#/journeys/${j.id}`);
  const node = page.getByTestId('node-m');
  await node.waitFor({ timeout: 60_000 });
  // the canvas names the link instead of spelling out its address
  await expect.poll(() => node.textContent()).toContain('[链接]');
  await page.screenshot({ path: `${shots}/canvas-summary.png` });

  await node.click();
  await page.getByTestId('message-preview').filter({ hasText: '/l/Ab3dE5gH' }).waitFor();
  await page.getByTestId('insert-link').click();
  await page.getByTestId('link-url').fill('shop.example.com/sale');
  await page.getByTestId('link-inserter').filter({ hasText: 'http:// 或 https://' }).waitFor();
  expect(await page.getByTestId('link-insert').isDisabled()).toBe(true);
  await page.screenshot({ path: `${shots}/link-refused.png` });

  await page.getByTestId('link-url').fill('https://shop.example.com/sale?from=sms');
  await page.getByTestId('link-insert').click();
  const body = page.getByTestId('field-body').locator('textarea');
  // at the end (the author never put the caret anywhere), with a space before it so phones see where it starts
  await expect
    .poll(() => body.inputValue())
    .toBe(
      '新品上架 {{link "https://shop.example.com/new"}} 回T退订 {{link "https://shop.example.com/sale?from=sms"}}',
    );
  // each destination previews with a code of its own; this app has no public address, and says what that means
  await page.getByTestId('message-preview').filter({ hasText: '/l/Kx7pQ2mN' }).waitFor();
  await page.getByTestId('links-local').waitFor();
  await page.screenshot({ path: `${shots}/link-inserted.png` });
  expect(errors).toEqual([]);
});

it('a dead short link shows a plain Chinese page, not a redirect', async () => {
  const { page, errors } = await e2e.newPage({ width: 390, height: 720 });
  const res = await page.goto(`${e2e.base}/l/ZZZZZZZZ`);
  expect(res?.status()).toBe(404);
  expect(page.url()).toBe(`${e2e.base}/l/ZZZZZZZZ`);
  await page.getByText('链接不存在或已过期').waitFor();
  await page.screenshot({ path: `${SHOTS}/link-404-mobile.png` });
  expect(errors).toEqual([]);
});
