import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { clickNav, e2eSession, SHOTS } from './harness.js';

// Journey rules as a marketer meets them in the real app: a goal set in the journey settings panel
// converts a member wherever they wait; bad settings are marked and refuse publishing; the simulator
// shows the path; the workspace settings page names what the server refused. The API is used only for what
// a CRM would do (members, events) and to set up a journey to open.

const e2e = e2eSession();
const { call } = e2e;
const n = Date.now() % 100000;

const newPage = () => e2e.newPage();

async function waitSaved(page: Page) {
  await expect
    .poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 15_000 })
    .toBe('saved');
}

/** A journey a marketer opens: on `event`, wait 30 days, leave. Its goal is not set yet. */
async function createWaitingJourney(name: string, event: string): Promise<string> {
  const j = await call<{ id: string }>('POST', '/journeys', {
    name,
    document: {
      nodes: [
        { id: 'start', type: 'trigger.event', position: { x: 200, y: 0 }, data: { event } },
        {
          id: 'wait',
          type: 'wait.duration',
          position: { x: 200, y: 160 },
          data: { amount: 30, unit: 'days' },
        },
        { id: 'bye', type: 'exit', position: { x: 200, y: 320 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 'start', sourceHandle: 'next', target: 'wait' },
        { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'bye' },
      ],
    },
  });
  return j.id;
}

it('a marketer sets a goal in the journey settings, publishes, and the member who buys shows as converted', async () => {
  const signup = `e2e_rules_signup_${n}`;
  const journeyId = await createWaitingJourney(`E2E 转化目标 ${n}`, signup);
  const { page, errors } = await newPage();
  await page.goto(`${e2e.base}/#/journeys/${journeyId}`);
  await page.getByTestId('node-wait').waitFor();

  // An exit criterion without its tag: the settings button shows a problem and publishing is refused,
  // saying why and opening the panel with the field marked.
  await page.getByTestId('open-journey-settings').click();
  const panel = page.getByTestId('journey-settings-panel');
  await panel.waitFor();
  await panel.getByTestId('input-exits-add').click();
  await panel.getByTestId('input-exits.0.kind').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '被打上标签' })
    .click();
  await expect
    .poll(() => page.getByTestId('open-journey-settings').getAttribute('data-problems'), { timeout: 30_000 })
    .toBe('1');
  await waitSaved(page);
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await page.getByTestId('publish').click();
  await panel.waitFor();
  await panel
    .locator('[data-testid="field-exits.0.tag"] .ant-form-item-explain-error', { hasText: '标签' })
    .waitFor();
  await page.screenshot({ path: `${SHOTS}/rules-settings-problem.png` });

  // The marketer fills the tag and sets the goal: 下单 (order_paid) converts the member at once.
  await panel.locator('[data-testid="field-exits.0.tag"] input').fill('unsubscribed');
  await panel.locator('[data-testid="field-goal.event"] input').fill('order_paid');
  await expect
    .poll(() => page.getByTestId('open-journey-settings').getAttribute('data-problems'), { timeout: 30_000 })
    .toBe('0');
  await page.getByTestId('problems-toggle').filter({ hasText: '没有问题' }).waitFor({ timeout: 30_000 });
  await waitSaved(page);
  await page.screenshot({ path: `${SHOTS}/rules-settings-goal.png` });
  const saved = await call<{ document: { settings?: Record<string, unknown> } }>(
    'GET',
    `/journeys/${journeyId}`,
  );
  expect(saved.document.settings).toMatchObject({
    goal: { event: 'order_paid' },
    exits: [{ kind: 'tag', tag: 'unsubscribed' }],
  });

  // Undo takes the goal back out of the draft, redo puts it in again (settings edits are history too).
  await page.keyboard.press('Escape');
  await page.getByTestId('undo').click();
  await waitSaved(page);
  const undone = await call<{ document: { settings?: { goal?: unknown } } }>('GET', `/journeys/${journeyId}`);
  expect(undone.document.settings?.goal).toBeUndefined();
  await page.getByTestId('redo').click();
  await waitSaved(page);
  const redone = await call<{ document: { settings?: { goal?: unknown } } }>('GET', `/journeys/${journeyId}`);
  expect(redone.document.settings?.goal).toEqual({ event: 'order_paid' });

  // The simulator: a member who orders 2 days after entering leaves as converted, in the 30-day wait.
  await page.getByTestId('open-simulate').click();
  await page.getByTestId('simulate-add-event').click();
  await page.locator('[data-testid="simulate-event-0-name"] input').fill('order_paid');
  await page.getByTestId('simulate-event-0-amount').fill('2');
  await page.getByTestId('simulate-run').click();
  await page.locator('[data-testid="sim-end"][data-status="converted"]').waitFor({ timeout: 15_000 });
  await page.getByTestId('sim-step-converted').filter({ hasText: '达成转化目标' }).waitFor();
  await expect(page.locator('[data-testid="node-wait"].is-on-path').count()).resolves.toBe(1);
  // the path is brought into the part of the canvas the drawer leaves free
  const drawerLeft = (await page.locator('.ant-drawer-content-wrapper').boundingBox())!.x;
  await expect
    .poll(async () => {
      const box = await page.getByTestId('node-wait').boundingBox();
      return !!box && box.x + box.width < drawerLeft;
    })
    .toBe(true);
  await page.screenshot({ path: `${SHOTS}/rules-simulate.png` });
  await page.locator('.ant-drawer-close').click();

  await page.getByTestId('publish').click();
  await page.getByTestId('publish-confirm').click();
  await page.getByTestId('editor-status').filter({ hasText: '运行中' }).waitFor({ timeout: 15_000 });

  // The CRM: a member signs up (enters and waits 30 days), then pays an order two seconds later.
  const memberId = `e2e_goal_${n}`;
  await call('PUT', `/members/${memberId}`, { name: '周小雨' });
  await call('POST', '/events', { memberId, name: signup });
  await expect
    .poll(
      async () =>
        (await call<{ runs: { status: string }[] }>('GET', `/runs?memberId=${memberId}`)).runs[0]?.status,
      { timeout: 90_000, interval: 500 },
    )
    .toBe('waiting');
  await call('POST', '/events', { memberId, name: 'order_paid', properties: { amount: 199 } });

  // The runs page shows the member as 已转化, and the path says why.
  await page.goto(`${e2e.base}/#/journeys/${journeyId}/runs`);
  const row = page.locator('[data-testid="runs-table"] tr', { hasText: memberId });
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: /刷\s*新/ }).click();
        const status = await row
          .getByTestId('run-status')
          .textContent()
          .catch(() => null);
        return status?.trim();
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toBe('已转化');
  await page.getByTestId('total-converted').filter({ hasText: '1' }).waitFor();
  await row.locator('.ant-table-row-expand-icon').click();
  await page.getByTestId('run-step-converted').filter({ hasText: '达成转化目标：order_paid' }).waitFor();
  await page.screenshot({ path: `${SHOTS}/rules-runs-converted.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it('the settings page sets quiet hours and caps, and marks the field the server refuses', async () => {
  const before = await call<{ settings: unknown }>('GET', '/settings');
  const { page, errors } = await newPage();
  try {
    await page.goto(`${e2e.base}/#/journeys`);
    await clickNav(page, 'settings');
    await page.getByTestId('settings-page').waitFor();
    await page.getByTestId('settings-quiet-unset').waitFor();
    await page.getByTestId('settings-quiet-recommended').click();
    await page.getByTestId('settings-add-cap').click();
    // a cap of 0 messages is refused by the server: the field says so in words
    await page.getByTestId('cap-0-max').fill('0');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('cap-0-error').filter({ hasText: '最多条数须是 1–1000 的整数' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/settings-refused.png` });
    await page.getByTestId('cap-0-max').fill('2');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(async () => (await call<{ settings: any }>('GET', '/settings')).settings.frequencyCaps[0]?.max)
      .toBe(2);
    await page.screenshot({ path: `${SHOTS}/settings-saved.png` });
    const { settings } = await call<{ settings: unknown }>('GET', '/settings');
    expect(settings).toMatchObject({
      quietHours: { start: '21:00', end: '09:00' },
      frequencyCaps: [{ channel: 'sms', max: 2, perDays: 1 }],
    });
    expect(errors).toEqual([]);
  } finally {
    // other test files share the workspace: they must not meet these quiet hours
    await call('PUT', '/settings', before.settings);
  }
});
