import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSession } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { type Stack, startStack } from '../testing/stack.js';

/** Every change has an author: who, when, where, what, on what, how it ended, in which request. */
describe('the audit log', () => {
  let stack: Stack;
  let admin: Awaited<ReturnType<typeof fixtureSession>>;
  let journeyId: string;

  /** A call as the admin person (session cookie), with a request id of our own. */
  async function asAdmin(method: string, path: string, body?: unknown, reqId?: string) {
    const res = await stack.app.request(`/api${path}`, {
      method,
      headers: { ...admin.headers, ...(reqId ? { 'x-request-id': reqId } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const entries = async (query = '') => (await asAdmin('GET', `/audit${query}`)).body;

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    admin = await fixtureSession(stack.db, stack.workspaceId, 'admin');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('records journey changes with the person, the request and the outcome; versions name who published', async () => {
    const created = await asAdmin('POST', '/journeys', { name: '复购提醒' }, 'req-create-1');
    expect(created.status).toBe(201);
    journeyId = created.body.id;
    // draft saves while editing: one record that counts them
    for (const name of ['复购提醒 v2', '复购提醒 v3'])
      expect((await asAdmin('PUT', `/journeys/${journeyId}`, { name })).status).toBe(200);
    // an empty journey cannot be published: recorded as failed, with why
    expect((await asAdmin('POST', `/journeys/${journeyId}/publish`, {}, 'req-publish-bad')).status).toBe(422);
    await asAdmin('PUT', `/journeys/${journeyId}`, {
      document: {
        nodes: [node('t', 'trigger.event', { event: 'audit_evt' }), node('x', 'exit')],
        edges: [edge('t', 'x')],
      },
    });
    expect(
      (await asAdmin('POST', `/journeys/${journeyId}/publish`, { note: '上线' }, 'req-publish-ok')).status,
    ).toBe(200);
    for (const action of ['pause', 'resume'])
      expect((await asAdmin('POST', `/journeys/${journeyId}/${action}`)).status).toBe(200);
    // an API key publishes version 2
    expect((await stack.call('POST', `/journeys/${journeyId}/publish`, {})).status).toBe(200);

    const { entries: log } = await entries(`?targetId=${journeyId}`);
    const who = { type: 'user', id: admin.userId, name: admin.email };
    expect(log.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`)).toEqual([
      'journey.publish ok',
      'journey.resume ok',
      'journey.pause ok',
      'journey.publish ok',
      'journey.publish failed',
      'journey.update ok',
      'journey.create ok',
    ]);
    const byAction = (action: string, outcome = 'ok') =>
      log.find((e: { action: string; outcome: string }) => e.action === action && e.outcome === outcome);
    expect(byAction('journey.create')).toMatchObject({
      actor: who,
      target: { type: 'journey', id: journeyId },
      requestId: 'req-create-1',
      detail: { name: '复购提醒' },
    });
    expect(byAction('journey.update').detail).toMatchObject({ edits: 3 });
    expect(byAction('journey.publish', 'failed')).toMatchObject({
      actor: who,
      requestId: 'req-publish-bad',
      detail: { status: 422, error: 'invalid_journey' },
    });
    expect(log[3]).toMatchObject({ actor: who, requestId: 'req-publish-ok', detail: { version: 1 } });
    expect(log[0]).toMatchObject({ actor: { type: 'key', name: 'test admin' }, detail: { version: 2 } });
    for (const e of log) expect(new Date(e.at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const journey = await asAdmin('GET', `/journeys/${journeyId}`);
    expect(journey.body.versions).toEqual([
      expect.objectContaining({ version: 2, publishedBy: 'test admin' }),
      expect.objectContaining({ version: 1, publishedBy: admin.email, note: '上线' }),
    ]);
    expect((await asAdmin('GET', `/journeys/${journeyId}/versions/1`)).body.publishedBy).toBe(admin.email);
  });

  it('records members, runs, settings, coupon templates, keys and users', async () => {
    await asAdmin('PUT', '/members/audit-m1', { name: '王', tags: ['vip'] });
    const run = await stack.insertRunRow(journeyId, 'audit-m1');
    expect((await asAdmin('POST', `/runs/${run.runId}/cancel`)).status).toBe(202);
    expect((await asAdmin('POST', `/runs/${run.runId}/retry`)).status).toBe(409);
    await asAdmin('PUT', '/settings', {
      timezone: 'Asia/Shanghai',
      quietHours: { start: '21:00', end: '09:00' },
      frequencyCaps: [],
    });
    await asAdmin('POST', '/coupon-templates', {
      name: '满100减20',
      kind: 'threshold',
      threshold: 100,
      value: 20,
      validDays: 7,
    });
    const key = await asAdmin('POST', '/keys', { name: '小程序', scopes: ['ingest'] });
    await asAdmin('DELETE', `/keys/${key.body.key.id}`);
    const invite = await asAdmin('POST', '/invitations', { email: 'audit-new@yutang.test', role: 'ops' });
    await asAdmin('DELETE', `/invitations/${invite.body.invitation.id}`);
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    await asAdmin('PUT', `/users/${viewer.userId}`, { role: 'ops' });
    await asAdmin('DELETE', `/users/${viewer.userId}`);

    const { entries: log } = await entries('?limit=200');
    const seen = (action: string) =>
      log.find((e: { action: string; outcome: string }) => e.action === action && e.outcome === 'ok');
    expect(seen('member.upsert')).toMatchObject({ target: { type: 'member', id: 'audit-m1' } });
    expect(seen('run.cancel')).toMatchObject({ target: { type: 'run', id: run.runId } });
    expect(log.find((e: { action: string }) => e.action === 'run.retry')).toMatchObject({
      outcome: 'failed',
      detail: { status: 409, error: 'conflict' },
    });
    expect(seen('settings.update').detail.settings.quietHours).toEqual({ start: '21:00', end: '09:00' });
    expect(seen('coupon_template.create').detail).toEqual({ name: '满100减20', kind: 'threshold' });
    expect(seen('key.create')).toMatchObject({
      target: { type: 'key', id: key.body.key.id },
      detail: { scopes: ['ingest'] },
    });
    expect(JSON.stringify(log)).not.toContain(key.body.secret);
    expect(seen('key.revoke')).toMatchObject({ target: { id: key.body.key.id }, detail: { name: '小程序' } });
    expect(seen('user.invite').detail).toMatchObject({ email: 'audit-new@yutang.test', role: 'ops' });
    expect(JSON.stringify(log)).not.toContain(invite.body.token);
    expect(seen('invitation.revoke')).toBeTruthy();
    expect(seen('user.role')).toMatchObject({
      target: { type: 'user', id: viewer.userId },
      detail: { from: 'viewer', to: 'ops' },
    });
    expect(seen('user.remove')).toMatchObject({ target: { id: viewer.userId }, detail: { role: 'ops' } });
    for (const e of log) expect(e.requestId).toBeTruthy();
  });

  it('writes the record in the change’s transaction: no record, no change', async () => {
    // a database that refuses this one record (as a full disk or a bug would)
    await sql`create or replace function audit_refuse() returns trigger language plpgsql as $$
      begin
        if new.action = 'journey.archive' and new.outcome = 'ok' then raise exception 'audit refused'; end if;
        return new;
      end $$`.execute(stack.db);
    await sql`create trigger audit_refuse before insert on audit_log for each row execute function audit_refuse()`.execute(
      stack.db,
    );
    try {
      const res = await asAdmin('POST', `/journeys/${journeyId}/archive`);
      expect(res.status).toBe(500);
      expect((await asAdmin('GET', `/journeys/${journeyId}`)).body.status).toBe('active');
    } finally {
      await sql`drop trigger audit_refuse on audit_log`.execute(stack.db);
    }
    expect((await asAdmin('POST', `/journeys/${journeyId}/archive`)).status).toBe(200);
    expect((await entries('?action=journey.archive&outcome=ok')).entries).toHaveLength(1);
  });

  it('filters and pages with a cursor; only admins read it', async () => {
    const all = (await entries('?limit=200')).entries;
    expect(all.length).toBeGreaterThan(15);
    const pages: number[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await entries(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.entries.map((e: { id: number }) => e.id));
      cursor = page.nextCursor;
    }
    expect(pages.flat()).toEqual(all.map((e: { id: number }) => e.id));
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);

    const journeyOnly = (await entries('?action=journey&limit=200')).entries;
    expect(journeyOnly.length).toBeGreaterThan(5);
    expect(journeyOnly.every((e: { action: string }) => e.action.startsWith('journey.'))).toBe(true);
    const failed = (await entries('?outcome=failed&limit=200')).entries;
    expect(failed.every((e: { outcome: string }) => e.outcome === 'failed')).toBe(true);
    const byKey = (await entries('?actorType=key&limit=200')).entries;
    expect(byKey.every((e: { actor: { type: string } }) => e.actor.type === 'key')).toBe(true);
    const mine = (await entries(`?actorId=${admin.userId}&limit=200`)).entries;
    expect(mine.length).toBeGreaterThan(5);
    const future = (await entries(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).entries;
    expect(future).toEqual([]);

    expect((await asAdmin('GET', '/audit?cursor=bm9wZQ')).status).toBe(400);
    expect((await asAdmin('GET', '/audit?limit=0')).status).toBe(400);
    expect((await asAdmin('GET', '/audit?from=275760-09-13')).body.error.field).toBe('from');
    expect((await asAdmin('GET', '/audit?to=not-a-date')).body.error.field).toBe('to');
    const ops = await fixtureSession(stack.db, stack.workspaceId, 'ops');
    expect((await stack.app.request('/api/audit', { headers: ops.headers })).status).toBe(403);
    // another workspace's log is not this one's
    expect(all.every((e: { id: number }) => typeof e.id === 'number')).toBe(true);
  });
});
