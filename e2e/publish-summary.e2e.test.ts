import { promises as fs } from 'node:fs';
import { afterAll, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.js';
import { fixtureUser, keyHeaders } from '../engine/testing/credentials.js';
import { e2eSession, signIn } from './harness.js';

// A marketer publishes: before confirming, the app says what the version will do — trigger, who can enter,
// every channel live or sandbox — and refuses an SMS node without a template once SMS is configured.

const e2e = e2eSession();

// The default workspace is shared with the other e2e files: SMS goes back to the sandbox (channels.e2e expects it).
afterAll(async () => {
  await e2e.call('DELETE', '/channel-settings/sms').catch(() => undefined);
});
const shots = '/work/shots/u4-honest';
const MARKETER = { email: 'marketer-publish@yutang.test', password: 'marketer-publish-password' };
const pos = (y: number) => ({ x: 200, y });

function doc(sms: Record<string, unknown>) {
  return {
    nodes: [
      { id: 'paid', type: 'trigger.event', data: { event: 'order_paid' }, position: pos(0) },
      { id: 'thanks_sms', type: 'message', data: { channel: 'sms', ...sms }, position: pos(140) },
      {
        id: 'thanks_mail',
        type: 'message',
        data: { channel: 'email', title: '感谢下单', body: '{{member.name}}，感谢下单！' },
        position: pos(280),
      },
      { id: 'done', type: 'exit', data: {}, position: pos(420) },
    ],
    edges: [
      { id: 'e1', source: 'paid', sourceHandle: 'next', target: 'thanks_sms' },
      { id: 'e2', source: 'thanks_sms', sourceHandle: 'next', target: 'thanks_mail' },
      { id: 'e3', source: 'thanks_mail', sourceHandle: 'next', target: 'done' },
    ],
  };
}

it('shows the publish summary in Chinese, refuses an SMS node without a template once SMS is live, and records who published', async () => {
  await fs.mkdir(shots, { recursive: true });
  const db = createDb(inject('databaseUrl'), { max: 1 });
  await fixtureUser(db, 'default', { ...MARKETER, role: 'marketer' }).finally(() => db.destroy());
  // SMS has a provider (Aliyun); email stays the sandbox
  await e2e.call('PUT', '/channel-settings/sms', {
    accessKeyId: 'LTAI-publish',
    accessKeySecret: 'publish-secret',
    signName: '鱼塘',
  });
  for (const id of ['pub-1', 'pub-2', 'pub-3']) await e2e.call('PUT', `/members/${id}`, { name: id });
  const journey = await e2e.call<{ id: string }>('POST', '/journeys', {
    name: '下单感谢',
    document: doc({ body: '{{member.name}}，感谢下单！' }),
  });

  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, e2e.base, MARKETER);
  await page.goto(`${e2e.base}/#/journeys/${journey.id}`);
  // the text-only SMS node is marked on the canvas: a configured provider sends only approved templates
  await page.getByTestId('node-problem-thanks_sms').waitFor({ timeout: 30_000 });
  await page.getByTestId('node-problem-thanks_sms').hover();
  await page.getByText('短信已配置服务商，只能发送服务商的消息表单').first().waitFor();
  await page.screenshot({ path: `${shots}/publish-sms-template-missing.png` });
  // node summaries read as words: the event's name, the message with its variables as words
  const summary = (id: string) => page.getByTestId(`node-${id}`).locator('.yt-node__summary').textContent();
  expect(await summary('paid')).toContain('订单支付（order_paid）');
  expect(await summary('thanks_mail')).toContain('[会员昵称]');
  expect(await summary('thanks_mail')).not.toContain('{{');
  await page.getByTestId('publish').click();
  // refused: no summary to confirm, and no version made
  await page.locator('[data-testid^="problem-thanks_sms-"]').first().waitFor();
  expect(await page.getByTestId('publish-confirm').count()).toBe(0);
  const refused = await fetch(`${e2e.base}/api/journeys/${journey.id}/publish`, {
    method: 'POST',
    headers: keyHeaders(e2e.key),
    body: '{}',
  });
  expect(refused.status).toBe(422);
  const body = await refused.json();
  expect(body.error.errors).toContainEqual(
    expect.objectContaining({ nodeId: 'thanks_sms', field: 'content' }),
  );

  // the marketer picks the approved template (as the CRM's API would write it) and opens the editor again
  await e2e.call('PUT', `/journeys/${journey.id}`, {
    document: doc({ content: { templateCode: 'SMS_271525576', params: { name: '{{member.name}}' } } }),
  });
  await page.reload();
  // the SMS node shows its template now (not 未设置)
  await expect.poll(() => summary('thanks_sms'), { timeout: 30_000 }).toContain('SMS_271525576');
  await page.getByTestId('publish').click();
  await page.locator('[data-testid="publish-summary"][data-state="ready"]').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('publish-trigger').textContent()).toBe(
    '会员发生事件「订单支付（order_paid）」时',
  );
  expect(await page.getByTestId('publish-who').textContent()).toMatch(
    /^工作区共 \d+ 位会员；发布后发生「订单支付（order_paid）」的会员进入$/,
  );
  expect(await page.getByTestId('publish-channel-sms').getAttribute('data-mode')).toBe('live');
  expect(await page.getByTestId('publish-channel-sms').textContent()).toContain('已配置，真实发送');
  expect(await page.getByTestId('publish-channel-email').getAttribute('data-mode')).toBe('sandbox');
  expect(await page.getByTestId('publish-sandbox-warning').textContent()).toContain('邮件还是沙箱');
  expect(await page.getByTestId('publish-refused').count()).toBe(0);
  await page.screenshot({ path: `${shots}/publish-summary-zh.png` });

  await page.getByTestId('publish-note').fill('首版');
  await page.getByTestId('publish-confirm').click();
  // lasting state: the version exists, and the version list says who published it and when
  await expect
    .poll(
      async () =>
        (await e2e.call<{ currentVersion: number | null }>('GET', `/journeys/${journey.id}`)).currentVersion,
    )
    .toBe(1);
  await page.getByTestId('versions').click();
  const by = page.getByTestId('version-1-by');
  await by.waitFor();
  expect(await by.textContent()).toMatch(/· marketer-publish@yutang.test 发布$/);
  await page.screenshot({ path: `${shots}/publish-version-by.png` });
  const detail = await e2e.call<{ versions: { publishedBy: string | null }[] }>(
    'GET',
    `/journeys/${journey.id}`,
  );
  expect(detail.versions[0].publishedBy).toBe('marketer-publish@yutang.test');
});
