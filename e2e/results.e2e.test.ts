import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { eventually } from '../engine/testing/stack.js';
import { e2eSession } from './harness.js';

// A marketer reads what a journey earned on its 效果 tab, in Chinese, in real Chromium against the real API:
// members enter through events and run on the real worker, orders convert them through the journey's goal,
// and every figure on the page comes from the results report (no fixture, no route stubbed).

const e2e = e2eSession();
const { call } = e2e;
const SHOTS = '/work/shots/r3-results-web';

type Doc = { nodes: unknown[]; edges: unknown[]; settings?: unknown };

/** Event trigger → split A / B / 对照组 → a push per group → wait for an order (14 days) → exit. */
function winBackDocument(trigger: string): Doc {
  const node = (id: string, type: string, data: Record<string, unknown>, x: number, y: number) => ({
    id,
    type,
    data,
    position: { x, y },
  });
  const edge = (source: string, sourceHandle: string, target: string) => ({
    id: `e_${source}_${sourceHandle}_${target}`,
    source,
    sourceHandle,
    target,
  });
  return {
    nodes: [
      node('start', 'trigger.event', { event: trigger }, 300, 0),
      node(
        'ab',
        'split',
        {
          variants: [
            { id: 'a', label: 'A 满减短信', percent: 40 },
            { id: 'b', label: 'B 折扣短信', percent: 40 },
            { id: 'h', label: '对照组', percent: 20, holdout: true },
          ],
          // a winner may be named at 10 members a group (the default 500 is for real traffic)
          autoWinner: { enabled: false, minPerVariant: 10, threshold: 0.95 },
        },
        300,
        130,
      ),
      node('msg_a', 'message', { channel: 'push', body: '回归礼：满 199 减 30' }, 40, 320),
      node('msg_b', 'message', { channel: 'push', body: '专属 85 折' }, 560, 320),
      node('wait', 'wait.event', { event: 'order_paid', timeout: { amount: 14, unit: 'days' } }, 300, 500),
      node('done', 'exit', {}, 300, 700),
    ],
    edges: [
      edge('start', 'next', 'ab'),
      edge('ab', 'a', 'msg_a'),
      edge('ab', 'b', 'msg_b'),
      edge('ab', 'h', 'wait'),
      edge('msg_a', 'next', 'wait'),
      edge('msg_b', 'next', 'wait'),
      edge('wait', 'matched', 'done'),
      edge('wait', 'timeout', 'done'),
    ],
    settings: { goal: { event: 'order_paid', value: 'amount' } },
  };
}

async function publishJourney(name: string, trigger: string): Promise<string> {
  const j = await call<{ id: string }>('POST', '/journeys', { name, document: winBackDocument(trigger) });
  await call('POST', `/journeys/${j.id}/publish`, {});
  return j.id;
}

/** Members enter by the trigger event; resolves with each member's split group once every run has passed it. */
async function enter(journeyId: string, trigger: string, members: string[]): Promise<Map<string, string>> {
  await call('POST', '/members/batch', {
    members: members.map((id) => ({ id, name: `会员${id.slice(-3)}`, consent: { push: true } })),
  });
  for (const memberId of members) await call('POST', '/events', { memberId, name: trigger });
  const runs = await eventually(
    async () => {
      const r = await call<{
        runs: { id: string; memberId: string; status: string; currentNodeId: string }[];
      }>('GET', `/runs?journeyId=${journeyId}&limit=500`);
      // everyone waits for an order (or already converted) once past the split and the message
      return r.runs.length === members.length && r.runs.every((x) => x.currentNodeId === 'wait') && r.runs;
    },
    240_000,
    `${members.length} runs waiting at the order wait`,
  );
  const groups = new Map<string, string>();
  for (const run of runs) {
    const detail = await call<{ steps: { nodeId: string; output: string | null }[] }>(
      'GET',
      `/runs/${run.id}`,
    );
    const split = detail.steps.find((s) => s.nodeId === 'ab' && s.output);
    if (!split?.output) throw new Error(`run ${run.id} has no split step`);
    groups.set(run.memberId, split.output);
  }
  return groups;
}

interface Results {
  totals: { entered: number; converted: number; revenueFen: number; conversionsWithoutValue: number };
  splits: { nodeId: string; winner: { status: string; winner?: string } }[];
  nodes: { nodeId: string; entered: number; convertedDownstream: number }[];
}

async function openResults(page: Page, journeyId: string) {
  await page.goto(`${e2e.base}/#/journeys/${journeyId}/results`);
  await page.getByTestId('results-page').waitFor();
}

it('a marketer reads a journey’s results, sees the winner, exports CSV, and the canvas agrees', async () => {
  const trigger = 'r3_winback_due';
  const id = await publishJourney('流失召回 A/B 效果', trigger);
  const members = Array.from({ length: 80 }, (_, i) => `r3-m-${String(i).padStart(3, '0')}`);
  const groups = await enter(id, trigger, members);
  const inGroup = (g: string) => members.filter((m) => groups.get(m) === g);
  const [a, b, h] = [inGroup('a'), inGroup('b'), inGroup('h')];
  // a winner needs 20 conversions over A and B together: B's group must hold at least 19 (40 % of 80 members)
  expect(b.length).toBeGreaterThanOrEqual(19);
  expect(a.length).toBeGreaterThanOrEqual(10);

  // B converts far better than A; one holdout member orders; one B order carries no amount (counted, at ¥0)
  const buyers = [...a.slice(0, 2), ...b.slice(0, b.length - 1), ...h.slice(0, 1)];
  for (const [i, memberId] of buyers.entries())
    await call('POST', '/events', {
      memberId,
      name: 'order_paid',
      properties: i === 2 ? {} : { amount: 199 },
    });
  const report = await eventually(
    async () => {
      const r = await call<Results>('GET', `/journeys/${id}/results`);
      return r.totals.converted === buyers.length && r;
    },
    120_000,
    `${buyers.length} conversions in the report`,
  );
  expect(report.totals.entered).toBe(members.length);
  expect(report.totals.conversionsWithoutValue).toBe(1);
  expect(report.totals.revenueFen).toBe((buyers.length - 1) * 19900);
  expect(report.splits[0].winner).toMatchObject({ status: 'winner', winner: 'b' });

  const { page, errors } = await e2e.newPage({ width: 1280, height: 900 });
  // the journeys list shows the last 30 days' conversion rate and revenue
  await page.goto(`${e2e.base}/#/journeys`);
  const row = page.locator('tr', { has: page.getByTestId(`journey-link-${id}`) });
  await expect
    .poll(() => row.getByTestId('journey-conv30d').textContent(), { timeout: 30_000 })
    .toBe(`${((buyers.length / members.length) * 100).toFixed(1)}%`);
  await expect(row.getByTestId('journey-rev30d').textContent()).resolves.toBe(
    `¥${((buyers.length - 1) * 199).toLocaleString('en-US')}.00`,
  );
  await page.getByTestId(`journey-results-${id}`).click();
  await page.getByTestId('results-page').waitFor();

  await expect.poll(() => page.getByTestId('card-entered').textContent()).toContain(String(members.length));
  await expect(page.getByTestId('card-converted').textContent()).resolves.toContain(String(buyers.length));
  // the chart is drawn (ECharts renders into a canvas)
  await page.getByTestId('results-chart').locator('canvas').first().waitFor();
  // the winner is marked in the variant table, and said in words
  await expect(page.getByTestId('variant-b').getByTestId('winner-tag').textContent()).resolves.toBe('胜出');
  await expect(page.getByTestId('winner-status-ab').textContent()).resolves.toContain('B 折扣短信 胜出');
  await expect(page.getByTestId('variant-a').getByTestId('winner-tag').count()).resolves.toBe(0);
  await expect(page.getByTestId('results-attribution').textContent()).resolves.toContain(
    '转化统计含旅程结束后 7 天内的目标事件',
  );
  await expect(page.getByTestId('results-attribution').textContent()).resolves.toContain(
    '1 次转化的事件没有金额',
  );
  // lift over the holdout: a sentence, or the reason there is none
  const lift = page.getByTestId('card-lift');
  await expect(lift.textContent()).resolves.toMatch(/比对照组|对照组或实验组人数还太少/);
  await page.screenshot({ path: `${SHOTS}/results-zh-1280.png`, fullPage: true });

  // CSV export of the variant table: UTF-8 with a BOM, the journey's name and range in the file name
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-variants').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    /^流失召回 A_B 效果-分流效果-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).trim().split('\r\n');
  expect(lines[0]).toBe('分流节点,分组,对照组,胜出,进入,转化,转化率,收入（元）,人均收入（元）,为最优的概率');
  const bLine = lines.find((l) => l.includes('B 折扣短信'))!;
  expect(bLine.split(',').slice(2, 6)).toEqual(['', '是', String(b.length), String(b.length - 1)]);
  expect(lines.find((l) => l.includes('对照组,是'))).toBeDefined();

  // the per-node CSV carries the same figures as the report
  const [nodesDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-nodes').click(),
  ]);
  const nodesCsv = await readFile((await nodesDownload.path())!, 'utf8');
  const waitLine = nodesCsv.split('\r\n').find((l) => l.startsWith('wait,'))!;
  const waitReport = report.nodes.find((n) => n.nodeId === 'wait')!;
  expect(waitLine.split(',')[2]).toBe(String(waitReport.entered));

  // a marketer with publish permission picks B by hand (confirm), then undoes it (confirm)
  await page.getByTestId('pick-ab-b').click();
  await page.getByTestId('confirm-pick').click();
  await page.getByTestId('decision-ab').waitFor();
  await expect(page.getByTestId('decision-ab').getAttribute('data-by')).resolves.toBe('manual');
  await expect(page.getByTestId('decision-ab').textContent()).resolves.toContain('手动选定 B 折扣短信');
  await page.getByTestId('undo-decision-ab').click();
  await page.getByTestId('confirm-undo').click();
  await page.getByTestId('auto-winner-ab').waitFor();

  // the canvas shows the report's numbers: entered at the wait node, conversions downstream of the split
  await page.goto(`${e2e.base}/#/journeys/${id}`);
  await page.getByTestId('toggle-stats').click();
  const waitStats = page.getByTestId('node-stats-wait');
  await expect
    .poll(() => waitStats.textContent(), { timeout: 30_000 })
    .toContain(`进入 ${waitReport.entered}`);
  const splitReport = report.nodes.find((n) => n.nodeId === 'ab')!;
  await expect(page.getByTestId('node-stats-ab').getByTestId('node-downstream').textContent()).resolves.toBe(
    `下游转化 ${splitReport.convertedDownstream}`,
  );
  await page.screenshot({ path: `${SHOTS}/canvas-counts-zh.png` });
  expect(errors).toEqual([]);
});

it('says what is missing, in words, when a journey has no runs or only a few', async () => {
  const empty = await publishJourney('还没人进入的旅程', 'r3_nobody');
  const small = await publishJourney('小样本旅程', 'r3_few');
  const members = Array.from({ length: 6 }, (_, i) => `r3-few-${i}`);
  await enter(small, 'r3_few', members);

  for (const lang of ['zh', 'en'] as const)
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const { page, errors } = await e2e.newPage(viewport);
      await page.addInitScript((l) => localStorage.setItem('yutang.lang', l), lang);
      const tag = `${lang}-${viewport.width}`;

      await openResults(page, empty);
      await page.getByTestId('results-empty').waitFor();
      await expect(page.getByTestId('results-empty').textContent()).resolves.toContain(
        lang === 'zh' ? '所选版本和日期内还没有会员进入' : 'No member entered',
      );
      await page.screenshot({ path: `${SHOTS}/empty-${tag}.png`, fullPage: true });

      await openResults(page, small);
      await page.getByTestId('results-small-sample').waitFor();
      await expect(page.getByTestId('winner-status-ab').textContent()).resolves.toBe(
        lang === 'zh' ? '样本不足，暂不判断' : 'Too few members to judge yet',
      );
      await expect(page.getByTestId('winner-detail-ab').textContent()).resolves.toMatch(
        lang === 'zh' ? /每组至少 10 人才判断.*还需 \d+ 人/ : /Each group needs 10 members.*\d+ more/,
      );
      await page.screenshot({ path: `${SHOTS}/small-${tag}.png`, fullPage: true });

      // more than two years is refused in the picker, with the reason
      if (viewport.width === 1280 && lang === 'zh') {
        const inputs = page.locator('.yt-results__filters .ant-picker-range input');
        await inputs.first().click();
        await inputs.first().fill('2020-01-01');
        await page.keyboard.press('Enter');
        await inputs.nth(1).fill('2026-01-01');
        await page.keyboard.press('Enter');
        await page.getByTestId('range-problem').waitFor();
        await expect(page.getByTestId('range-problem').textContent()).resolves.toContain('最长 2 年');
      }
      expect(errors).toEqual([]);
      await page.close();
    }
});
