import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRoutes, type RouteDoc } from '../api/openapi.js';
import {
  type Permission,
  ROLES,
  type Role,
  rolePermissions,
  SCOPES,
  type Scope,
  scopePermissions,
} from '../auth/permissions.js';
import { tokenHash } from '../auth/tokens.js';
import { fixtureKey, fixtureSession, fixtureUser, keyHeaders } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * Built from the route table (every `documented` route): no credentials → 401; a key of workspace B on
 * workspace A's objects → 404; every role and every key scope against every route → allowed or 403,
 * exactly as engine/auth/permissions.ts says.
 */
describe('access control, route by route', () => {
  let stack: Stack;
  const ids: Record<string, string> = {};
  let otherKey: string;

  const routes = documentedRoutes();
  const guarded = routes.filter((r) => r.permission !== 'public');
  const inWorkspace = guarded.filter((r) => r.permission !== 'signed_in');

  /** The route's path with `:params` filled: A's real objects, or unknown ones (`fresh`). */
  function pathOf(route: RouteDoc, fresh = false): string {
    const kind = route.path.split('/')[2];
    const objectId: Record<string, string | undefined> = {
      journeys: ids.journey,
      runs: ids.run,
      keys: ids.key,
      invitations: ids.invitation,
      users: ids.user,
      auth: ids.session,
      segments: ids.segment,
      guides: ids.guide,
      'guide-tasks': ids.guideTask,
    };
    return route.path
      .replace(/^\/api/, '')
      .replace(':id', fresh ? randomUUID() : (objectId[kind] ?? randomUUID()))
      .replace(':version', '1')
      .replace(':channel', 'sms')
      .replace(':workspaceId', stack.workspaceId)
      .replace(':name', fresh ? `acl_${randomUUID().slice(0, 8)}` : ids.secret)
      .replace(':externalId', fresh ? `ghost-${randomUUID().slice(0, 8)}` : ids.member);
  }

  /** Where to send it: the API's routes under /api, the event SDKs' endpoints (/v1/*, /sa) at the root. */
  const urlOf = (route: RouteDoc, fresh = false) =>
    route.path.startsWith('/api/') ? `/api${pathOf(route, fresh)}` : pathOf(route, fresh);

  /** Bodies a route accepts, so that "not found" is what answers, not a bad body (new routes add theirs). */
  const goodBody: Record<string, unknown> = {
    'PUT /api/users/:id': { role: 'viewer' },
    'PUT /api/journeys/:id': { name: 'taken over' },
    'PUT /api/members/:externalId': { phone: '13900000000' },
    // an erase names the member again; a fresh (ghost) id does not match it and is refused whole
    'DELETE /api/members/:externalId': { confirm: 'acl-member' },
    'PUT /api/segments/:id': { name: 'taken over', rule: { kind: 'tag', op: 'has', tag: 'x' } },
    'POST /api/journeys/:id/enter': { memberIds: ['acl-member'] },
    'PUT /api/guides/:id': { name: 'taken over' },
    'POST /api/guide-tasks/:id/complete': { note: 'taken over' },
    'PUT /api/channel-settings/:channel': { accessKeyId: 'acl', accessKeySecret: 'acl', signName: '鱼塘' },
    'PUT /api/secrets/:name': { value: 'acl-secret-value-0123456789' },
  };
  /** Upserts: another workspace's key makes its own object of that id instead of finding A's. */
  const upserts = new Set(['PUT /api/members/:externalId', 'PUT /api/secrets/:name']);
  const isUpsert = (r: RouteDoc) => upserts.has(`${r.method.toUpperCase()} ${r.path}`);

  async function request(route: RouteDoc, headers: Record<string, string>, fresh = false) {
    const changes = route.method !== 'get';
    const body = changes
      ? JSON.stringify(goodBody[`${route.method.toUpperCase()} ${route.path}`] ?? {})
      : undefined;
    const res = await stack.app.request(urlOf(route, fresh), {
      method: route.method.toUpperCase(),
      headers,
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const journey = await stack.ok('POST', '/journeys', {
      name: 'A’s journey',
      document: {
        nodes: [node('t', 'trigger.event', { event: 'acl_evt' }), node('x', 'exit')],
        edges: [edge('t', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    ids.journey = journey.id;
    ids.member = 'acl-member';
    await stack.ok('PUT', `/members/${ids.member}`, { phone: '13800000000' });
    ids.run = (await stack.insertRunRow(journey.id, ids.member)).runId;
    ids.segment = (
      await stack.ok('POST', '/segments', {
        name: 'A’s audience',
        rule: { kind: 'tag', op: 'has', tag: 'acl' },
      })
    ).segment.id;
    ids.key = (await stack.ok('POST', '/keys', { name: 'A’s key', scopes: ['read'] })).key.id;
    ids.invitation = (
      await stack.ok('POST', '/invitations', { email: 'acl-invitee@yutang.test', role: 'viewer' })
    ).invitation.id;
    ids.guide = (await stack.ok('POST', '/guides', { name: 'A’s guide', wecomUserId: 'acl-guide' })).guide.id;
    ids.secret = 'acl_secret';
    await stack.ok('PUT', `/secrets/${ids.secret}`, { value: 'A-secret-value-0123456789' });
    // a task as a guide.task node makes it (no run behind it: nobody completes it here)
    const memberRow = await stack.db
      .selectFrom('members')
      .select('id')
      .where('workspace_id', '=', stack.workspaceId)
      .where('external_id', '=', ids.member)
      .executeTakeFirstOrThrow();
    ids.guideTask = (
      await stack.db
        .insertInto('guide_tasks')
        .values({
          workspace_id: stack.workspaceId,
          guide_id: ids.guide,
          member_id: memberRow.id,
          idempotency_key: `acl-${randomUUID()}`,
          title: 'A’s task',
          due_at: new Date(Date.now() + 86_400_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const someone = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    ids.user = someone.userId;
    ids.session = someone.sessionId;

    const other = `ws-b-${randomUUID().slice(0, 8)}`;
    await stack.db.insertInto('workspaces').values({ id: other, name: other }).execute();
    otherKey = await fixtureKey(stack.db, other);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('knows every route: each has a permission and each change an audit decision', () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) {
      if (r.method !== 'get')
        expect(r.audit, `${r.method} ${r.path} must say what it records (or audit: false)`).toBeDefined();
    }
  });

  it('answers 401 to every route but the public ones without credentials, or with a bad key', async () => {
    const refused: string[] = [];
    for (const route of guarded) {
      for (const headers of <Record<string, string>[]>[
        { 'content-type': 'application/json' },
        { 'content-type': 'application/json', authorization: 'Bearer yt_not-a-key' },
        {
          'content-type': 'application/json',
          cookie: 'yutang_session=not-a-session',
          origin: 'http://localhost',
        },
      ]) {
        const res = await request(route, headers);
        if (res.status !== 401 || res.body.error.code !== 'unauthenticated')
          refused.push(`${route.method} ${route.path} → ${res.status}`);
      }
    }
    expect(refused).toEqual([]);
    // and a revoked key is no key
    const revoked = await fixtureKey(stack.db, stack.workspaceId);
    await stack.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('key_hash', '=', tokenHash(revoked))
      .execute();
    const res = await stack.app.request('/api/journeys', { headers: keyHeaders(revoked) });
    expect(res.status).toBe(401);
  });

  it('answers 404 to a key of another workspace on this workspace’s objects, and changes nothing', async () => {
    const wrong: string[] = [];
    // the upserts last: they make B's own member (or secret) of that id, which B may then read or delete
    const secretBefore = (await stack.ok('GET', '/secrets')).secrets;
    const withObject = inWorkspace
      .filter((r) => /:(id|externalId|version|name)/.test(r.path))
      .sort((a, b) => Number(isUpsert(a)) - Number(isUpsert(b)));
    expect(withObject.length).toBeGreaterThan(15);
    for (const route of withObject) {
      const res = await request(route, keyHeaders(otherKey));
      if (isUpsert(route)) {
        // an upsert: it makes B's own object of that id
        if (res.status !== 200) wrong.push(`${route.method} ${route.path} → ${res.status}`);
        continue;
      }
      if (res.status !== 404)
        wrong.push(`${route.method} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
    // A's things are as they were
    const member = await stack.ok('GET', `/members/${ids.member}`);
    expect(member.member.phone).toBe('13800000000');
    const journey = await stack.ok('GET', `/journeys/${ids.journey}`);
    expect(journey).toMatchObject({ name: 'A’s journey', status: 'active' });
    const keys = await stack.ok('GET', '/keys');
    expect(keys.keys.find((k: { id: string }) => k.id === ids.key).revokedAt).toBeNull();
    const users = await stack.ok('GET', '/users');
    expect(users.users.map((u: { id: string }) => u.id)).toContain(ids.user);
    const guide = await stack.ok('GET', `/guides/${ids.guide}`);
    expect(guide.guide).toMatchObject({ name: 'A’s guide', active: true });
    const task = await stack.ok('GET', `/guide-tasks/${ids.guideTask}`);
    expect(task.task).toMatchObject({ status: 'open', note: null });
    // A's secret was neither deleted nor replaced (B's PUT made B's own)
    expect((await stack.ok('GET', '/secrets')).secrets).toEqual(secretBefore);
  });

  it('a guide sees only their own tasks: another guide’s are not found, and nothing outside tasks is theirs', async () => {
    const other = await fixtureSession(stack.db, stack.workspaceId, 'guide');
    await stack.ok('POST', '/guides', { name: 'B guide', wecomUserId: 'acl-guide-b', userId: other.userId });
    const get = (path: string, method = 'GET', body?: unknown) =>
      stack.app.request(`/api${path}`, {
        method,
        headers: other.headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await get(`/guide-tasks/${ids.guideTask}`)).status).toBe(404);
    expect((await get(`/guide-tasks/${ids.guideTask}/complete`, 'POST', { note: 'x' })).status).toBe(404);
    expect((await (await get('/guide-tasks')).json()).tasks).toEqual([]);
    expect((await (await get('/guide-members')).json()).members).toEqual([]);
    // a guide account no guide is linked to sees nothing at all
    const unlinked = await fixtureSession(stack.db, stack.workspaceId, 'guide');
    const none = await stack.app.request('/api/guide-tasks', { headers: unlinked.headers });
    expect((await none.json()).tasks).toEqual([]);
    const task = await stack.ok('GET', `/guide-tasks/${ids.guideTask}`);
    expect(task.task.status).toBe('open');
  });

  /** Each caller against each route: 403 exactly where the table says no, anything else where it says yes. */
  async function expectTable(
    who: string,
    headers: Record<string, string>,
    allowed: (permission: Permission | 'signed_in') => boolean,
  ) {
    const wrong: string[] = [];
    for (const route of guarded) {
      // changes go to objects that do not exist: allowed calls end in 400/404/409/422 and destroy nothing
      const res = await request(route, headers, route.method !== 'get');
      const permission = route.permission as Permission | 'signed_in';
      if (allowed(permission)) {
        if (res.status === 401 || res.status === 403)
          wrong.push(`${who} ${route.method} ${route.path}: ${res.status}, expected allowed`);
      } else if (res.status !== 403 || res.body.error.permission !== permission) {
        wrong.push(`${who} ${route.method} ${route.path}: ${res.status}, expected 403 (${permission})`);
      }
    }
    expect(wrong).toEqual([]);
  }

  it.each(ROLES)('lets a %s do exactly what the role → permission table says', async (role: Role) => {
    const session = await fixtureSession(stack.db, stack.workspaceId, role);
    const can = rolePermissions(role);
    await expectTable(role, session.headers, (p) => p === 'signed_in' || can.has(p));
  });

  it.each(SCOPES)(
    'lets a key with scope %s do exactly what the scope → permission table says',
    async (scope: Scope) => {
      const key = await fixtureKey(stack.db, stack.workspaceId, [scope]);
      const can = scopePermissions([scope]);
      // keys are systems: routes for signed-in people refuse them
      await expectTable(`key:${scope}`, keyHeaders(key), (p) => p !== 'signed_in' && can.has(p));
    },
  );

  it('an ingest key sends events and upserts members but cannot publish, read members or manage keys', async () => {
    const key = await fixtureKey(stack.db, stack.workspaceId, ['ingest']);
    const call = (method: string, path: string, body?: unknown) =>
      stack.app.request(`/api${path}`, {
        method,
        headers: keyHeaders(key),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await call('POST', '/events', { memberId: 'ingest-1', name: 'acl_evt' })).status).toBe(202);
    expect((await call('PUT', '/members/ingest-1', { name: '王' })).status).toBe(200);
    const publish = await call('POST', `/journeys/${ids.journey}/publish`, {});
    expect(publish.status).toBe(403);
    expect((await publish.json()).error).toMatchObject({ code: 'forbidden', permission: 'journeys.publish' });
    expect((await call('GET', '/members/ingest-1')).status).toBe(403);
    expect((await call('POST', '/keys', { name: 'escalate', scopes: ['admin'] })).status).toBe(403);
    // the refused publish is in the audit log, with who tried
    const denied = await stack.db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', stack.workspaceId)
      .where('action', '=', 'journey.publish')
      .where('outcome', '=', 'denied')
      .where('target_id', '=', ids.journey)
      .where('actor_name', '=', 'test ingest')
      .execute();
    expect(denied).toEqual([
      expect.objectContaining({
        actor_type: 'key',
        target_id: ids.journey,
        detail: { permission: 'journeys.publish' },
      }),
    ]);
  });

  it('a user removed from the workspace loses it at once, whatever their session says', async () => {
    const marketer = await fixtureSession(stack.db, stack.workspaceId, 'marketer');
    const before = await stack.app.request('/api/journeys', { headers: marketer.headers });
    expect(before.status).toBe(200);
    await stack.ok('DELETE', `/users/${marketer.userId}`);
    const after = await stack.app.request('/api/journeys', { headers: marketer.headers });
    expect(after.status).toBe(403);
    // still signed in (they may belong elsewhere), with no workspace
    const session = await (
      await stack.app.request('/api/auth/session', { headers: marketer.headers })
    ).json();
    expect(session).toMatchObject({ user: { id: marketer.userId }, workspace: null, permissions: [] });
  });

  it('answers hostile input on every route with a 4xx, never a 5xx', async () => {
    const someone = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const bodies = [
      'null',
      '[]',
      '"text"',
      '{"email":{},"password":[],"token":1,"name":{"$gt":""},"role":"root","scopes":["root"]}',
      `{"email":"${'a'.repeat(10_000)}@x.cn","password":"${'p'.repeat(100_000)}"}`,
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      '{"workspaceId":"../../etc","id":"DROP TABLE users;--","name":"\u0000"}',
    ];
    const wrong: string[] = [];
    for (const route of routes) {
      if (route.method === 'get') continue;
      // people's routes with a throwaway session; the rest as a system, or with nothing (public)
      const headers =
        route.permission === 'signed_in'
          ? someone.headers
          : route.permission === 'public'
            ? { 'content-type': 'application/json', origin: 'http://localhost' }
            : stack.headers;
      for (const body of bodies) {
        const res = await stack.app.request(urlOf(route, true), {
          method: route.method.toUpperCase(),
          headers,
          body,
        });
        if (res.status >= 500)
          wrong.push(`${route.method} ${route.path} ${body.slice(0, 40)} → ${res.status}`);
      }
    }
    for (const query of [
      '?limit=-1',
      '?cursor=%00',
      '?from=275760-01-01',
      '?action=journey.publish.x',
      '?actorId[]=1',
    ])
      if ((await stack.app.request(`/api/audit${query}`, { headers: stack.headers })).status >= 500)
        wrong.push(`GET /api/audit${query}`);
    expect(wrong).toEqual([]);
  });

  it('never takes the workspace from a header', async () => {
    const other = `ws-c-${randomUUID().slice(0, 8)}`;
    await stack.db.insertInto('workspaces').values({ id: other, name: other }).execute();
    await fixtureUser(stack.db, other);
    const res = await stack.app.request('/api/journeys', {
      headers: { ...stack.headers, 'x-workspace-id': other },
    });
    const { journeys } = await res.json();
    expect(journeys.map((j: { id: string }) => j.id)).toContain(ids.journey);
  });
});
