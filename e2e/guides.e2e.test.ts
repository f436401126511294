import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.js';
import { fixtureUser } from '../engine/testing/credentials.js';
import { edge, node } from '../engine/testing/documents.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// A shopping guide on a phone: a journey gives the guide a task about their VIP; the guide signs in on a
// 390×844 viewport, lands on the workbench, sees the task with the member and the script, marks it done
// with a note — and the member's run goes on along `done` (the tag node after it runs).

let app: RunningApp;
let browser: Browser;
const shots = 'test-results';
const suffix = randomBytes(3).toString('hex');
const GUIDE = { email: `guide-${suffix}@brand.cn`, password: 'a guide pass phrase' };
const MEMBER = `vip-${suffix}`;
const EVENT = `vip_visit_${suffix}`;

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
  await fs.mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('a guide signs in on a phone, sees the task a journey gave them, marks it done, and the run goes on along done', async () => {
  // The guide's account (role guide) and the guide it signs in as; the VIP belongs to that guide.
  const db = createDb(inject('databaseUrl'), { max: 1 });
  const account = await fixtureUser(db, 'default', { ...GUIDE, role: 'guide' }).finally(() => db.destroy());
  const { guide } = await app.call('POST', '/guides', {
    name: '王导购',
    wecomUserId: `wx-${suffix}`,
    store: '静安嘉里中心店',
    userId: account.id,
  });
  await app.call('PUT', `/members/${MEMBER}`, { name: '陈女士', phone: '13912345678', guideId: guide.id });

  const { couponTemplate } = await app.call('POST', '/coupon-templates', {
    name: '到店礼 ¥50',
    kind: 'amount',
    value: 50,
    validDays: 14,
  });
  const journey = await app.call('POST', '/journeys', {
    name: 'VIP 到店邀约',
    document: {
      nodes: [
        node('t', 'trigger.event', { event: EVENT }),
        node('task', 'guide.task', {
          title: '邀请陈女士到店试穿',
          script: '陈女士您好，秋冬新品已到店，周末来试穿有专属礼遇～',
          dueIn: { amount: 2, unit: 'hours' },
          remindBefore: { amount: 30, unit: 'minutes' },
          couponTemplateId: couponTemplate.id,
        }),
        node('called', 'tag', { add: ['guide_called'] }),
        node('late', 'tag', { add: ['guide_missed'] }),
        node('x', 'exit'),
      ],
      edges: [
        edge('t', 'task'),
        edge('task', 'called', 'done'),
        edge('task', 'late', 'overdue'),
        edge('task', 'x', 'no_guide'),
        edge('called', 'x'),
        edge('late', 'x'),
      ],
    },
  });
  await app.call('POST', `/journeys/${journey.id}/publish`, {});
  await app.call('POST', '/events', { memberId: MEMBER, name: EVENT, id: `visit-${suffix}` });

  // The guide, on a phone.
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.baseUrl}/`);
  await page.getByTestId('sign-in-form').waitFor({ timeout: 30_000 });
  await page.getByTestId('sign-in-email').fill(GUIDE.email);
  await page.getByTestId('sign-in-password').fill(GUIDE.password);
  await page.getByTestId('sign-in-submit').click();

  // Guides land on their workbench, not the console.
  await page.getByTestId('guide-workbench').waitFor();
  expect(new URL(page.url()).hash).toBe('#/guide');
  expect(await page.getByTestId('account-menu').count()).toBe(0);
  await page.getByTestId('guide-tab-open').filter({ hasText: '今日任务' }).waitFor();

  // The task appears once the run has made it (refresh until then).
  const card = page.getByTestId('guide-task').filter({ hasText: '邀请陈女士到店试穿' });
  await expect
    .poll(
      async () => {
        if ((await card.count()) === 0) await page.getByTestId('guide-refresh').click();
        return card.count();
      },
      { timeout: 30_000, interval: 1000 },
    )
    .toBe(1);
  await expect.poll(() => card.getByTestId('guide-task-member').textContent()).toContain('陈女士');
  expect(await card.getByTestId('guide-task-member').textContent()).not.toContain('13912345678');
  expect(await card.getByTestId('guide-task-script').textContent()).toContain('秋冬新品已到店');
  expect(await card.getByTestId('guide-task-due').textContent()).toMatch(/^截止 /);
  expect(await card.getByTestId('guide-task-coupon').textContent()).toBe('可发券：到店礼 ¥50');
  // one column that fits the phone: nothing to scroll sideways
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${shots}/guide-workbench.png` });

  // Done, with a note.
  await card.getByTestId('guide-task-complete').click();
  await page.getByTestId('guide-complete-note').fill('已微信联系，周六下午到店');
  await page.getByTestId('guide-complete-confirm').click();
  // lasting state: the dialog closes once the task is stored (its toast may be gone before we look)
  await page.getByTestId('guide-complete-note').waitFor({ state: 'hidden' });
  await page.getByTestId('guide-tab-done').click();
  const done = page.getByTestId('guide-task').filter({ hasText: '邀请陈女士到店试穿' });
  await done.filter({ hasText: '周六下午到店' }).waitFor();
  await page.screenshot({ path: `${shots}/guide-workbench-done.png` });

  // The member's run went on along `done`: the tag node after it ran, and the run finished.
  const run = await expectEventually(async () => {
    const { runs } = await app.call('GET', `/runs?journeyId=${journey.id}&memberId=${MEMBER}`);
    return runs[0]?.status === 'completed' ? runs[0] : null;
  });
  const { steps } = await app.call('GET', `/runs/${run.id}`);
  expect(steps.map((s: { nodeId: string; output: string | null }) => `${s.nodeId}:${s.output}`)).toEqual([
    't:next',
    'task:created',
    'task:done',
    'called:next',
    'x:null',
  ]);
  const { member } = await app.call('GET', `/members/${MEMBER}`);
  expect(member.tags).toContain('guide_called');
  expect(member.tags).not.toContain('guide_missed');
  expect(errors).toEqual([]);
  await context.close();

  // Ops see the guide and how they did in this journey.
  const ops = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const opsPage = await ops.newPage();
  await signIn(opsPage, app.baseUrl);
  await opsPage.goto(`${app.baseUrl}/#/guides`);
  await opsPage.getByTestId('guides-page').waitFor({ timeout: 30_000 });
  await opsPage.getByTestId('nav-guides').waitFor();
  await opsPage.getByTestId('guide-stats-journey').click();
  await opsPage
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'VIP 到店邀约' })
    .first()
    .click();
  const row = opsPage.getByTestId('guide-stats').locator('tr', { hasText: '王导购' });
  await row.filter({ hasText: '100%' }).first().waitFor();
  expect(await row.count()).toBe(1);
  await opsPage.screenshot({ path: `${shots}/guides-console.png` });
  // and the member's page names their guide
  await opsPage.goto(`${app.baseUrl}/#/members/${MEMBER}`);
  await opsPage.getByTestId('member-guide').filter({ hasText: '王导购 · 静安嘉里中心店' }).waitFor();
  await ops.close();
});

async function expectEventually<T>(check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 500));
  }
}
