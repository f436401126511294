import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { e2eSession, SHOTS } from './harness.js';

// 人群 as a marketer meets them in the real app: build an audience of two rules in the builder, watch its live
// count, save it, make it the trigger of a new journey on the canvas and publish. The API is used only for
// what a CRM does (import members, update a member) and to check what the UI did.

const e2e = e2eSession();
const { call } = e2e;
const n = Date.now() % 100000;

const newPage = () => e2e.newPage({ width: 1440, height: 900 });

/** Types into the text box of a widget, whether the test id is on the input or on its wrapper. */
async function typeInto(page: Page, testId: string, text: string) {
  await page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first().fill(text);
}

async function pick(page: Page, selectTestId: string, option: string | RegExp) {
  await page.getByTestId(selectTestId).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
    .first()
    .click();
}

async function waitSaved(page: Page) {
  await expect
    .poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 15_000 })
    .toBe('saved');
}

it('a marketer builds an audience of two rules, sees its count, triggers a new journey with it, and a member who newly qualifies enters', async () => {
  const vip = `e2e_aud_vip_${n}`;
  const city = `杭州${n}`;
  const id = (s: string) => `e2e_aud_${n}_${s}`;
  // The CRM imports members: three match both rules, two match only one of them.
  const imported = await call<{ imported: number; rejected: number }>('POST', '/members/batch', {
    members: [
      { id: id('a'), name: '王一', tags: [vip], attributes: { city } },
      { id: id('b'), name: '王二', tags: [vip, 'other'], attributes: { city } },
      { id: id('c'), name: '王三', tags: [vip], attributes: { city, level: 2 } },
      { id: id('tag_only'), tags: [vip], attributes: { city: '上海' } },
      { id: id('city_only'), attributes: { city } },
    ],
  });
  expect(imported).toEqual({ imported: 5, rejected: 0, errors: [] });

  const { page, errors } = await newPage();
  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('nav-audiences').click();
  await page.getByTestId('audiences-page').waitFor();
  await page.getByTestId('new-audience').click();
  await page.getByTestId('audience-editor').waitFor();

  // Rule 1: has the tag. Rule 2: the attribute city equals the city. The count follows the edits.
  const name = `E2E 杭州 VIP ${n}`;
  await page.getByTestId('audience-name').fill(name);
  await typeInto(page, 'rule.rules.0-tag', vip);
  await page.getByTestId('rule-add').click();
  await pick(page, 'rule.rules.1-kind', /^属性$/);
  await page.getByTestId('rule.rules.1-key').fill('city');
  await page.getByTestId('rule.rules.1-value').fill(city);
  await expect(page.getByTestId('audience-words').textContent()).resolves.toContain(
    `有标签「${vip}」 且 city 等于 “${city}”`,
  );
  const count = page.locator(
    '[data-testid="audience-count"][data-loading="false"] .ant-statistic-content-value',
  );
  await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe('3');
  await page
    .getByTestId('audience-sample')
    .getByRole('link', { name: id('a') })
    .waitFor();
  await page.screenshot({ path: `${SHOTS}/audience-editor.png`, fullPage: true });

  // A row the engine refuses is marked on that row: an attribute rule with its name cleared.
  await page.getByTestId('rule.rules.1-key').fill('');
  await page
    .getByTestId('rule.rules.1-error')
    .filter({ hasText: '请填写属性名' })
    .waitFor({ timeout: 30_000 });
  await page.getByTestId('rule.rules.1-key').fill('city');
  await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe('3');
  await expect(page.getByTestId('rule.rules.1-error').count()).resolves.toBe(0);

  await page.getByTestId('audience-save').click();
  await expect.poll(() => page.url()).toMatch(/#\/audiences\/[0-9a-f-]{36}$/);
  const segmentId = page.url().split('/').pop()!;
  const saved = await call<{ segment: { name: string; rule: unknown } }>('GET', `/segments/${segmentId}`);
  expect(saved.segment).toMatchObject({
    name,
    rule: {
      kind: 'all',
      rules: [
        { kind: 'tag', op: 'has', tag: vip },
        { kind: 'attribute', key: 'city', op: 'eq', value: city },
      ],
    },
  });
  // its members are worked out after saving: the list shows the three once they are
  await expect
    .poll(
      async () =>
        (await call<{ segment: { members: number } }>('GET', `/segments/${segmentId}`)).segment.members,
      {
        timeout: 60_000,
      },
    )
    .toBe(3);
  await page.goto(`${e2e.base}/#/audiences`);
  const row = page.locator('[data-testid="audiences-table"] tr', { hasText: name });
  await expect.poll(() => row.getByTestId('audience-members').textContent(), { timeout: 15_000 }).toBe('3');

  // A new journey on the canvas: the audience trigger, its audience picked by name, then an exit.
  await page.goto(`${e2e.base}/#/journeys`);
  await page.getByTestId('new-journey').click();
  await page.getByTestId('template-blank').click();
  await page.getByTestId('journey-name-input').fill(`E2E 人群触发 ${n}`);
  await page.getByTestId('create-journey-ok').click();
  await page.getByTestId('palette').waitFor();
  await expect.poll(() => page.url()).toMatch(/#\/journeys\/[0-9a-f-]{36}$/);
  const journeyId = page.url().split('/').pop()!;
  await page.getByTestId('palette-trigger.segment').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-trigger_segment_1').waitFor();
  await page.locator('[data-testid="config-panel"]').waitFor();
  await page.locator('[data-testid="field-segmentId"] .ant-select').first().click();
  await page.keyboard.type(name);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name })
    .first()
    .click();
  // the canvas says the rule in words
  await page
    .getByTestId('node-trigger_segment_1')
    .filter({ hasText: `进入人群：${name}（有标签「${vip}」 且 city 等于 “${city}”）` })
    .waitFor();
  await page.getByTestId('palette-exit').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-exit_1').waitFor();
  await page.getByTestId('problems-toggle').filter({ hasText: '没有问题' }).waitFor({ timeout: 30_000 });
  await waitSaved(page);
  await page.screenshot({ path: `${SHOTS}/audience-trigger.png` });
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-confirm').click();
  await page.getByTestId('editor-status').filter({ hasText: '运行中' }).waitFor({ timeout: 15_000 });

  // The published journey's trigger is the audience, and the audience names the journey as a user.
  const version = await call<{ document: { nodes: { type: string; data: Record<string, unknown> }[] } }>(
    'GET',
    `/journeys/${journeyId}/versions/1`,
  );
  expect(version.document.nodes.find((x) => x.type.startsWith('trigger.'))).toMatchObject({
    type: 'trigger.segment',
    data: { segmentId },
  });
  const detail = await call<{ journeys: { id: string }[] }>('GET', `/segments/${segmentId}`);
  expect(detail.journeys.map((j) => j.id)).toContain(journeyId);

  // A member newly comes to match both rules (the CRM updates them): their run of the journey starts.
  const newcomer = id('newcomer');
  await call('PUT', `/members/${newcomer}`, { name: '新来的', tags: [vip], attributes: { city } });
  await expect
    .poll(
      async () =>
        (await call<{ runs: { memberId: string }[] }>('GET', `/runs?journeyId=${journeyId}`)).runs.map(
          (r) => r.memberId,
        ),
      { timeout: 90_000, interval: 500 },
    )
    .toContain(newcomer);
  // those already in the audience when it was published did not enter (the trigger is for newcomers)
  const runs = await call<{ runs: { memberId: string }[] }>('GET', `/runs?journeyId=${journeyId}`);
  expect(runs.runs.map((r) => r.memberId)).toEqual([newcomer]);

  // Deleting the audience is refused while the journey uses it, naming the journey.
  await page.goto(`${e2e.base}/#/audiences`);
  await page.getByTestId(`audience-delete-${segmentId}`).click();
  await page.locator('.ant-popover:visible .ant-btn-primary').click();
  await page
    .getByTestId('audience-in-use')
    .filter({ hasText: `E2E 人群触发 ${n}` })
    .waitFor()
    .catch(async (err) => {
      await page.screenshot({ path: `${SHOTS}/audience-in-use-failed.png` });
      throw err;
    });
  await page.screenshot({ path: `${SHOTS}/audience-in-use.png` });
  expect(errors).toEqual([]);
});

it('ops import members from a CSV (a bad row named by its line), set entry limits, and enter a pasted list into a list-trigger journey at that pace, watching its progress', async () => {
  const id = (s: string) => `e2e_imp_${n}_${s}`;
  const journey = await call<{ id: string }>('POST', '/journeys', {
    name: `E2E 名单群发 ${n}`,
    document: {
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 200, y: 0 }, data: {} },
        { id: 'bye', type: 'exit', position: { x: 200, y: 160 }, data: {} },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'bye' }],
    },
  });
  await call('POST', `/journeys/${journey.id}/publish`, {});

  const { page, errors } = await newPage();
  await page.goto(`${e2e.base}/#/audiences`);
  await page.getByTestId('import-members').click();
  const modal = page.getByTestId('import-members-modal');
  await modal.waitFor();
  const csv = [
    'external_id,name,email,tags,city',
    `${id('a')},甲,a@example.com,vip|新客,上海`,
    `${id('b')},乙,not-an-email,,上海`,
    `${id('c')},丙,,vip,北京`,
    `${id('d')},"丁, 四",,,`,
  ].join('\n');
  await modal
    .locator('input[type="file"]')
    .setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  // nothing is sent before the marketer has seen the first rows
  await modal.getByTestId('import-preview-table').filter({ hasText: '丁, 四' }).waitFor();
  await page.getByTestId('import-start').click();
  await modal
    .getByTestId('import-summary')
    .filter({ hasText: '成功 3 · 失败 1' })
    .waitFor({ timeout: 30_000 });
  // the refused row is named by its line in the file, its id and its field
  const refused = modal.getByTestId('import-errors').locator('tr', { hasText: id('b') });
  await expect(refused.textContent()).resolves.toContain('3');
  await expect(refused.textContent()).resolves.toContain('email');
  await expect(refused.textContent()).resolves.toContain('邮箱格式不对');
  await page.screenshot({ path: `${SHOTS}/import-members.png` });
  const a = await call<{ member: { name: string; tags: string[]; attributes: Record<string, unknown> } }>(
    'GET',
    `/members/${id('a')}`,
  );
  expect(a.member).toMatchObject({ name: '甲', attributes: { city: '上海' } });
  expect([...a.member.tags].sort()).toEqual(['vip', '新客']);
  expect((await call<{ member: { name: string } }>('GET', `/members/${id('d')}`)).member.name).toBe('丁, 四');
  await page.keyboard.press('Escape');

  // Entry settings in the journey settings panel: the window opens (a date-time picker) and at most 600 an
  // hour enter — which paces broadcasts at 10 a minute. Published again.
  await page.goto(`${e2e.base}/#/journeys/${journey.id}`);
  await page.getByTestId('node-start').waitFor();
  await page.getByTestId('open-journey-settings').click();
  const panel = page.getByTestId('journey-settings-panel');
  await panel.waitFor();
  await panel.locator('[data-testid="field-entry.maxPerHour"] input').fill('600');
  await panel.locator('[data-testid="field-entry.startAt"] input').click();
  await page.keyboard.type('2025-01-01 08:00');
  await page.keyboard.press('Enter');
  await waitSaved(page);
  await expect
    .poll(async () => {
      const j = await call<{ document: { settings?: { entry?: Record<string, unknown> } } }>(
        'GET',
        `/journeys/${journey.id}`,
      );
      return j.document.settings?.entry;
    })
    .toMatchObject({
      maxPerHour: 600,
      startAt: expect.stringMatching(/^2025-01-01T08:00:00(?:[+-]\d\d:\d\d|Z)$/),
    });
  await page.keyboard.press('Escape');
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-confirm').click();
  await expect
    .poll(
      async () => (await call<{ currentVersion: number }>('GET', `/journeys/${journey.id}`)).currentVersion,
    )
    .toBe(2);

  // The journey's runs page: paste the ids (one unknown), start, and watch the broadcast finish.
  await page.goto(`${e2e.base}/#/journeys/${journey.id}/runs`);
  await page.getByTestId('broadcast-open').click();
  await page
    .locator('textarea[data-testid="broadcast-ids"], [data-testid="broadcast-ids"] textarea')
    .first()
    .fill([id('a'), id('c'), id('d'), id('nobody')].join('\n'));
  await page.getByTestId('broadcast-start').click();
  // the unknown id is said in a toast; what lasts is the broadcast of the 3 known members below
  const row = page.getByTestId('broadcasts-table').locator('tr', { hasText: '名单 4 人' });
  await row.getByTestId('broadcast-status').filter({ hasText: '已完成' }).waitFor({ timeout: 60_000 });
  await expect(row.getByTestId('broadcast-progress').textContent()).resolves.toContain('已进入 3');
  await expect(row.textContent()).resolves.toContain('10 人/分钟');
  // the runs below show the members who entered (the page refreshes as the broadcast ends)
  await expect
    .poll(
      async () => {
        const text = await page.getByTestId('runs-table').textContent();
        if (!text?.includes(id('d'))) await page.getByRole('button', { name: /刷\s*新/ }).click();
        return [id('a'), id('c'), id('d')].every((x) => text?.includes(x));
      },
      { timeout: 30_000, interval: 1_000 },
    )
    .toBe(true);
  await page.screenshot({ path: `${SHOTS}/broadcast-done.png` });
  const runs = await call<{ runs: { memberId: string }[] }>('GET', `/runs?journeyId=${journey.id}`);
  expect(runs.runs.map((r) => r.memberId).sort()).toEqual([id('a'), id('c'), id('d')].sort());
  expect(errors).toEqual([]);
});
