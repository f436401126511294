import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSession } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** Issue 19, ops: find any member by one text, erase one (PIPL), act on every failed run at a node. */
describe('members: search, erase, bulk run actions', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    for (const [id, patch] of [
      [
        'VIP_1001',
        { name: '王小明', phone: '+86 138-0013-8000', attributes: { wechat_openid: 'oWx_abc123' } },
      ],
      ['m2', { name: '王大力', phone: '13900008000' }],
      ['m3', { name: 'Lily Chen', phone: '13700001234', attributes: { wecom_external_userid: 'wmEXT_42' } }],
      ['m4', { name: '100%_纯', phone: null }],
    ] as const)
      await stack.ok('PUT', `/members/${id}`, patch);
  });
  afterAll(() => stack?.stop());

  const search = async (q: string) => {
    const r = await stack.ok('GET', `/members?q=${encodeURIComponent(q)}`);
    return { ...r, ids: r.members.map((m: any) => m.externalId).sort() };
  };

  it('finds by external id without case', async () => {
    const r = await search('vip_1001');
    expect(r.ids).toEqual(['VIP_1001']);
    expect(r.members[0].matchedBy).toEqual(['external_id']);
  });

  it('finds by the whole phone in any notation, and by its last four digits (several: a list)', async () => {
    expect((await search('13800138000')).ids).toEqual(['VIP_1001']);
    expect((await search('+86 138 0013 8000')).ids).toEqual(['VIP_1001']);
    const last4 = await search('8000');
    expect(last4.ids).toEqual(['VIP_1001', 'm2']);
    expect(last4.members.every((m: any) => m.matchedBy.includes('phone_last4'))).toBe(true);
  });

  it('finds by name prefix, Chinese and any case, with like wildcards literal', async () => {
    expect((await search('王')).ids).toEqual(['VIP_1001', 'm2']);
    expect((await search('王小')).ids).toEqual(['VIP_1001']);
    expect((await search('lily')).ids).toEqual(['m3']);
    expect((await search('100%')).ids).toEqual(['m4']);
    expect((await search('1%')).ids).toEqual([]);
    expect((await search('_')).ids).toEqual([]);
  });

  it('finds by WeChat openid and WeCom external userid', async () => {
    expect((await search('oWx_abc123')).members[0]).toMatchObject({
      externalId: 'VIP_1001',
      matchedBy: ['wechat_openid'],
    });
    expect((await search('wmEXT_42')).members[0]).toMatchObject({
      externalId: 'm3',
      matchedBy: ['wecom_external_userid'],
    });
  });

  it('answers an empty list (not an error) for no match, and a 400 naming q for no text', async () => {
    expect(await search('nobody-here')).toMatchObject({ query: 'nobody-here', members: [], more: false });
    const bad = await stack.call('GET', '/members?q=%20');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('q');
  });

  it('lets a viewer search by phone, with the phone masked in the answer', async () => {
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const res = await stack.app.request('/api/members?q=8000', { headers: viewer.headers });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.members.map((m: any) => m.phone).sort()).toEqual(['139****8000', '+86****8000'].sort());
  });

  it('erases a member only with the typed id: runs cancelled, personal data gone, counts kept, audited, once', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'erase me',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'erase_start' }),
          node('m', 'message', { channel: 'sms', body: '{{member.name}} 您好' }),
          node('w', 'wait.duration', { amount: 30, unit: 'days' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'm'), edge('m', 'w'), edge('w', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    await stack.ok('PUT', '/members/E1', { name: '张三', phone: '13611112222', tags: ['vip'] });
    await stack.ok('POST', '/events', { memberId: 'E1', name: 'erase_start', id: 'erase-1' });
    const run = await eventually(
      async () => {
        const { runs } = await stack.ok('GET', '/runs?memberId=E1');
        return runs[0]?.status === 'waiting' && runs[0];
      },
      30_000,
      'the run to wait',
    );
    const before = await stack.ok('GET', `/journeys/${journey.id}/stats`);

    const memberId = (
      await stack.db.selectFrom('runs').select('member_id').where('id', '=', run.id).executeTakeFirstOrThrow()
    ).member_id;
    // an SDK's anonymous id for the person (what the Segment / Sensors adapters link)
    await stack.db
      .insertInto('member_identities')
      .values({
        workspace_id: stack.workspaceId,
        identity: 'anon-e1',
        member_id: memberId,
        source: 'segment',
      })
      .execute();
    const noConfirm = await stack.call('DELETE', '/members/E1', {});
    expect([noConfirm.status, noConfirm.body.error.field]).toEqual([400, 'confirm']);
    const wrong = await stack.call('DELETE', '/members/E1', { confirm: 'e1' });
    expect([wrong.status, wrong.body.error.field]).toEqual([400, 'confirm']);
    expect((await stack.call('GET', '/members/E1')).status).toBe(200);

    const erased = await stack.ok('DELETE', '/members/E1', { confirm: 'E1' });
    expect(erased).toMatchObject({ deleted: true, alreadyErased: false, runsEnded: 1 });
    // a retry (the first answer lost) is answered as done, and changes nothing
    const again = await stack.ok('DELETE', '/members/E1', { confirm: 'E1' });
    expect(again).toMatchObject({ deleted: true, alreadyErased: true, runsEnded: 0 });
    expect((await stack.call('GET', '/members/E1')).status).toBe(404);
    expect((await search('13611112222')).members).toEqual([]);
    expect((await search('张')).members).toEqual([]);

    const ended = await eventually(
      async () => {
        const { run: r } = await stack.ok('GET', `/runs/${run.id}`);
        return r.status === 'cancelled' && r;
      },
      30_000,
      'the run to be cancelled',
    );
    expect(ended.exitReason).toBe('member_deleted');
    const row = await stack.db
      .selectFrom('members')
      .select(['external_id', 'name', 'phone', 'email', 'attributes', 'erased_at', 'guide_id'])
      .where(
        'id',
        '=',
        (
          await stack.db
            .selectFrom('runs')
            .select('member_id')
            .where('id', '=', run.id)
            .executeTakeFirstOrThrow()
        ).member_id,
      )
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: null, phone: null, email: null, attributes: {}, guide_id: null });
    expect(row.external_id).toMatch(/^deleted-/);
    expect(row.erased_at).toBeInstanceOf(Date);
    const messages = await stack.db
      .selectFrom('messages')
      .select(['to_address', 'body'])
      .where('run_id', '=', run.id)
      .execute();
    expect(messages).toEqual([{ to_address: null, body: '[erased]' }]);
    const tags = await stack.db
      .selectFrom('member_tags')
      .selectAll()
      .where('tag', '=', 'vip')
      .where('workspace_id', '=', stack.workspaceId)
      .execute();
    expect(tags).toEqual([]);
    expect(
      await stack.db.selectFrom('member_identities').selectAll().where('member_id', '=', memberId).execute(),
    ).toEqual([]);
    const events = await stack.ok('GET', '/events?memberId=E1');
    expect(events.events).toEqual([]);
    // the journey's counts keep the member: entered stays, the run moved from active to cancelled
    const after = await stack.ok('GET', `/journeys/${journey.id}/stats`);
    expect(after.totals.entered).toBe(before.totals.entered);
    expect(after.totals.cancelled).toBe(before.totals.cancelled + 1);
    expect(after.messages).toEqual(before.messages);
    const audit = await stack.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'target_id', 'detail'])
      .where('workspace_id', '=', stack.workspaceId)
      .where('action', '=', 'member.delete')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['failed', 'failed', 'ok', 'ok']);
    expect(audit[2]).toMatchObject({ target_id: expect.any(String), detail: { runsEnded: 1 } });
    expect(JSON.stringify(audit)).not.toContain('13611112222');
  });

  it('cancels or retries every failed run at a node in one call, saying how many', async () => {
    const templateId = '00000000-0000-4000-8000-00000000b0b0'; // missing: the coupon step fails
    const journey = await stack.ok('POST', '/journeys', {
      name: 'bulk',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'bulk_start' }),
          node('c', 'coupon', { templateId }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'c'), edge('c', 'x', 'issued'), edge('c', 'x', 'unavailable')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    for (const id of ['b1', 'b2', 'b3', 'b4'])
      await stack.ok('POST', '/events', { memberId: id, name: 'bulk_start', id: `bulk-${id}` });
    await eventually(
      async () => (await stack.ok('GET', `/journeys/${journey.id}/stats`)).nodes.c?.failed === 4,
      45_000,
      'four failed runs at c',
    );
    const bad = await stack.call('POST', '/runs/bulk', {
      journeyId: journey.id,
      nodeId: 'c',
      action: 'drop',
    });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'action']);

    const cancelled = await stack.ok('POST', '/runs/bulk', {
      journeyId: journey.id,
      nodeId: 'c',
      action: 'cancel',
    });
    expect(cancelled).toMatchObject({ matched: 4, acted: 4, remaining: 0 });
    const stats = await stack.ok('GET', `/journeys/${journey.id}/stats`);
    expect(stats.totals).toMatchObject({ entered: 4, cancelled: 4, failed: 0, active: 0 });
    expect(stats.nodes.c.failed).toBe(0);

    // retry: fix the cause, then retry every failed run; each takes its coupon once
    for (const id of ['r1', 'r2'])
      await stack.ok('POST', '/events', { memberId: id, name: 'bulk_start', id: `bulk-${id}` });
    await eventually(
      async () => (await stack.ok('GET', `/journeys/${journey.id}/stats`)).nodes.c?.failed === 2,
      45_000,
      'two failed runs at c',
    );
    await stack.db
      .insertInto('coupon_templates')
      .values({
        id: templateId,
        workspace_id: stack.workspaceId,
        name: '补发',
        kind: 'amount',
        value: 5,
        valid_days: 3,
        stock: null,
      })
      .execute();
    const retried = await stack.ok('POST', '/runs/bulk', {
      journeyId: journey.id,
      nodeId: 'c',
      action: 'retry',
    });
    expect(retried).toMatchObject({ matched: 2, acted: 2 });
    await eventually(
      async () => (await stack.ok('GET', `/journeys/${journey.id}/stats`)).totals.completed === 2,
      30_000,
      'both retried runs to complete',
    );
    const again = await stack.ok('POST', '/runs/bulk', {
      journeyId: journey.id,
      nodeId: 'c',
      action: 'retry',
    });
    expect(again).toMatchObject({ matched: 0, acted: 0, remaining: 0 });
    const { coupons } = await stack.ok('GET', `/coupons?journeyId=${journey.id}`);
    expect(coupons).toHaveLength(2);
  });
});
