import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthConfig, authConfigFromEnv } from '../auth/auth-config.js';
import {
  fixtureKey,
  fixtureSession,
  fixtureUser,
  keyHeaders,
  sessionHeaders,
} from '../testing/credentials.js';
import { apiWith as apiWithAuth, sessionTokenOf as tokenOf } from '../testing/in-process-api.js';
import { type Stack, startStack } from '../testing/stack.js';

const PASSWORD = 'correct horse battery';

describe('people: sign-in, sessions, keys, invitations', () => {
  let stack: Stack;
  let email: string;

  const apiWith = (overrides: Partial<AuthConfig> = {}) => apiWithAuth(stack, overrides);
  let api: ReturnType<typeof apiWith>;
  const signIn = async (call = api, who = email, password = PASSWORD) => {
    const r = await call('POST', '/auth/sign-in', { body: { email: who, password } });
    return { ...r, token: tokenOf(r.res) };
  };
  const as = (token: string) => ({ headers: sessionHeaders(token) });

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    api = apiWith();
    email = `signin-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email, password: PASSWORD, role: 'admin' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in with an HttpOnly, SameSite=Lax cookie (Secure over HTTPS); hashes are Argon2id, tokens not kept', async () => {
    const plain = await signIn();
    expect(plain.status).toBe(200);
    const cookie = plain.res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/^yutang_session=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/m);
    expect(cookie).not.toMatch(/Secure/);
    expect(plain.body).toMatchObject({
      setupRequired: false,
      user: { email },
      workspace: { id: stack.workspaceId },
      role: 'admin',
    });
    expect(plain.body.permissions).toContain('keys.manage');

    const https = await api('POST', '/auth/sign-in', {
      base: 'https://localhost',
      body: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(https.status).toBe(200);
    expect(https.res.headers.getSetCookie().join('\n')).toMatch(
      /^__Host-yutang_session=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/m,
    );

    const me = await api('GET', '/auth/session', as(plain.token!));
    expect(me.body.user.email).toBe(email);

    const user = await stack.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[\w+/]+\$[\w+/]+$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    const sessions = await stack.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(JSON.stringify(sessions)).not.toContain(plain.token);
    expect(sessions.map((s) => s.token_hash)).toContain(
      createHash('sha256').update(plain.token!).digest('hex'),
    );
  });

  it('says the same for an unknown email as for a wrong password', async () => {
    const wrong = await signIn(api, email, 'not the password');
    const nobody = await signIn(api, `nobody-${randomUUID()}@yutang.test`, 'not the password');
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body).toEqual(nobody.body);
    expect(wrong.token).toBeNull();
  });

  it('signs out: the cookie is cleared and its session is over', async () => {
    const { token } = await signIn();
    expect((await api('GET', '/journeys', as(token!))).status).toBe(200);
    const out = await api('POST', '/auth/sign-out', as(token!));
    expect(out.status).toBe(200);
    expect(out.res.headers.getSetCookie().join('\n')).toMatch(/yutang_session=; Max-Age=0/);
    expect((await api('GET', '/journeys', as(token!))).status).toBe(401);
  });

  it('revokes another session of the same person', async () => {
    const laptop = (await signIn()).token!;
    const phone = (await signIn()).token!;
    const { body } = await api('GET', '/auth/sessions', as(laptop));
    const current = body.sessions.find((s: { current: boolean }) => s.current);
    const others = body.sessions.filter((s: { current: boolean }) => !s.current);
    expect(current).toBeTruthy();
    expect(others.length).toBeGreaterThan(0);
    for (const s of others)
      expect((await api('DELETE', `/auth/sessions/${s.id}`, as(laptop))).status).toBe(200);
    expect((await api('GET', '/journeys', as(phone))).status).toBe(401);
    expect((await api('GET', '/journeys', as(laptop))).status).toBe(200);
    // nobody else's session can be ended that way
    const stranger = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    expect((await api('DELETE', `/auth/sessions/${stranger.sessionId}`, as(laptop))).status).toBe(404);
  });

  it('expires a session at its maximum age, and one unused for its idle time', async () => {
    const short = apiWith({ sessionMaxMs: 1500 });
    const { token } = await signIn(short);
    expect((await short('GET', '/journeys', as(token!))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1800));
    expect((await short('GET', '/journeys', as(token!))).status).toBe(401);

    const idle = apiWith({ sessionIdleMs: 1000 });
    const second = (await signIn(idle)).token!;
    expect((await idle('GET', '/journeys', as(second))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1300));
    expect((await idle('GET', '/journeys', as(second))).status).toBe(401);
    // the default idle limit, from the table
    const third = (await signIn()).token!;
    await stack.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - interval '9 hours'` })
      .where('token_hash', '=', createHash('sha256').update(third).digest('hex'))
      .execute();
    expect((await api('GET', '/journeys', as(third))).status).toBe(401);
  });

  it('a changed password ends the other sessions', async () => {
    const who = `pw-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: who, password: PASSWORD, role: 'viewer' });
    const a = (await signIn(api, who)).token!;
    const b = (await signIn(api, who)).token!;
    const wrong = await api('PUT', '/auth/password', {
      ...as(a),
      body: { currentPassword: 'nope', newPassword: 'a new long password' },
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: { field: 'currentPassword' } } });
    const short = await api('PUT', '/auth/password', {
      ...as(a),
      body: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(short).toMatchObject({ status: 400, body: { error: { field: 'newPassword' } } });
    const ok = await api('PUT', '/auth/password', {
      ...as(a),
      body: { currentPassword: PASSWORD, newPassword: 'a new long password' },
    });
    expect(ok.status).toBe(200);
    expect((await api('GET', '/auth/session', as(b))).body.user).toBeNull();
    expect((await api('GET', '/journeys', as(a))).status).toBe(200);
    expect((await signIn(api, who, 'a new long password')).status).toBe(200);
  });

  it('slows down repeated failed sign-ins: 429 with Retry-After, counted in Postgres across API processes', async () => {
    const limits = { signInFailures: { max: 3, windowMs: 60_000 } };
    const one = apiWith(limits);
    const two = apiWith(limits);
    const who = `guess-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: who, password: PASSWORD, role: 'viewer' });
    expect((await signIn(one, who, 'guess 1')).status).toBe(401);
    expect((await signIn(two, who, 'guess 2')).status).toBe(401);
    expect((await signIn(one, who, 'guess 3')).status).toBe(401);
    // the fourth try is refused before any password is checked, even the right one, on either process
    for (const call of [two, one]) {
      const refused = await signIn(call, who, PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      const after = Number(refused.res.headers.get('retry-after'));
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThanOrEqual(60);
      expect(refused.token).toBeNull();
    }
    // someone else signs in as usual
    expect((await signIn(one)).status).toBe(200);
  });

  /** Sign-ins from an address of the test's own (behind a trusted proxy), so no other test's failures count. */
  const fromAddress = (overrides: Partial<AuthConfig>) => {
    const call = apiWith({ ...overrides, trustProxy: 1 });
    const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    return (who: string, password = PASSWORD) =>
      call('POST', '/auth/sign-in', { body: { email: who, password }, headers: { 'x-forwarded-for': ip } });
  };

  it('counts a failed sign-in before the password is checked: 200 guesses at once get at most `max` checks', async () => {
    const signInHere = fromAddress({ signInFailures: { max: 5, windowMs: 60_000 } });
    const who = `burst-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: who, password: PASSWORD, role: 'viewer' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => signInHere(who, `guess ${i}`).then((r) => r.status)),
    );
    // a 401 is a password that was checked; a 429 one that never was (and a 503, a burst that found no free
    // connection in time on a busy machine, was not checked either)
    const checked = answers.filter((s) => s === 401).length;
    expect(answers.filter((s) => s !== 401 && s !== 429 && s !== 503)).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    // the refused ones did not use up the address's looser bucket: another account from here still gets in
    const other = `burst-other-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: other, password: PASSWORD, role: 'viewer' });
    expect((await signInHere(other)).status).toBe(200);
  });

  it('a right password gives its slot back: signing in often is not slowed down', async () => {
    const signInHere = fromAddress({ signInFailures: { max: 2, windowMs: 60_000 } });
    const who = `often-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: who, password: PASSWORD, role: 'viewer' });
    for (let i = 0; i < 5; i++) expect((await signInHere(who)).status).toBe(200);
    expect((await signInHere(who, 'a wrong one')).status).toBe(401);
    expect((await signInHere(who)).status).toBe(200);
    expect((await signInHere(who, 'another wrong one')).status).toBe(401);
    expect((await signInHere(who)).status).toBe(429);
  });

  it('caps the sessions of a person: signing in beyond the cap ends the least recently used; the list shows them', async () => {
    const capped = apiWith({ sessionsPerUser: 3 });
    const who = `devices-${randomUUID().slice(0, 8)}@yutang.test`;
    await fixtureUser(stack.db, stack.workspaceId, { email: who, password: PASSWORD, role: 'viewer' });
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await signIn(capped, who);
      expect(r.status).toBe(200);
      tokens.push(r.token!);
    }
    const alive = await Promise.all(
      tokens.map(async (t) => (await capped('GET', '/auth/session', as(t))).body.user !== null),
    );
    expect(alive).toEqual([false, false, true, true, true]);
    const list = await capped('GET', '/auth/sessions', as(tokens[4]));
    expect(list.body.sessions).toHaveLength(3);
    expect(list.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(Object.keys(list.body.sessions[0]).sort()).toEqual(
      ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'].sort(),
    );
    // many sign-ins at once still leave at most the cap
    await Promise.all(Array.from({ length: 8 }, () => signIn(capped, who)));
    const user = await stack.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', who)
      .executeTakeFirstOrThrow();
    const open = await stack.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(open).toHaveLength(3);
    expect(authConfigFromEnv({ YUTANG_SESSIONS_PER_USER: '7' }).sessionsPerUser).toBe(7);
    expect(authConfigFromEnv({}).sessionsPerUser).toBe(20);
  });

  it('limits ingest per API key: 429 with Retry-After for that key only', async () => {
    const limited = apiWith({ ingest: { max: 3, windowMs: 60_000 } });
    const busy = await fixtureKey(stack.db, stack.workspaceId, ['ingest']);
    const quiet = await fixtureKey(stack.db, stack.workspaceId, ['ingest']);
    const send = (key: string, i: number) =>
      limited('POST', '/events', { headers: keyHeaders(key), body: { memberId: `rl-${i}`, name: 'rl_evt' } });
    for (let i = 0; i < 3; i++) expect((await send(busy, i)).status).toBe(202);
    const refused = await send(busy, 3);
    expect(refused.status).toBe(429);
    expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // a member upsert is ingest too
    expect((await limited('PUT', '/members/rl-9', { headers: keyHeaders(busy), body: {} })).status).toBe(429);
    expect((await send(quiet, 4)).status).toBe(202);
  });

  it('refuses a cross-origin text/plain POST that carries a valid session cookie (CSRF)', async () => {
    const { token } = await signIn();
    const cookie = `yutang_session=${token}`;
    const name = `csrf-${randomUUID().slice(0, 8)}`;
    const post = (headers: Record<string, string>) =>
      api('POST', '/journeys', { headers: { cookie, ...headers }, body: JSON.stringify({ name }) });
    // what a form on another site sends: text/plain, no preflight
    const forged = await post({
      'content-type': 'text/plain',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(forged.status).toBe(403);
    expect((await post({ 'content-type': 'text/plain', origin: 'https://evil.example' })).status).toBe(403);
    expect(
      (await post({ 'content-type': 'application/json', origin: 'http://localhost.evil.example' })).status,
    ).toBe(403);
    expect((await post({ 'content-type': 'text/plain', origin: 'null' })).status).toBe(403);
    // a browser that only says Sec-Fetch-Site
    const noOrigin = await api('POST', '/journeys', {
      headers: { cookie, 'sec-fetch-site': 'same-site', origin: '' },
      body: { name },
    });
    expect(noOrigin.status).toBe(403);
    // same origin but not JSON
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    const rows = await stack.db.selectFrom('journeys').select('id').where('name', '=', name).execute();
    expect(rows).toEqual([]);
    // the same cookie from our own page works
    expect((await post({ 'content-type': 'application/json' })).status).toBe(201);
    // signing someone in from another site is refused too (login CSRF)
    const login = await api('POST', '/auth/sign-in', {
      headers: { origin: 'https://evil.example' },
      body: { email, password: PASSWORD },
    });
    expect(login.status).toBe(403);
    // an API key is not sent by browsers on their own: no origin needed, but JSON still is
    const key = await fixtureKey(stack.db, stack.workspaceId);
    const viaKey = await api('POST', '/journeys', {
      headers: { ...keyHeaders(key), 'content-type': 'text/plain' },
      body: JSON.stringify({ name }),
    });
    expect(viaKey.status).toBe(415);
  });

  it('API keys: shown once, stored hashed, with creator and last use, and revoked at once', async () => {
    const { token } = await signIn();
    const made = await api('POST', '/keys', {
      ...as(token!),
      body: { name: 'CRM 同步', scopes: ['ingest', 'read'] },
    });
    expect(made.status).toBe(201);
    const secret: string = made.body.secret;
    expect(secret).toMatch(/^yt_[\w-]{43}$/);
    expect(made.body.key).toMatchObject({
      name: 'CRM 同步',
      scopes: ['ingest', 'read'],
      createdBy: email,
      lastUsedAt: null,
    });
    const row = await stack.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', made.body.key.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
    expect(row.key_hash).toBe(createHash('sha256').update(secret).digest('hex'));

    const list = await api('GET', '/keys', as(token!));
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect((await api('GET', '/journeys', { headers: keyHeaders(secret) })).status).toBe(200);
    const used = (await api('GET', '/keys', as(token!))).body.keys.find(
      (k: { id: string }) => k.id === row.id,
    );
    expect(used.lastUsedAt).not.toBeNull();
    expect(used.prefix).toBe(secret.slice(0, 9));

    expect((await api('DELETE', `/keys/${row.id}`, as(token!))).status).toBe(200);
    expect((await api('GET', '/journeys', { headers: keyHeaders(secret) })).status).toBe(401);
    expect((await api('DELETE', `/keys/${row.id}`, as(token!))).status).toBe(404);
  });

  it('invitations: the invitee sets a password, joins with the role, and the link works once', async () => {
    const admin = (await signIn()).token!;
    const invitee = `new-${randomUUID().slice(0, 8)}@yutang.test`;
    const invited = await api('POST', '/invitations', {
      ...as(admin),
      body: { email: invitee, role: 'marketer' },
    });
    expect(invited.status).toBe(201);
    const { token } = invited.body;
    expect(invited.body.path).toBe(`/#/invite/${token}`);
    const stored = await stack.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', invitee)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const info = await api('POST', '/auth/invitation', { body: { token } });
    // nothing about whether the address has an account: the inviting admin holds this link too
    expect(info.body).toEqual({
      email: invitee,
      role: 'marketer',
      workspace: { id: stack.workspaceId, name: stack.workspaceId },
    });
    const weak = await api('POST', '/auth/invitation/accept', { body: { token, password: 'short' } });
    expect(weak).toMatchObject({ status: 400, body: { error: { field: 'password' } } });
    const accepted = await api('POST', '/auth/invitation/accept', {
      body: { token, name: '小林', password: PASSWORD },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ user: { email: invitee, name: '小林' }, role: 'marketer' });
    const marketer = tokenOf(accepted.res)!;
    expect(
      (await api('POST', '/journeys', { ...as(marketer), body: { name: 'by the marketer' } })).status,
    ).toBe(201);
    expect((await api('GET', '/keys', as(marketer))).status).toBe(403);
    expect(
      (await api('POST', '/auth/invitation/accept', { body: { token, password: PASSWORD } })).status,
    ).toBe(404);

    // the admin makes them a viewer: it applies to the session they have
    const users = (await api('GET', '/users', as(admin))).body.users;
    const them = users.find((u: { email: string }) => u.email === invitee);
    expect((await api('PUT', `/users/${them.id}`, { ...as(admin), body: { role: 'viewer' } })).status).toBe(
      200,
    );
    expect((await api('POST', '/journeys', { ...as(marketer), body: { name: 'no more' } })).status).toBe(403);

    // someone in the workspace already is not invited again (the members list says so anyway)
    const again = await api('POST', '/invitations', { ...as(admin), body: { email: invitee, role: 'ops' } });
    expect(again.status).toBe(409);
  });

  it('workspaces: create one (its admin), switch to it and back; the last admin stays admin', async () => {
    const admin = (await signIn()).token!;
    const made = await api('POST', '/workspaces', { ...as(admin), body: { name: '华东区' } });
    expect(made.status).toBe(201);
    const wsId = made.body.workspace.id;
    const mine = (await api('GET', '/workspaces', as(admin))).body.workspaces;
    expect(mine.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining([stack.workspaceId, wsId]));

    const switched = await api('PUT', '/auth/workspace', { ...as(admin), body: { workspaceId: wsId } });
    expect(switched.body).toMatchObject({ workspace: { id: wsId, name: '华东区' }, role: 'admin' });
    expect((await api('GET', '/journeys', as(admin))).body.journeys).toEqual([]);
    const me = (await api('GET', '/auth/session', as(admin))).body.user.id;
    const demote = await api('PUT', `/users/${me}`, { ...as(admin), body: { role: 'viewer' } });
    expect(demote.status).toBe(409);
    expect((await api('DELETE', `/users/${me}`, as(admin))).status).toBe(409);

    // not a member: the same as no such workspace
    const foreign = await api('PUT', '/auth/workspace', {
      ...as(admin),
      body: { workspaceId: 'default-nope' },
    });
    expect(foreign.status).toBe(404);
    await api('PUT', '/auth/workspace', { ...as(admin), body: { workspaceId: stack.workspaceId } });
    expect((await api('GET', '/journeys', as(admin))).status).toBe(200);
  });

  it('masks phone numbers and emails for a viewer, everywhere', async () => {
    await stack.ok('PUT', '/members/mask-1', {
      name: '王小明',
      phone: '13800000000',
      email: 'xiaoming@example.com',
    });
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const seen = await api('GET', '/members/mask-1', { headers: viewer.headers });
    expect(seen.body.member).toMatchObject({
      name: '王小明',
      phone: '138****0000',
      email: 'x***@example.com',
    });
    const preview = await api('POST', '/render', {
      headers: viewer.headers,
      body: { body: '{{member.phone}}', memberId: 'mask-1' },
    });
    expect(preview.body.body).toBe('138****0000');
    const ops = await fixtureSession(stack.db, stack.workspaceId, 'ops');
    const full = await api('GET', '/members/mask-1', { headers: ops.headers });
    expect(full.body.member.phone).toBe('13800000000');
  });

  it('masks tel, phone_number, Phone, mail and what the workspace marks as personal, in answers and previews', async () => {
    await stack.ok('PUT', '/members/mask-2', {
      name: '李雷',
      attributes: {
        tel: '13900001111',
        phone_number: '13900002222',
        Phone: '13900003333',
        mail: 'li@example.com',
        birthday: '1990-05-01',
        city: '上海',
      },
    });
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const seen = await api('GET', '/members/mask-2', { headers: viewer.headers });
    expect(seen.body.member.attributes).toEqual({
      tel: '139****1111',
      phone_number: '139****2222',
      Phone: '139****3333',
      mail: 'l***@example.com',
      birthday: '****',
      city: '上海',
    });
    const render = async (template: string) =>
      (
        await api('POST', '/render', {
          headers: viewer.headers,
          body: { body: template, memberId: 'mask-2' },
        })
      ).body.body as string;
    const whole = await render('{{member.attributes}} {{member}}');
    for (const secret of ['13900001111', '13900002222', '13900003333', 'li@example.com', '1990-05-01'])
      expect(whole).not.toContain(secret);
    expect(
      await render('{{member.attributes.tel}} {{member.attributes.Phone}} {{member.attributes.birthday}}'),
    ).toBe('139****1111 139****3333 ****');

    // the workspace marks another attribute as personal (any case); a bad key is named
    const { settings } = await stack.ok('GET', '/settings');
    expect(settings.personalAttributes).toContain('birthday');
    const bad = await stack.call('PUT', '/settings', { ...settings, personalAttributes: ['city', ' '] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('personalAttributes.1');
    await stack.ok('PUT', '/settings', {
      ...settings,
      personalAttributes: [...settings.personalAttributes, 'City'],
    });
    try {
      expect(
        (await api('GET', '/members/mask-2', { headers: viewer.headers })).body.member.attributes.city,
      ).toBe('****');
      expect(await render('{{member.attributes.city}}')).toBe('****');
      // who has members.pii sees it all
      const ops = await fixtureSession(stack.db, stack.workspaceId, 'ops');
      const full = await api('GET', '/members/mask-2', { headers: ops.headers });
      expect(full.body.member.attributes).toMatchObject({
        tel: '13900001111',
        birthday: '1990-05-01',
        city: '上海',
      });
    } finally {
      await stack.ok('PUT', '/settings', settings);
    }
  });
});
