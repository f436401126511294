import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../auth/tokens.js';
import { fixtureSession, fixtureUser, sessionHeaders } from '../testing/credentials.js';
import { fakeSmtp, linkTokenIn, mailText, type SmtpMail } from '../testing/fake-providers.js';
import { apiWith, type InProcessCall, sessionTokenOf } from '../testing/in-process-api.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/**
 * Issue 14, H1: a workspace admin pre-claims someone's account (invites the address, accepts the link himself with
 * a password he chose) and, when another workspace invites the same address, was added there at once. Here the
 * attack is played out against the real API and mail server: workspace A (this stack's, with its SMTP channel)
 * and workspace B, whose admin is the attacker and whose mail server is the attacker's own relay.
 */
describe('accounts: nobody joins a workspace with an address they have not proven to it', () => {
  let stack: Stack;
  let api: InProcessCall;
  let smtpA: Awaited<ReturnType<typeof fakeSmtp>>;
  let relayB: Awaited<ReturnType<typeof fakeSmtp>>;
  let wsA: string;
  let wsB: string;
  let adminA: string;
  let mallory: string;

  const as = (token: string) => ({ headers: sessionHeaders(token) });
  const emailChannel = (port: number, from: string) => ({ host: '127.0.0.1', port, secure: false, from });
  const mailsTo = (smtp: { mails: SmtpMail[] }, address: string) =>
    smtp.mails.filter((m) => m.to.includes(`<${address}>`));
  /** Asks for a password reset and waits for its mail (sent after the answer) to reach `smtp`. */
  const resetMail = async (smtp: { mails: SmtpMail[] }, body: { email: string; invitation?: string }) => {
    const before = mailsTo(smtp, body.email).length;
    const answer = await api('POST', '/auth/password-reset', { body });
    expect(answer).toMatchObject({ status: 202, body: { ok: true } });
    return eventually(async () => mailsTo(smtp, body.email)[before], 10_000, `a reset mail to ${body.email}`);
  };
  /** the keys of a JSON value, all the way down: what an answer's shape says */
  const shape = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
        )
      : typeof v;

  beforeAll(async () => {
    // the fake SMTP servers listen on 127.0.0.1: these workspaces allow private addresses, as an intranet mail
    // relay would need (the outbound policy itself is tested in engine/channels/outbound-policy.int.test.ts)
    stack = await startStack({ worker: false, allowPrivateAddresses: true });
    api = apiWith(stack);
    smtpA = await fakeSmtp();
    relayB = await fakeSmtp();
    wsA = stack.workspaceId;
    await stack.ok(
      'PUT',
      '/channel-settings/email',
      emailChannel(smtpA.port, 'Brand A <noreply@brand-a.test>'),
    );
    adminA = (await fixtureSession(stack.db, wsA, 'admin')).token;
    wsB = `ws-b-${randomUUID().slice(0, 8)}`;
    await stack.db
      .insertInto('workspaces')
      .values({ id: wsB, name: 'Brand B', settings: JSON.stringify({ allowPrivateAddresses: true }) })
      .execute();
    mallory = (await fixtureSession(stack.db, wsB, 'admin')).token;
  });
  afterAll(async () => {
    await smtpA?.close();
    await relayB?.close();
    await stack?.stop();
  });

  it('H1: B’s admin pre-claims alice; A’s invitation looks like any other, the claimed account cannot enter A, and alice takes her address back by mail and joins A', async () => {
    const alice = `alice-${randomUUID().slice(0, 6)}@brand-a.test`;
    const squatterPassword = 'mallory chose this one';
    const alicePassword = 'alice’s own pass phrase';

    // 1. B's admin invites alice and accepts the link himself, with a password he chose.
    const bInvite = await api('POST', '/invitations', {
      ...as(mallory),
      body: { email: alice, role: 'viewer' },
    });
    expect(bInvite.status).toBe(201);
    const claimed = await api('POST', '/auth/invitation/accept', {
      body: { token: bInvite.body.token, password: squatterPassword },
    });
    expect(claimed.status).toBe(200);
    const squatter = sessionTokenOf(claimed.res)!;

    // 2. A's admin invites alice: the same answer as for an address nobody has, and the same audit record.
    const nobody = `nobody-${randomUUID().slice(0, 6)}@brand-a.test`;
    const aInvite = await api('POST', '/invitations', {
      ...as(adminA),
      body: { email: alice, role: 'admin' },
    });
    const fresh = await api('POST', '/invitations', {
      ...as(adminA),
      body: { email: nobody, role: 'admin' },
    });
    expect(aInvite.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(aInvite.body).not.toHaveProperty('added');
    expect(shape(aInvite.body)).toEqual(shape(fresh.body));
    expect(aInvite.body.path).toBe(`/#/invite/${aInvite.body.token}`);
    const audit = (await api('GET', '/audit?action=user.invite', as(adminA))).body.entries;
    const recordOf = (email: string) =>
      audit.find((e: { detail: { email: string } }) => e.detail.email === email);
    expect(shape(recordOf(alice))).toEqual(shape(recordOf(nobody)));
    expect(recordOf(alice).target.type).toBe('invitation');
    // …and what the link shows says nothing about an account either
    const info = await api('POST', '/auth/invitation', { body: { token: aInvite.body.token } });
    const freshInfo = await api('POST', '/auth/invitation', { body: { token: fresh.body.token } });
    expect(info.body).not.toHaveProperty('hasAccount');
    expect(shape(info.body)).toEqual(shape(freshInfo.body));

    // 3. The squatter is not in A: no switch, no members list.
    expect(
      (await api('PUT', '/auth/workspace', { ...as(squatter), body: { workspaceId: wsA } })).status,
    ).toBe(404);
    const squatterView = (await api('GET', '/auth/session', as(squatter))).body;
    expect(squatterView.workspaces.map((w: { id: string }) => w.id)).toEqual([wsB]);

    // 4. Even holding A's link, the account cannot join: its address was never proven to A. The proof goes by
    //    A's mail to alice, not to him.
    const tried = await api('POST', '/auth/invitation/accept', {
      body: { token: aInvite.body.token, password: squatterPassword },
    });
    expect(tried.status).toBe(403);
    expect(tried.body.error).toMatchObject({ code: 'email_unverified', mailOutcome: 'sent' });
    expect(mailsTo(smtpA, alice)).toHaveLength(1);
    expect(sessionTokenOf(tried.res)).toBeNull();
    expect(
      (await api('PUT', '/auth/workspace', { ...as(squatter), body: { workspaceId: wsA } })).status,
    ).toBe(404);
    // alice clicks that link she never asked for: without the account's password it proves nothing
    const unasked = linkTokenIn(mailsTo(smtpA, alice)[0], 'verify');
    const careless = await api('POST', '/auth/email-verification/confirm', {
      body: { token: unasked, password: alicePassword },
    });
    expect(careless.status).toBe(401);

    // 5. Proving the address through B's mail (his own relay) counts for B only.
    await api('PUT', '/channel-settings/email', {
      ...as(mallory),
      body: emailChannel(relayB.port, 'Brand B <noreply@brand-b.test>'),
    });
    const asked = await api('POST', '/auth/email-verification', { ...as(squatter), body: {} });
    expect(asked).toMatchObject({ status: 200, body: { mailOutcome: 'sent' } });
    const relayed = linkTokenIn(mailsTo(relayB, alice).at(-1), 'verify');
    const proven = await api('POST', '/auth/email-verification/confirm', {
      body: { token: relayed, password: squatterPassword },
    });
    expect(proven).toMatchObject({ status: 200, body: { workspace: { id: wsB } } });
    const again = await api('POST', '/auth/invitation/accept', {
      body: { token: aInvite.body.token, password: squatterPassword },
    });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('email_unverified');

    // 6. The real alice: her password is not the account's. She asks for a reset from A's invitation; it goes by
    //    A's mail to her (never through B's relay), she sets her password, and joins A.
    const mine = await api('POST', '/auth/invitation/accept', {
      body: { token: aInvite.body.token, password: alicePassword },
    });
    expect(mine.status).toBe(401);
    const relayedBefore = relayB.mails.length;
    const resetToken = linkTokenIn(
      await resetMail(smtpA, { email: alice, invitation: aInvite.body.token }),
      'reset',
    );
    expect(relayB.mails.length).toBe(relayedBefore);
    const stored = await stack.db.selectFrom('account_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(resetToken);
    expect(stored.map((t) => t.token_hash)).toContain(tokenHash(resetToken));
    const done = await api('POST', '/auth/password-reset/confirm', {
      body: { token: resetToken, password: alicePassword },
    });
    expect(done.status).toBe(200);
    expect(done.body.user.email).toBe(alice);
    // the link worked once
    expect(
      (
        await api('POST', '/auth/password-reset/confirm', {
          body: { token: resetToken, password: alicePassword },
        })
      ).status,
    ).toBe(404);
    // the squatter's sessions are over and his password is gone; B, whose admin chose it, waits for a proof
    expect((await api('GET', '/auth/session', as(squatter))).body.user).toBeNull();
    expect(
      (await api('POST', '/auth/sign-in', { body: { email: alice, password: squatterPassword } })).status,
    ).toBe(401);
    const joined = await api('POST', '/auth/invitation/accept', {
      body: { token: aInvite.body.token, password: alicePassword },
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ workspace: { id: wsA }, role: 'admin', user: { email: alice } });
    expect(joined.body.workspaces.map((w: { id: string }) => w.id)).toEqual([wsA]);
    expect(joined.body.suspendedWorkspaces.map((w: { id: string }) => w.id)).toEqual([wsB]);
    const aliceNow = sessionTokenOf(joined.res)!;
    expect(
      (await api('PUT', '/auth/workspace', { ...as(aliceNow), body: { workspaceId: wsB } })).status,
    ).toBe(404);
    // A's audit log has the reset; B's says the account was suspended there
    const aLog = (await api('GET', '/audit?action=user.password_reset', as(adminA))).body.entries;
    expect(aLog[0]).toMatchObject({ outcome: 'ok', detail: { sessionsEnded: 1 } });
    const bLog = (await api('GET', '/audit?action=user.suspend', as(mallory))).body.entries;
    expect(bLog[0]).toMatchObject({ outcome: 'ok', detail: { reason: 'password_reset_elsewhere' } });

    // 7. The squatter asks for a reset again: it goes through A's mail, where alice's address is proven, to her.
    const relayedNow = relayB.mails.length;
    expect(linkTokenIn(await resetMail(smtpA, { email: alice }), 'reset')).not.toBe(resetToken);
    expect(relayB.mails.length).toBe(relayedNow);
  });

  it('a reset through one workspace’s mail opens no other: the account’s other workspaces wait for a proof through their own mail', async () => {
    // carol is in B (first) and in A; B's admin resets her password through his relay
    const carol = `carol-${randomUUID().slice(0, 6)}@brand-a.test`;
    const { id: carolId } = await fixtureUser(stack.db, wsB, {
      email: carol,
      password: 'carol’s pass phrase',
      role: 'viewer',
    });
    await fixtureUser(stack.db, wsA, { email: carol, password: 'carol’s pass phrase', role: 'marketer' });
    await api('PUT', '/channel-settings/email', {
      ...as(mallory),
      body: emailChannel(relayB.port, 'Brand B <noreply@brand-b.test>'),
    });
    const stolen = linkTokenIn(await resetMail(relayB, { email: carol }), 'reset');
    const taken = await api('POST', '/auth/password-reset/confirm', {
      body: { token: stolen, password: 'mallory has it now' },
    });
    expect(taken.status).toBe(200);
    const held = sessionTokenOf(taken.res)!;
    // he holds the account in B, and nothing of A
    expect(taken.body.workspaces.map((w: { id: string }) => w.id)).toEqual([wsB]);
    expect((await api('PUT', '/auth/workspace', { ...as(held), body: { workspaceId: wsA } })).status).toBe(
      404,
    );
    const members = (await api('GET', '/users', as(adminA))).body.users;
    expect(members.find((u: { id: string }) => u.id === carolId)).toMatchObject({ suspended: true });
    // asking for A's proof mails carol (through A), and her click needs the account's password, which she lacks
    const asked = await api('POST', '/auth/email-verification', { ...as(held), body: { workspaceId: wsA } });
    expect(asked.body).toEqual({ mailOutcome: 'sent' });
    expect(mailsTo(relayB, carol)).toHaveLength(1);
    const sent = linkTokenIn(mailsTo(smtpA, carol).at(-1), 'verify');
    expect(
      (
        await api('POST', '/auth/email-verification/confirm', {
          body: { token: sent, password: 'carol’s pass phrase' },
        })
      ).status,
    ).toBe(401);
    // carol takes it back: A's admin invites her again, and the reset goes by A's mail
    const reinvite = await api('POST', '/invitations', {
      ...as(adminA),
      body: { email: carol, role: 'marketer' },
    });
    expect(reinvite.status).toBe(201);
    const mail = await resetMail(smtpA, { email: carol, invitation: reinvite.body.token });
    const back = await api('POST', '/auth/password-reset/confirm', {
      body: { token: linkTokenIn(mail, 'reset'), password: 'carol’s new phrase' },
    });
    expect(back.status).toBe(200);
    expect(back.body.workspaces.map((w: { id: string }) => w.id)).toEqual([wsA]);
    expect((await api('GET', '/auth/session', as(held))).body.user).toBeNull();
  });

  it('a workspace without email: the invitee with an account is told so, and nobody is joined', async () => {
    const wsC = `ws-c-${randomUUID().slice(0, 8)}`;
    await stack.db
      .insertInto('workspaces')
      .values({ id: wsC, name: 'Brand C', settings: JSON.stringify({ allowPrivateAddresses: true }) })
      .execute();
    const adminC = (await fixtureSession(stack.db, wsC, 'admin')).token;
    const dave = `dave-${randomUUID().slice(0, 6)}@brand-a.test`;
    await fixtureUser(stack.db, wsA, { email: dave, password: 'dave’s pass phrase', role: 'viewer' });
    const invite = await api('POST', '/invitations', { ...as(adminC), body: { email: dave, role: 'ops' } });
    const tried = await api('POST', '/auth/invitation/accept', {
      body: { token: invite.body.token, password: 'dave’s pass phrase' },
    });
    expect(tried.status).toBe(403);
    expect(tried.body.error).toMatchObject({ code: 'email_unverified', mailOutcome: 'not_configured' });
    expect(tried.body.error.message).toMatch(/no email channel/);
    expect(mailsTo(smtpA, dave)).toHaveLength(0);
    const users = (await api('GET', '/users', as(adminC))).body.users;
    expect(users.map((u: { email: string }) => u.email)).not.toContain(dave);
  });

  it('a new address joins by its link alone; its account is not verified, and proving it to A lets it join B later', async () => {
    const erin = `erin-${randomUUID().slice(0, 6)}@brand-a.test`;
    const invite = await api('POST', '/invitations', {
      ...as(adminA),
      body: { email: erin, role: 'viewer' },
    });
    const joined = await api('POST', '/auth/invitation/accept', {
      body: { token: invite.body.token, name: 'Erin', password: 'erin’s pass phrase' },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.user).toMatchObject({ email: erin, emailVerified: false });
    const session = sessionTokenOf(joined.res)!;
    // B invites her; the accept sends B's proof mail (B's relay here) and answers 403 until she confirms it
    await api('PUT', '/channel-settings/email', {
      ...as(mallory),
      body: emailChannel(relayB.port, 'Brand B <noreply@brand-b.test>'),
    });
    const bInvite = await api('POST', '/invitations', {
      ...as(mallory),
      body: { email: erin, role: 'viewer' },
    });
    const first = await api('POST', '/auth/invitation/accept', {
      body: { token: bInvite.body.token, password: 'erin’s pass phrase' },
    });
    expect(first.body.error).toMatchObject({ code: 'email_unverified', mailOutcome: 'sent' });
    const proof = linkTokenIn(mailsTo(relayB, erin).at(-1), 'verify');
    const confirmed = await api('POST', '/auth/email-verification/confirm', {
      body: { token: proof, password: 'erin’s pass phrase' },
    });
    expect(confirmed).toMatchObject({
      status: 200,
      body: { ok: true, workspace: { id: wsB, name: 'Brand B' } },
    });
    // once only
    expect(
      (
        await api('POST', '/auth/email-verification/confirm', {
          body: { token: proof, password: 'erin’s pass phrase' },
        })
      ).status,
    ).toBe(404);
    // a password reset through another workspace's mail (A's) voids that proof: it was made with the old password
    const reset = await resetMail(smtpA, { email: erin });
    expect(
      (
        await api('POST', '/auth/password-reset/confirm', {
          body: { token: linkTokenIn(reset, 'reset'), password: 'erin’s newer phrase' },
        })
      ).status,
    ).toBe(200);
    const voided = await api('POST', '/auth/invitation/accept', {
      body: { token: bInvite.body.token, password: 'erin’s newer phrase' },
    });
    expect(voided.body.error).toMatchObject({ code: 'email_unverified', mailOutcome: 'sent' });
    const again = linkTokenIn(mailsTo(relayB, erin).at(-1), 'verify');
    expect(again).not.toBe(proof);
    await api('POST', '/auth/email-verification/confirm', {
      body: { token: again, password: 'erin’s newer phrase' },
    });
    const second = await api('POST', '/auth/invitation/accept', {
      body: { token: bInvite.body.token, password: 'erin’s newer phrase' },
    });
    expect(second.status).toBe(200);
    expect(second.body.user.emailVerified).toBe(true);
    // the reset ended her first session; the new one is in A and B
    expect((await api('GET', '/auth/session', as(session))).body.user).toBeNull();
    expect(second.body.workspaces.map((w: { id: string }) => w.id)).toEqual([wsA, wsB]);
  });

  it('a reset request answers the same whatever the email; mails go to links on our own address only, and are rate-limited', async () => {
    const frank = `frank-${randomUUID().slice(0, 6)}@brand-a.test`;
    await fixtureUser(stack.db, wsA, { email: frank, password: 'frank’s pass phrase', role: 'viewer' });
    const unknown = await api('POST', '/auth/password-reset', { body: { email: `ghost-${frank}` } });
    const known = await resetMail(smtpA, { email: frank });
    expect(unknown).toMatchObject({ status: 202, body: { ok: true } });
    expect(known.to).toEqual([`<${frank}>`]);
    expect(mailsTo(smtpA, `ghost-${frank}`)).toHaveLength(0);
    const bad = await api('POST', '/auth/password-reset', { body: { email: 'not an email' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'email' } } });

    // a request made to another host (a forged Host header) gets no link to that host: without YUTANG_PUBLIC_URL
    // mails go out only for requests to this machine's own address
    const forged = await api('POST', '/auth/password-reset', {
      body: { email: frank },
      base: 'http://evil.example',
    });
    expect(forged.status).toBe(202);
    const published = apiWith(stack, { publicUrl: 'https://yutang.brand-a.test' });
    await published('POST', '/auth/password-reset', {
      body: { email: frank },
      base: 'https://yutang.brand-a.test',
    });
    // the forged request (answered first) mailed nothing; the one to the published address did
    await eventually(async () => mailsTo(smtpA, frank).length === 2, 10_000, 'the second mail to frank');
    const text = mailText(mailsTo(smtpA, frank)[1]);
    expect(text).toContain('https://yutang.brand-a.test/#/reset/');
    expect(text).not.toContain('evil.example');

    // at most `accountMail` mails an address, whether or not it has an account
    const limited = apiWith(stack, { accountMail: { max: 2, windowMs: 60_000 } });
    const gina = `gina-${randomUUID().slice(0, 6)}@brand-a.test`;
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push((await limited('POST', '/auth/password-reset', { body: { email: gina } })).status);
    expect(answers).toEqual([202, 202, 429]);
  });
});
