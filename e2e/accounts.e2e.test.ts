import { promises as fs } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { clickNav, launchBrowser, type RunningApp, startApp } from './harness.js';

// Accounts as people meet them, from the very first start: the administrator is created in the browser,
// signs out and in, invites a marketer with a link; the marketer builds and publishes a journey but
// cannot open the API-keys page; a viewer sees phone numbers masked. The app has a database of its own
// with nobody in it (firstStart).

let app: RunningApp;
let browser: Browser;
const shots = 'test-results';
const ADMIN = { email: 'boss@brand.cn', password: 'an admin pass phrase' };

beforeAll(async () => {
  app = await startApp({
    databaseUrl: inject('databaseUrl'),
    temporalAddress: inject('temporalAddress'),
    firstStart: true,
  });
  browser = await launchBrowser();
  await fs.mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A browser of its own (its own cookies): one person. */
async function person(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

async function center(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a palette item onto the canvas, like a hand would (as in journey-canvas.e2e.test.ts). */
async function dragFromPalette(page: Page, type: string, to: { x: number; y: number }) {
  const from = await center(page, `[data-testid="palette-${type}"]`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

async function connect(page: Page, source: string, output: string, target: string) {
  const from = await center(page, `[data-testid="handle-${source}-${output}"]`);
  const to = await center(page, `[data-testid="rf__node-${target}"] .react-flow__handle.target`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 10, from.y + 20, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await expect
    .poll(() => page.locator(`[data-testid="rf__edge-e_${source}_${output}_${target}"]`).count())
    .toBe(1);
}

/** The admin invites `email` with `role` (by its Chinese name) and returns the one-time link. */
async function invite(page: Page, email: string, roleName: string): Promise<string> {
  await clickNav(page, 'users');
  await page.getByTestId('invite-user').click();
  await page.getByTestId('invite-email').fill(email);
  await page.getByTestId('invite-role').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: roleName })
    .first()
    .click();
  await page.getByTestId('invite-submit').click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/#\/invite\/[\w-]{43}$/);
  await page.getByTestId('invite-done').click();
  return link;
}

/** Opens an invitation link in a fresh browser and sets a password: signed in with the role. */
async function accept(link: string, name: string, password: string) {
  const who = await person();
  await who.page.goto(link);
  await who.page.getByTestId('invite-form').waitFor();
  await who.page.getByTestId('invite-name').fill(name);
  await who.page.getByTestId('invite-password').fill(password);
  await who.page.getByTestId('invite-password-again').fill(password);
  await who.page.getByTestId('invite-submit').click();
  await who.page.getByTestId('account-menu').waitFor();
  return who;
}

it('first start → administrator → sign in → invite a marketer, who publishes but cannot open API keys; a viewer sees masked phones', async () => {
  const admin = await person();
  const { page } = admin;

  // Nobody has an account: the app asks for its administrator, and the API accepts nothing else.
  await page.goto(`${app.baseUrl}/`);
  await page.getByTestId('setup-form').waitFor({ timeout: 30_000 });
  expect((await fetch(`${app.baseUrl}/api/journeys`)).status).toBe(403);
  await page.screenshot({ path: `${shots}/accounts-first-start.png` });
  await page.getByTestId('setup-email').fill(ADMIN.email);
  await page.getByTestId('setup-name').fill('王老板');
  await page.getByTestId('setup-password').fill('short');
  await page.getByTestId('setup-submit').click();
  await page.getByText('密码至少 10 个字符').first().waitFor();
  await page.getByTestId('setup-password').fill(ADMIN.password);
  await page.getByTestId('setup-password-again').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('my-role').filter({ hasText: '管理员' }).waitFor();

  // Sign out, then in again (a wrong password first).
  await page.getByTestId('account-menu').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('sign-in-email').fill(ADMIN.email);
  await page.getByTestId('sign-in-password').fill('not my password');
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('auth-error').filter({ hasText: '邮箱或密码不正确' }).waitFor();
  await page.screenshot({ path: `${shots}/accounts-sign-in.png` });
  await page.getByTestId('sign-in-password').fill(ADMIN.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('nav-keys').waitFor();

  // The admin invites a marketer.
  const marketerLink = await invite(page, 'xiaolin@brand.cn', '营销');
  await page.screenshot({ path: `${shots}/accounts-users.png` });

  // The marketer joins through the link and builds a journey on the blank canvas.
  const marketer = await accept(marketerLink, '小林', 'a marketer pass phrase');
  const m = marketer.page;
  await m.getByTestId('my-role').filter({ hasText: '营销' }).waitFor();
  expect(await m.getByTestId('nav-keys').count()).toBe(0);
  expect(await m.getByTestId('nav-users').count()).toBe(0);
  await m.getByTestId('new-journey').click();
  await m.getByTestId('template-blank').click();
  await m.getByTestId('journey-name-input').fill('小林的复购提醒');
  await m.getByTestId('create-journey-ok').click();
  await m.getByTestId('palette').waitFor();
  const canvas = (await m.getByTestId('canvas').boundingBox())!;
  await dragFromPalette(m, 'trigger.event', { x: canvas.x + 200, y: canvas.y + 80 });
  await m.locator('[data-testid="field-event"] input').fill('order_paid');
  await dragFromPalette(m, 'message', { x: canvas.x + 200, y: canvas.y + 250 });
  await m.locator('[data-testid="field-body"] textarea').fill('感谢您的购买！');
  await dragFromPalette(m, 'exit', { x: canvas.x + 200, y: canvas.y + 420 });
  await m.keyboard.press('Escape');
  await connect(m, 'trigger_event_1', 'next', 'message_1');
  await connect(m, 'message_1', 'next', 'exit_1');
  await m.getByTestId('problems-toggle').filter({ hasText: '没有问题' }).waitFor({ timeout: 30_000 });
  await expect
    .poll(() => m.getByTestId('save-status').getAttribute('data-status'), { timeout: 15_000 })
    .toBe('saved');
  await m.getByTestId('publish').click();
  await m.getByTestId('publish-note').fill('小林发布');
  await m.getByTestId('publish-confirm').click();
  await m.getByTestId('editor-status').filter({ hasText: '运行中' }).waitFor({ timeout: 15_000 });

  // …but the API-keys page is not theirs: no menu entry, and opened by address it says so.
  await m.goto(`${app.baseUrl}/#/keys`);
  await m.getByTestId('forbidden').waitFor();
  expect(await m.getByTestId('keys-page').count()).toBe(0);
  await m.screenshot({ path: `${shots}/accounts-marketer-no-keys.png` });
  const keysByApi = await m.request.get(`${app.baseUrl}/api/keys`);
  expect(keysByApi.status()).toBe(403);

  // The admin sees who published it, in the journey's versions and in the audit log.
  await clickNav(page, 'audit');
  await page
    .locator('[data-testid="audit-table"] tr', { hasText: '发布旅程' })
    .filter({ hasText: 'xiaolin@brand.cn' })
    .first()
    .waitFor();
  await page.screenshot({ path: `${shots}/accounts-audit.png` });

  // A member with a phone number (sent by the brand's CRM with a key the admin makes here).
  await clickNav(page, 'keys');
  await page.getByTestId('new-key').click();
  await page.getByTestId('key-name').fill('CRM 同步');
  await page.getByTestId('key-submit').click();
  const secret = await page.getByTestId('key-secret').inputValue();
  expect(secret).toMatch(/^yt_/);
  await page.getByTestId('key-done').click();
  const upsert = await fetch(`${app.baseUrl}/api/members/vip-001`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '周小雨', phone: '13800000000', email: 'xiaoyu@example.com' }),
  });
  expect(upsert.status).toBe(200);

  // A viewer: phone numbers and emails masked, no controls that change things.
  const viewerLink = await invite(page, 'guest@brand.cn', '只读');
  const viewer = await accept(viewerLink, '访客', 'a viewer pass phrase');
  const v = viewer.page;
  await v.getByTestId('my-role').filter({ hasText: '只读' }).waitFor();
  expect(await v.getByTestId('new-journey').count()).toBe(0);
  await v.goto(`${app.baseUrl}/#/members/vip-001`);
  const profile = v.getByTestId('member-profile');
  await profile.filter({ hasText: '138****0000' }).waitFor();
  const shown = (await profile.textContent()) ?? '';
  expect(shown).not.toContain('13800000000');
  expect(shown).toContain('x***@example.com');
  await v.screenshot({ path: `${shots}/accounts-viewer-masked.png` });

  for (const who of [admin, marketer, viewer]) expect(who.errors).toEqual([]);
});
