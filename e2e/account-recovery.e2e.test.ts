import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.js';
import { fixtureKey, fixtureUser, keyHeaders } from '../engine/testing/credentials.js';
import { fakeSmtp, linkTokenIn, type SmtpMail } from '../engine/testing/fake-providers.js';
import { launchBrowser, type RunningApp, signIn, startApp } from './harness.js';

// Accounts and invitations as people meet them (issue 14): an invitation to someone who already has an account
// looks like any other; they say they have an account, give its password, are asked to confirm their email (a
// link mailed through the inviting workspace's own mail), confirm it and join. Then: the devices they are signed
// in on, their email's proofs, and a forgotten password reset by mail. Workspaces of this file's own (the
// default one is shared with other files), mail captured by a local SMTP server.

let app: RunningApp;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
const shots = 'test-results';
const n = randomBytes(3).toString('hex');
// the fake SMTP listens on 127.0.0.1: the workspace allows private addresses (an intranet relay)
const ws = {
  id: `brand-${n}`,
  name: `品牌 ${n}`,
  settings: JSON.stringify({ allowPrivateAddresses: true }),
};
const home = { id: `home-${n}`, name: `老东家 ${n}` };
const boss = { email: `boss-${n}@brand.cn`, password: 'the boss pass phrase' };
const bob = { email: `bob-${n}@brand.cn`, password: 'bob’s own pass phrase' };

beforeAll(async () => {
  app = await startApp({ databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress') });
  browser = await launchBrowser();
  smtp = await fakeSmtp();
  await fs.mkdir(shots, { recursive: true });
  const db = createDb(inject('databaseUrl'), { max: 1 });
  try {
    await db.insertInto('workspaces').values([ws, home]).execute();
    await fixtureUser(db, ws.id, { ...boss, role: 'admin' });
    // bob has an account already, in another workspace
    await fixtureUser(db, home.id, { ...bob, role: 'viewer' });
    const key = await fixtureKey(db, ws.id);
    const res = await fetch(`${app.baseUrl}/api/channel-settings/email`, {
      method: 'PUT',
      headers: keyHeaders(key),
      body: JSON.stringify({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: '品牌 <noreply@brand.cn>',
      }),
    });
    expect(res.status).toBe(200);
  } finally {
    await db.destroy();
  }
});

afterAll(async () => {
  await browser?.close();
  await smtp?.close();
  await app?.stop();
});

async function person(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

const lastMailTo = (address: string): SmtpMail | undefined =>
  smtp.mails.filter((m) => m.to.includes(`<${address}>`)).at(-1);

/** A screenshot once a modal's opening animation (and the menu's closing one) is over. */
async function shotOfModal(page: Page, name: string) {
  await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').waitFor({ state: 'hidden' });
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${shots}/${name}.png` });
}

it('someone with an account accepts an invitation: their password, then their email confirmed through the inviting workspace’s mail', async () => {
  // The admin invites bob: the same one-time link as for anyone.
  const admin = await person();
  await signIn(admin.page, app.baseUrl, boss);
  await admin.page.goto(`${app.baseUrl}/#/users`);
  await admin.page.getByTestId('invite-user').click();
  await admin.page.getByTestId('invite-email').fill(bob.email);
  await admin.page.getByTestId('invite-submit').click();
  const link = await admin.page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/#\/invite\/[\w-]{43}$/);
  await admin.page.screenshot({ path: `${shots}/accounts-invite-link.png` });
  await admin.page.getByTestId('invite-done').click();

  // Bob opens it. Taking it for a new account, he sets a password: the page learns he has one.
  const b = await person();
  await b.page.goto(link);
  await b.page.getByTestId('invite-form').waitFor();
  await b.page.screenshot({ path: `${shots}/accounts-invite-new.png` });
  await b.page.getByTestId('invite-password').fill('a brand new phrase');
  await b.page.getByTestId('invite-password-again').fill('a brand new phrase');
  await b.page.getByTestId('invite-submit').click();
  await b.page.getByText('已有鱼塘账号：请输入这个账号的密码').waitFor();
  await b.page.screenshot({ path: `${shots}/accounts-invite-existing.png` });

  // His real password: the address is not proven to this workspace yet — a link goes by its mail.
  await b.page.getByTestId('invite-password').fill(bob.password);
  await b.page.getByTestId('invite-submit').click();
  await b.page.getByTestId('invite-unverified').filter({ hasText: '已通过' }).waitFor();
  await b.page.screenshot({ path: `${shots}/accounts-invite-unverified.png` });
  const verify = linkTokenIn(lastMailTo(bob.email), 'verify');

  // The mail's link: his password confirms it.
  const mailTab = await b.page.context().newPage();
  await mailTab.goto(`${app.baseUrl}/#/verify/${verify}`);
  await mailTab.getByTestId('verify-form').waitFor();
  await mailTab.screenshot({ path: `${shots}/accounts-verify.png` });
  await mailTab.getByTestId('verify-password').fill(bob.password);
  await mailTab.getByTestId('verify-submit').click();
  await mailTab.getByTestId('verify-done').waitFor();
  await mailTab.screenshot({ path: `${shots}/accounts-verify-done.png` });
  await mailTab.close();

  // Back on the invitation: he joins.
  await b.page.getByTestId('invite-submit').click();
  await b.page.getByTestId('account-menu').waitFor();
  await b.page.getByTestId('my-role').filter({ hasText: '营销' }).waitFor();

  // His devices (he signs in on a second browser too) and his email's proofs, from the account menu.
  const phone = await person();
  await signIn(phone.page, app.baseUrl, bob);
  await b.page.getByTestId('account-menu').click();
  await b.page.getByTestId('my-sessions').click();
  await b.page.getByTestId('sessions-table').locator('tbody tr').nth(1).waitFor();
  await shotOfModal(b.page, 'accounts-sessions');
  const other = b.page.getByTestId('sessions-table').locator('tbody tr', { hasNotText: '本设备' });
  await other.getByRole('button', { name: '退出' }).click();
  // the lasting state: the phone's session is gone (the toast saying so may be gone before we look)
  await expect
    .poll(async () => (await (await phone.page.request.get(`${app.baseUrl}/api/auth/session`)).json()).user)
    .toBeNull();
  await b.page.locator('.ant-modal-close').click();
  await b.page.getByTestId('sessions-table').waitFor({ state: 'hidden' });
  await b.page.getByTestId('account-menu').click();
  await b.page.getByTestId('my-email').click();
  await b.page.getByTestId('email-verified').filter({ hasText: '已验证' }).waitFor();
  await b.page.getByTestId('prove-address').waitFor();
  await shotOfModal(b.page, 'accounts-email');

  // The admin's list: bob is a member; nothing was "added" without him.
  await admin.page.reload();
  await admin.page.getByTestId('users-table').getByText(bob.email).waitFor();
  await admin.page.screenshot({ path: `${shots}/accounts-users-after.png` });

  for (const who of [admin, b, phone]) expect(who.errors).toEqual([]);
});

it('a forgotten password: the reset link comes by mail, the new password signs in', async () => {
  const b = await person();
  await b.page.goto(`${app.baseUrl}/`);
  await b.page.getByTestId('sign-in-form').waitFor();
  await b.page.getByTestId('forgot-password').click();
  await b.page.getByTestId('forgot-email').fill(bob.email);
  await b.page.getByTestId('forgot-submit').click();
  await b.page.getByTestId('forgot-sent').waitFor();
  await shotOfModal(b.page, 'accounts-forgot-sent');
  // the mail goes out after the answer (its timing must not tell who has an account)
  const resetLink = () => {
    try {
      return linkTokenIn(lastMailTo(bob.email), 'reset');
    } catch {
      return null;
    }
  };
  await expect.poll(resetLink).toBeTruthy();
  const reset = resetLink()!;

  await b.page.goto(`${app.baseUrl}/#/reset/${reset}`);
  await b.page.getByTestId('reset-form').waitFor();
  await b.page.screenshot({ path: `${shots}/accounts-reset.png` });
  await b.page.getByTestId('reset-password').fill('bob’s newer pass phrase');
  await b.page.getByTestId('reset-password-again').fill('bob’s newer pass phrase');
  await b.page.getByTestId('reset-submit').click();
  await b.page.getByTestId('account-menu').waitFor();
  // the reset went through this workspace's mail: here he is in; his old workspace waits for its own proof
  await b.page.getByTestId('my-role').filter({ hasText: '营销' }).waitFor();
  const session = await (await b.page.request.get(`${app.baseUrl}/api/auth/session`)).json();
  expect(session.workspaces.map((w: { id: string }) => w.id)).toEqual([ws.id]);
  expect(session.suspendedWorkspaces.map((w: { id: string }) => w.id)).toEqual([home.id]);
  await b.page.getByTestId('account-menu').click();
  await b.page.getByTestId('my-email').click();
  await b.page.getByTestId('prove-address').getByText('待验证').waitFor();
  await shotOfModal(b.page, 'accounts-email-waiting');
  // the link worked once
  const again = await person();
  await again.page.goto(`${app.baseUrl}/#/reset/${reset}`);
  await again.page.getByTestId('reset-password').fill('yet another phrase!');
  await again.page.getByTestId('reset-password-again').fill('yet another phrase!');
  await again.page.getByTestId('reset-submit').click();
  await again.page.getByTestId('reset-gone').waitFor();
  for (const who of [b, again]) expect(who.errors).toEqual([]);
});

it('someone whose every workspace waits for a proof asks for the links there, confirms one and is back in', async () => {
  const carol = { email: `carol-${n}@brand.cn`, password: 'carol’s pass phrase' };
  const db = createDb(inject('databaseUrl'), { max: 1 });
  try {
    await fixtureUser(db, home.id, { ...carol, role: 'viewer' });
    const { id } = await fixtureUser(db, ws.id, { ...carol, role: 'ops' });
    // what a password reset through a third workspace's mail leaves behind
    await db
      .updateTable('workspace_members')
      .set({ suspended_at: new Date() })
      .where('user_id', '=', id)
      .execute();
  } finally {
    await db.destroy();
  }
  const c = await person();
  await signIn(c.page, app.baseUrl, carol);
  await c.page.goto(`${app.baseUrl}/`);
  await c.page.getByTestId('prove-address').waitFor();
  await c.page.getByTestId(`prove-${home.id}`).click();
  await c.page.getByTestId('prove-address').getByText('该工作区未配置邮件渠道').waitFor();
  await c.page.getByTestId(`prove-${ws.id}`).click();
  await c.page.getByTestId('prove-address').getByText('已发送').waitFor();
  await c.page.screenshot({ path: `${shots}/accounts-suspended.png` });
  // the admin sees who waits for a proof
  const admin = await person();
  await signIn(admin.page, app.baseUrl, boss);
  await admin.page.goto(`${app.baseUrl}/#/users`);
  await admin.page.getByTestId(`suspended-${carol.email}`).waitFor();
  await admin.page.screenshot({ path: `${shots}/accounts-users-suspended.png` });
  await c.page.goto(`${app.baseUrl}/#/verify/${linkTokenIn(lastMailTo(carol.email), 'verify')}`);
  await c.page.getByTestId('verify-password').fill(carol.password);
  await c.page.getByTestId('verify-submit').click();
  await c.page.getByTestId('verify-leave').click();
  await c.page.getByTestId('my-role').filter({ hasText: '运营' }).waitFor();
  for (const who of [c, admin]) expect(who.errors).toEqual([]);
});
