import { promises as fs } from 'node:fs';
import { expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.js';
import { fixtureUser } from '../engine/testing/credentials.js';
import { e2eSession, signIn } from './harness.js';

// The simulator tells a marketer what the real run would do: a member without a guide takes 无导购.
// And the English header fits a 1280 px screen, language switch included.

const e2e = e2eSession();
const shots = '/work/shots/u4-honest';
const MARKETER = { email: 'marketer-sim@yutang.test', password: 'marketer-sim-password' };
const pos = (y: number) => ({ x: 200, y });

it('simulates a real member without a guide as the worker would run them: 导购任务 → 无导购', async () => {
  await fs.mkdir(shots, { recursive: true });
  const db = createDb(inject('databaseUrl'), { max: 1 });
  await fixtureUser(db, 'default', { ...MARKETER, role: 'marketer' }).finally(() => db.destroy());
  await e2e.call('PUT', '/members/sim-noguide', { name: '无导购会员' });
  const journey = await e2e.call<{ id: string }>('POST', '/journeys', {
    name: '导购回访',
    document: {
      nodes: [
        { id: 'paid', type: 'trigger.event', data: { event: 'order_paid' }, position: pos(0) },
        {
          id: 'call',
          type: 'guide.task',
          data: { title: '电话回访', script: '{{member.name}}您好', dueIn: { amount: 1, unit: 'days' } },
          position: pos(140),
        },
        { id: 'thanks', type: 'tag', data: { add: ['called'], remove: [] }, position: pos(280) },
        { id: 'done', type: 'exit', data: {}, position: pos(420) },
      ],
      edges: [
        { id: 'e1', source: 'paid', sourceHandle: 'next', target: 'call' },
        { id: 'e2', source: 'call', sourceHandle: 'done', target: 'thanks' },
        { id: 'e3', source: 'call', sourceHandle: 'overdue', target: 'done' },
        { id: 'e4', source: 'call', sourceHandle: 'no_guide', target: 'done' },
        { id: 'e5', source: 'thanks', sourceHandle: 'next', target: 'done' },
      ],
    },
  });

  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, e2e.base, MARKETER);
  await page.goto(`${e2e.base}/#/journeys/${journey.id}`);
  await page.getByTestId('open-simulate').click({ timeout: 30_000 });
  await page.getByTestId('simulate-who').getByText('真实会员').click();
  await page.locator('[data-testid="simulate-member-id"]').fill('sim-noguide');
  await page.getByTestId('simulate-run').click();
  const step = page
    .getByTestId('simulate-drawer')
    .locator('[data-testid^="sim-step-"]', { hasText: '导购任务' });
  await step.first().waitFor({ timeout: 30_000 });
  expect(await step.first().textContent()).toContain('无导购');
  expect(await step.first().textContent()).not.toContain('已完成');
  await page.screenshot({ path: `${shots}/simulate-no-guide-member.png` });

  // a made-up member with a guide: the task is given, then assumed done
  await page.getByTestId('simulate-who').getByText('虚拟会员').click();
  await page.getByTestId('simulate-has-guide').click();
  await page.getByTestId('simulate-run').click();
  await expect
    .poll(() => page.getByTestId('simulate-drawer').textContent(), { timeout: 30_000 })
    .toContain('任务已派给导购');
  await page.screenshot({ path: `${shots}/simulate-made-up-with-guide.png` });
});

it('the English header fits at 1280 px: nothing clipped, the language switch in view', async () => {
  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, e2e.base, MARKETER);
  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('lang-switch').getByText('EN').click({ timeout: 30_000 });
  await page.locator('.yt-header').getByText('Journeys').first().waitFor();
  const fit = await page.evaluate(() => {
    const header = document.querySelector('.yt-header') as HTMLElement;
    const lang = document.querySelector('[data-testid="lang-switch"]') as HTMLElement;
    const box = lang.getBoundingClientRect();
    return {
      overflow: header.scrollWidth - header.clientWidth,
      langRight: box.right,
      width: window.innerWidth,
    };
  });
  await page.screenshot({ path: `${shots}/header-en-1280.png` });
  expect(fit.overflow).toBeLessThanOrEqual(0);
  expect(fit.langRight).toBeLessThanOrEqual(fit.width);
});
