import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { e2eSession, SHOTS } from './harness.js';

// A marketer builds journeys in the real app with mouse and keyboard only; the API is used just for
// what a CRM would do (coupon stock, member data, events).

const e2e = e2eSession();
const { call } = e2e;

async function couponTemplate(name: string): Promise<string> {
  const r = await call<{ id?: string; couponTemplate?: { id: string } }>('POST', '/coupon-templates', {
    name,
    kind: 'amount',
    value: 20,
    validDays: 7,
    stock: 100,
  });
  return r.couponTemplate?.id ?? r.id!;
}

const newPage = () => e2e.newPage();

async function center(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a palette item to a point of the canvas (page coordinates), like a hand would. */
async function dragFromPalette(page: Page, type: string, to: { x: number; y: number }) {
  const from = await center(page, `[data-testid="palette-${type}"]`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Drags from a node's output handle to another node's input handle. */
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

async function openNode(page: Page, id: string) {
  await page.getByTestId(`node-${id}`).click();
  await page.locator(`[data-testid="config-panel"]:has-text("${id}")`).waitFor();
}

async function pickOption(page: Page, fieldSelector: string, text: string) {
  await page.locator(`${fieldSelector} .ant-select`).first().click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first()
    .click();
}

/**
 * Waits until the compiler reports no problem. On failure it leaves a screenshot and says which problems
 * remain, so a failure on a loaded CI machine can be read without re-running it.
 */
async function expectNoProblems(page: Page, name: string) {
  try {
    await page.getByTestId('problems-toggle').filter({ hasText: '没有问题' }).waitFor({ timeout: 30_000 });
  } catch (err) {
    await page.screenshot({ path: `${SHOTS}/${name}-problems-left.png` }).catch(() => {});
    await page
      .getByTestId('problems-toggle')
      .click()
      .catch(() => {});
    const left = await page
      .locator('[data-testid^="problem-"]')
      .allInnerTexts()
      .catch(() => []);
    const body = await page
      .locator('[data-testid="field-body"] textarea')
      .inputValue()
      .catch(() => '(no body field)');
    throw new Error(
      `problems still shown: ${JSON.stringify(left)}; message body: ${JSON.stringify(body)}; ${err}`,
    );
  }
}

async function waitSaved(page: Page) {
  await expect
    .poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 15_000 })
    .toBe('saved');
}

it('a marketer builds a journey on the blank canvas, fixes a problem, publishes it and sees the message go out', async () => {
  const couponName = `E2E 新人券 ${Date.now() % 100000}`;
  await couponTemplate(couponName);
  const event = `e2e_signup_${Date.now() % 100000}`;
  const { page, errors } = await newPage();

  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('new-journey').click();
  await page.getByTestId('template-blank').click();
  await page.getByTestId('journey-name-input').fill('E2E 新客欢迎');
  await page.getByTestId('create-journey-ok').click();
  await page.getByTestId('palette').waitFor();

  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const at = (dx: number, dy: number) => ({ x: canvas.x + dx, y: canvas.y + dy });

  // Lay the journey out in two columns, clear of the settings panel on the right.
  await dragFromPalette(page, 'trigger.event', at(200, 70));
  await page.locator('[data-testid="field-event"] input').fill(event);
  await dragFromPalette(page, 'tag', at(200, 220));
  await page.locator('[data-testid="field-add"] input').first().fill('e2e新客');
  await page.keyboard.press('Enter');
  await dragFromPalette(page, 'coupon', at(200, 380));
  await pickOption(page, '[data-testid="field-templateId"]', couponName);
  await dragFromPalette(page, 'message', at(500, 70));
  await dragFromPalette(page, 'wait.event', at(500, 230));
  await page.locator('[data-testid="field-event"] input').fill('order_paid');
  await dragFromPalette(page, 'exit', at(500, 420));
  await page.keyboard.press('Escape');

  await connect(page, 'trigger_event_1', 'next', 'tag_1');
  await connect(page, 'tag_1', 'next', 'coupon_1');
  await connect(page, 'coupon_1', 'issued', 'message_1');
  await connect(page, 'coupon_1', 'unavailable', 'exit_1');
  await connect(page, 'message_1', 'next', 'wait_event_1');
  await connect(page, 'wait_event_1', 'matched', 'exit_1');
  await connect(page, 'wait_event_1', 'timeout', 'exit_1');
  await waitSaved(page);

  // The message has no text yet: the canvas marks it and publishing is refused with the reason.
  await page.getByTestId('node-problem-message_1').waitFor();
  await page.screenshot({ path: `${SHOTS}/editor-with-problem.png` });
  await page.getByTestId('publish').click();
  await page.locator('[data-testid^="problem-message_1-"]').first().click();
  await page.locator('[data-testid="field-body"] textarea').fill('');
  await page.locator('[data-testid="field-body"] textarea').pressSequentially('欢迎加入，');
  await page.getByTestId('insert-member.name').click();
  await page.locator('[data-testid="field-body"] textarea').press('End');
  await page.keyboard.type('！新人券 ');
  await page.getByTestId('insert-coupon.code').click();
  await expect
    .poll(() => page.getByTestId('message-preview').textContent(), { timeout: 10_000 })
    .toContain('欢迎加入');
  await expectNoProblems(page, 'blank-fixed');
  await expect(page.locator('[data-testid^="node-problem-"]').count()).resolves.toBe(0);
  await waitSaved(page);
  await page.screenshot({ path: `${SHOTS}/editor-blank-built.png` });

  await page.getByTestId('publish').click();
  await page.getByTestId('publish-note').fill('第一版：注册送券');
  await page.getByTestId('publish-confirm').click();
  await page.getByTestId('editor-status').filter({ hasText: '运行中' }).waitFor({ timeout: 15_000 });
  // the publish dialog fades out: photograph the editor, not the animation
  await page.locator('.ant-modal').first().waitFor({ state: 'hidden' });
  await page.screenshot({ path: `${SHOTS}/editor-published.png` });

  // The CRM reports a registration; the member's message appears in the member view.
  const memberId = `e2e_${Date.now() % 1000000}`;
  await call('PUT', `/members/${memberId}`, { name: '林小满', phone: '13800138000', consent: { sms: true } });
  await call('POST', '/events', { memberId, name: event });
  await page.goto(`${e2e.base}/#/members/${memberId}`);
  await page
    .locator('[data-testid="member-message"]', { hasText: '欢迎加入，林小满' })
    .waitFor({ timeout: 90_000 });
  await page.screenshot({ path: `${SHOTS}/member-message.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it('a marketer builds from the win-back template, picks the coupons and publishes', async () => {
  const offerA = `E2E 回归礼 ${Date.now() % 100000}`;
  const offerB = `E2E 85折 ${Date.now() % 100000}`;
  await couponTemplate(offerA);
  await couponTemplate(offerB);
  const { page, errors } = await newPage();

  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('new-journey').click();
  await page.getByTestId('template-winback').click();
  await page.getByTestId('create-journey-ok').click();
  await page.getByTestId('node-ab_split').waitFor({ timeout: 60_000 });

  // Until the coupons are chosen the template says what is missing.
  await page.getByTestId('node-problem-coupon_a').waitFor();
  await page.screenshot({ path: `${SHOTS}/winback-template.png` });
  await openNode(page, 'coupon_a');
  await pickOption(page, '[data-testid="field-templateId"]', offerA);
  await openNode(page, 'coupon_b');
  await pickOption(page, '[data-testid="field-templateId"]', offerB);
  await page.keyboard.press('Escape');
  await expectNoProblems(page, 'winback-coupons');
  await waitSaved(page);

  await page.getByTestId('publish').click();
  await page.getByTestId('publish-confirm').click();
  await page.getByTestId('editor-status').filter({ hasText: '运行中' }).waitFor({ timeout: 15_000 });
  // the publish dialog fades out: photograph the editor, not the animation
  await page.locator('.ant-modal').first().waitFor({ state: 'hidden' });
  await page.screenshot({ path: `${SHOTS}/winback-published.png` });
  expect(errors).toEqual([]);
});

it('a marketer builds with the keyboard only: Enter on the palette adds a node after the selected one, Tab selects, Delete removes', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('new-journey').click();
  await page.getByTestId('template-blank').click();
  await page.getByTestId('journey-name-input').fill('E2E 键盘搭建');
  await page.getByTestId('create-journey-ok').click();
  await page.getByTestId('palette').waitFor();

  // Enter on a palette item adds the node (the first one in the middle of the canvas) and selects it.
  await page.getByTestId('palette-trigger.event').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-trigger_event_1').waitFor();
  // the next one hangs from the selected node, already connected
  await page.getByTestId('palette-message').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-message_1').waitFor();
  await expect
    .poll(() => page.locator('[data-testid="rf__edge-e_trigger_event_1_next_message_1"]').count())
    .toBe(1);
  await page.getByTestId('palette-tag').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-tag_1').waitFor();
  await expect.poll(() => page.locator('[data-testid="rf__edge-e_message_1_next_tag_1"]').count()).toBe(1);
  await page.screenshot({ path: `${SHOTS}/editor-keyboard.png` });

  // Tab walks the canvas nodes and selects the focused one; Delete removes it.
  await page.locator('.react-flow__node[data-id="trigger_event_1"]').focus();
  for (let i = 0; i < 4; i++) {
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    if (focused === 'tag_1') break;
    await page.keyboard.press('Tab');
  }
  await expect.poll(() => page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('tag_1');
  await page.keyboard.press('Delete');
  await expect.poll(() => page.getByTestId('node-tag_1').count()).toBe(0);
  await expect(page.getByTestId('node-message_1').count()).resolves.toBe(1);
  await waitSaved(page);
  expect(errors).toEqual([]);
});
