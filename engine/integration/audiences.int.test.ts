import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { ensureAudienceSchedule } from '../segments/broadcasts.service.js';
import { sweepSegmentPage } from '../segments/segments.service.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';
import { wallTime } from '../time/local-time.js';

const DAY = 86_400_000;
const localClock = (t: number, tz: string) => {
  const w = wallTime(t, tz);
  return {
    date: `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`,
    time: [w.hour, w.minute, w.second].map((x) => String(x).padStart(2, '0')).join(':'),
  };
};

/**
 * Audiences on real Postgres and a real Temporal server: entry within seconds of the qualifying event, time-based
 * audiences at the next scheduled pass (a Temporal Schedule, shortened to 2 s here), date triggers at a local
 * time, the lifecycle templates from their system audiences, imports, erasure and leaving an audience.
 */
describe('audiences', () => {
  let stack: Stack;
  let scheduleId: string;
  beforeAll(async () => {
    stack = await startStack();
    scheduleId = await ensureAudienceSchedule(
      { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null },
      2,
    );
  });
  afterAll(async () => {
    await stack?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => {});
    await stack?.stop();
  });

  const publish = async (name: string, document: JourneyDocument) => {
    const j = await stack.ok('POST', '/journeys', { name, document });
    await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    return j.id as string;
  };
  const runOf = (journeyId: string, member: string, ms = 30_000) =>
    eventually(
      async () => (await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=${member}`)).runs[0],
      ms,
      `${member}'s run in ${journeyId}`,
    );
  const segmentJourney = (segmentId: string, extra: Partial<JourneyDocument> = {}): JourneyDocument => ({
    nodes: [
      node('t', 'trigger.segment', { segmentId }),
      node('m', 'message', { channel: 'push', body: '专属礼遇' }),
      node('w', 'wait.duration', { amount: 30, unit: 'days' }),
      node('x', 'exit'),
    ],
    edges: [edge('t', 'm'), edge('m', 'w'), edge('w', 'x')],
    ...extra,
  });

  /** A journey from a lifecycle template, its coupon nodes given a fresh coupon template, published. */
  const fromTemplate = async (templateId: string, name = templateId) => {
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: `${name} 券`,
      kind: 'amount',
      value: 20,
      validDays: 7,
    });
    const created = await stack.ok('POST', '/journeys', { name, templateId });
    const doc = created.document as JourneyDocument;
    for (const n of doc.nodes) if (n.type === 'coupon') n.data.templateId = couponTemplate.id;
    await stack.ok('PUT', `/journeys/${created.id}`, { document: doc });
    await stack.ok('POST', `/journeys/${created.id}/publish`, {});
    return created.id as string;
  };

  it('refuses rules that cannot be evaluated, with the path of the bad rule', async () => {
    const bad = async (rule: unknown) =>
      (await stack.call('POST', '/segments', { name: `bad-${randomUUID()}`, rule })).body.error;
    expect(
      await bad({
        kind: 'all',
        rules: [
          { kind: 'tag', op: 'has', tag: 'vip' },
          { kind: 'event_count', event: 'order_paid', days: 0, op: 'gte', value: 1 },
        ],
      }),
    ).toMatchObject({ code: 'invalid_input', field: 'rule.rules.1.days' });
    expect(await bad({ kind: 'attribute', key: 'level', op: 'roughly', value: 1 })).toMatchObject({
      field: 'rule.op',
    });
    expect(await bad({ kind: 'segment', op: 'in', segmentId: randomUUID() })).toMatchObject({
      field: 'rule.segmentId',
    });
    // an audience that contains itself through another
    const a = (
      await stack.ok('POST', '/segments', {
        name: `A-${randomUUID()}`,
        rule: { kind: 'tag', op: 'has', tag: 'x' },
      })
    ).segment;
    const b = (
      await stack.ok('POST', '/segments', {
        name: `B-${randomUUID()}`,
        rule: { kind: 'segment', op: 'in', segmentId: a.id },
      })
    ).segment;
    const cycle = await stack.call('PUT', `/segments/${a.id}`, {
      name: a.name,
      rule: {
        kind: 'any',
        rules: [
          { kind: 'tag', op: 'has', tag: 'x' },
          { kind: 'segment', op: 'in', segmentId: b.id },
        ],
      },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error).toMatchObject({ field: 'rule.rules.1.segmentId' });
    expect(cycle.body.error.message).toContain('contain itself');
    // deleting an audience another refers to, or a published journey uses, is refused with their names
    const byAudience = await stack.call('DELETE', `/segments/${a.id}`);
    expect(byAudience.body.error.message).toContain(b.name);
    expect(byAudience.body.error.audiences).toEqual([{ id: b.id, name: b.name }]);
    const j = await publish('用人群的旅程', segmentJourney(b.id));
    const refused = await stack.call('DELETE', `/segments/${b.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('用人群的旅程');
    // the console names the journeys as links: ids and names, in the error and in the list
    expect(refused.body.error.journeys).toEqual([{ id: j, name: '用人群的旅程' }]);
    const listed = await stack.ok('GET', '/segments?limit=500');
    expect(listed.segments.find((x: { id: string }) => x.id === b.id).journeys).toEqual([
      { id: j, name: '用人群的旅程' },
    ]);
    expect(listed.segments.find((x: { id: string }) => x.id === a.id).journeys).toEqual([]);
    await stack.ok('POST', `/journeys/${j}/archive`);
    expect((await stack.call('DELETE', `/segments/${b.id}`)).status).toBe(200);
  });

  it('previews a draft rule with the checks a save makes, naming the bad row', async () => {
    const preview = (rule: unknown) => stack.call('POST', '/segments/preview', { rule });
    const tag = `preview_${randomUUID().slice(0, 8)}`;
    await stack.ok('POST', '/members/batch', {
      members: [
        { id: `${tag}_1`, tags: [tag] },
        { id: `${tag}_2`, tags: [tag] },
      ],
    });
    const ok = await preview({ kind: 'all', rules: [{ kind: 'tag', op: 'has', tag }] });
    expect(ok.status).toBe(200);
    expect(ok.body.count).toBe(2);
    expect(ok.body.sample.map((m: { externalId: string }) => m.externalId).sort()).toEqual([
      `${tag}_1`,
      `${tag}_2`,
    ]);
    // what only a save checked before: a comparison without a value, an audience that does not exist
    const noValue = await preview({
      kind: 'all',
      rules: [
        { kind: 'tag', op: 'has', tag },
        { kind: 'attribute', key: 'city', op: 'eq' },
      ],
    });
    expect(noValue.status).toBe(400);
    expect(noValue.body.error).toMatchObject({ code: 'invalid_input', field: 'rule.rules.1.value' });
    const unknown = await preview({
      kind: 'any',
      rules: [{ kind: 'segment', op: 'in', segmentId: randomUUID() }],
    });
    expect(unknown.body.error).toMatchObject({ field: 'rule.rules.0.segmentId' });
  });

  it('enters a member whose third order in 30 days arrives into a VIP journey within 2 s', async () => {
    const { segment } = await stack.ok('POST', '/segments', {
      name: '30 天 3 单',
      rule: { kind: 'event_count', event: 'order_paid', days: 30, op: 'gte', value: 3 },
    });
    const j = await publish('VIP 礼遇', segmentJourney(segment.id));
    for (let i = 0; i < 2; i++)
      await stack.ok('POST', '/events', {
        memberId: 'vip1',
        name: 'order_paid',
        id: `vip1-o${i}`,
        properties: { amount: 99 },
      });
    expect((await stack.ok('GET', `/runs?journeyId=${j}&memberId=vip1`)).runs).toEqual([]);
    const sent = Date.now();
    await stack.ok('POST', '/events', {
      memberId: 'vip1',
      name: 'order_paid',
      id: 'vip1-o2',
      properties: { amount: 99 },
    });
    const run = await runOf(j, 'vip1', 5000);
    expect(new Date(run.startedAt).getTime() - sent).toBeLessThan(2000);
    const { members } = await stack.ok('GET', `/segments/${segment.id}/members`);
    expect(members.map((m: any) => m.memberId)).toEqual(['vip1']);
    // a fourth order changes nothing: they are in already
    await stack.ok('POST', '/events', { memberId: 'vip1', name: 'order_paid', id: 'vip1-o3' });
    expect((await stack.ok('GET', `/runs?journeyId=${j}&memberId=vip1`)).runs).toHaveLength(1);
    expect((await stack.ok('GET', `/segments/${segment.id}/preview`)).count).toBe(1);
  });

  it('enters a member whose last order is back-dated past 90 days into win-back at the next scheduled pass', async () => {
    const created = { id: await fromTemplate('winback') };
    await stack.ok('PUT', '/members/lapsed1', { name: '老客', phone: '13600000001' });
    await stack.ok('POST', '/events', {
      memberId: 'lapsed1',
      name: 'order_paid',
      id: 'lapsed1-old',
      occurredAt: new Date(Date.now() - 100 * DAY).toISOString(),
    });
    const run = await runOf(created.id, 'lapsed1', 20_000);
    expect(run.version).toBe(1);
    // A member whose history says the same but who sends nothing (an order recorded directly, as a migrated
    // history would be): only the passage of time finds them — the scheduled pass, within its period.
    await stack.ok('PUT', '/members/lapsed2', { name: '迁移老客', phone: '13600000002' });
    const lapsed2 = await stack.db
      .selectFrom('members')
      .select('id')
      .where('workspace_id', '=', stack.workspaceId)
      .where('external_id', '=', 'lapsed2')
      .executeTakeFirstOrThrow();
    const longAgo = new Date(Date.now() - 120 * DAY);
    await stack.db
      .insertInto('events')
      .values({
        workspace_id: stack.workspaceId,
        member_id: lapsed2.id,
        name: 'order_paid',
        properties: '{}',
        occurred_at: longAgo,
      })
      .execute();
    await stack.db
      .insertInto('member_event_stats')
      .values({
        member_id: lapsed2.id,
        name: 'order_paid',
        workspace_id: stack.workspaceId,
        count: 1,
        first_at: longAgo,
        last_at: longAgo,
      })
      .execute();
    const scheduled = await runOf(created.id, 'lapsed2', 20_000);
    expect(scheduled.status).not.toBe('failed');
    const { segments } = await stack.ok('GET', '/segments');
    const system = segments.find((s: any) => s.systemKey === 'no_order_90d');
    expect(system).toMatchObject({ name: '90 天未购买', timeBased: true });
    expect(system.members).toBeGreaterThanOrEqual(1);
  });

  it('activation starts from its system audience: registered 7 days ago and never ordered', async () => {
    const created = { id: await fromTemplate('activation') };
    const imported = await stack.ok('POST', '/members/batch', {
      members: [
        {
          id: 'sleepy1',
          name: '沉睡',
          phone: '13500000001',
          registeredAt: new Date(Date.now() - 8 * DAY).toISOString(),
        },
        {
          id: 'fresh1',
          name: '新人',
          phone: '13500000002',
          registeredAt: new Date(Date.now() - 2 * DAY).toISOString(),
        },
      ],
    });
    expect(imported).toMatchObject({ imported: 2, rejected: 0 });
    const run = await runOf(created.id, 'sleepy1', 20_000);
    await eventually(
      async () => (await stack.ok('GET', `/messages?memberId=sleepy1`)).messages.length === 1,
      20_000,
      'the activation message',
    );
    expect(run.memberId).toBe('sleepy1');
    expect((await stack.ok('GET', `/runs?journeyId=${created.id}&memberId=fresh1`)).runs).toEqual([]);
  });

  it('enters a birthday journey at the set time in the member’s own zone', async () => {
    const tz = 'America/New_York';
    const soon = Date.now() + 4000;
    const { date, time } = localClock(soon, tz);
    const j = await publish('生日礼', {
      nodes: [
        node('t', 'trigger.date', { attribute: 'birthday', at: time, yearly: true }),
        node('x', 'exit'),
      ],
      edges: [edge('t', 'x')],
    });
    // born on this day (local date in New York) some years ago
    const birthday = `${Number(date.slice(0, 4)) - 30}${date.slice(4)}`;
    await stack.ok('PUT', '/members/bday1', { timezone: tz, attributes: { birthday } });
    await stack.ok('PUT', '/members/bday2', {
      timezone: tz,
      attributes: { birthday: '1990-01-01' === birthday ? '1990-01-02' : '1990-01-01' },
    });
    const run = await runOf(j, 'bday1', 20_000);
    expect(new Date(run.startedAt).getTime()).toBeGreaterThanOrEqual(Math.floor(soon / 1000) * 1000);
    expect((await stack.ok('GET', `/runs?journeyId=${j}&memberId=bday2`)).runs).toEqual([]);
    // once per occurrence: later passes enter nobody again today
    await new Promise((r) => setTimeout(r, 4500));
    expect((await stack.ok('GET', `/runs?journeyId=${j}&memberId=bday1`)).runs).toHaveLength(1);
  });

  it('imports members in batches: bad rows reported with their field, good rows written whole', async () => {
    const res = await stack.ok('POST', '/members/batch', {
      members: [
        { id: 'imp1', name: '甲', phone: '13700000001', tags: ['vip'], attributes: { level: 3 } },
        { id: 'imp2', email: 'not-an-email' },
        { id: 'imp3', name: '丙', timezone: 'Mars/Olympus' },
        { name: 'no id' },
        { id: 'imp4', name: '丁', consent: { sms: false } },
      ],
    });
    expect(res).toMatchObject({ imported: 2, rejected: 3 });
    expect(res.errors).toEqual([
      expect.objectContaining({ index: 1, id: 'imp2', field: 'email' }),
      expect.objectContaining({ index: 2, id: 'imp3', field: 'timezone' }),
      expect.objectContaining({ index: 3, field: 'id' }),
    ]);
    expect((await stack.call('GET', '/members/imp2')).status).toBe(404);
    expect((await stack.ok('GET', '/members/imp1')).member).toMatchObject({
      name: '甲',
      tags: ['vip'],
      attributes: { level: 3 },
    });
    // again: merged, not duplicated; a field left out stays
    await stack.ok('POST', '/members/batch', {
      members: [{ id: 'imp1', attributes: { city: '上海' }, tags: ['vip', 'new'] }],
    });
    expect((await stack.ok('GET', '/members/imp1')).member).toMatchObject({
      name: '甲',
      phone: '13700000001',
      tags: ['new', 'vip'],
      attributes: { level: 3, city: '上海' },
    });
    const tooMany = await stack.call('POST', '/members/batch', {
      members: Array.from({ length: 1001 }, (_, i) => ({ id: `x${i}` })),
    });
    expect(tooMany.status).toBe(400);
  });

  it('a member leaving the audience exits the journey at once; erasing a member ends their runs and their data', async () => {
    const { segment } = await stack.ok('POST', '/segments', {
      name: 'VIP 标签',
      rule: { kind: 'tag', op: 'has', tag: 'gold' },
    });
    const j = await publish(
      '金卡关怀',
      segmentJourney(segment.id, { settings: { exits: [{ kind: 'segment', segmentId: segment.id }] } }),
    );
    await stack.ok('PUT', '/members/gold1', { phone: '13800000011', tags: ['gold'] });
    await stack.ok('PUT', '/members/gold2', { phone: '13800000012', tags: ['gold'] });
    await eventually(async () => (await runOf(j, 'gold1')).status === 'waiting', 20_000, 'gold1 waiting');
    await eventually(async () => (await runOf(j, 'gold2')).status === 'waiting', 20_000, 'gold2 waiting');
    await stack.ok('PUT', '/members/gold1', { tags: [] });
    await eventually(
      async () => {
        const r = await runOf(j, 'gold1');
        return r.status === 'exited' && r.exitReason === `exit:left_segment:${segment.id}`;
      },
      10_000,
      'gold1 exited on leaving the audience',
    );
    const erased = await stack.ok('DELETE', '/members/gold2', { confirm: 'gold2' });
    expect(erased).toMatchObject({ deleted: true, alreadyErased: false, runsEnded: 1 });
    expect((await stack.call('GET', '/members/gold2')).status).toBe(404);
    const left = await stack.db
      .selectFrom('members')
      .select(['external_id', 'phone', 'name', 'attributes'])
      .where('external_id', 'like', 'deleted-%')
      .where('workspace_id', '=', stack.workspaceId)
      .execute();
    expect(left).toEqual([expect.objectContaining({ phone: null, name: null, attributes: {} })]);
    await eventually(
      async () =>
        (
          await runOf(
            j,
            'deleted-' +
              (
                await stack.db
                  .selectFrom('members')
                  .select('id')
                  .where('external_id', 'like', 'deleted-%')
                  .where('workspace_id', '=', stack.workspaceId)
                  .executeTakeFirstOrThrow()
              ).id,
          )
        ).status === 'cancelled',
      10_000,
      'the erased member’s run cancelled',
    );
  });

  it('the welcome and repurchase templates run end to end from their events', async () => {
    const welcome = await fromTemplate('welcome');
    await stack.ok('PUT', '/members/tw1', { name: '新会员', phone: '13400000001' });
    await stack.ok('POST', '/events', { memberId: 'tw1', name: 'member_registered', id: 'tw1-reg' });
    await eventually(
      async () => (await runOf(welcome, 'tw1')).currentNodeId === 'wait_first_order',
      20_000,
      'welcome waiting for an order',
    );
    const [msg] = (await stack.ok('GET', '/messages?memberId=tw1')).messages;
    expect(msg.body).toMatch(/^新会员，欢迎加入会员！新人专享券已到账，券码 YT/);
    // the first order is the welcome journey's goal: the run ends converted, not merely completed
    await stack.ok('POST', '/events', { memberId: 'tw1', name: 'order_paid', id: 'tw1-order' });
    await eventually(
      async () => (await runOf(welcome, 'tw1')).status === 'converted',
      20_000,
      'welcome converted by the first order',
    );

    // repurchase: an order starts it (the event that started it does not end its wait); each new order restarts
    // the replenishment cycle in the same run
    const repurchase = await fromTemplate('repurchase');
    await stack.ok('POST', '/events', { memberId: 'tw2', name: 'order_paid', id: 'tw2-o1' });
    const first = await eventually(
      async () => {
        const r = await runOf(repurchase, 'tw2');
        return r.currentNodeId === 'wait_cycle' && r;
      },
      20_000,
      'repurchase waiting',
    );
    await stack.ok('POST', '/events', { memberId: 'tw2', name: 'order_paid', id: 'tw2-o2' });
    await eventually(
      async () => {
        const { steps } = await stack.ok('GET', `/runs/${first.id}`);
        return steps.filter((s: any) => s.nodeId === 'wait_cycle' && s.output === 'matched').length === 1;
      },
      20_000,
      'the cycle restarted by the second order',
    );
    expect((await runOf(repurchase, 'tw2')).status).toBe('waiting');
    expect((await stack.ok('GET', `/runs?journeyId=${repurchase}&memberId=tw2`)).runs).toHaveLength(1);
  });

  it('a pass that looked earlier never undoes what the real-time path changed after it', async () => {
    const { segment } = await stack.ok('POST', '/segments', {
      name: '30 天内到店',
      rule: { kind: 'last_event', event: 'store_visit', op: 'within_days', days: 30 },
    });
    const def = {
      id: segment.id as string,
      workspace_id: stack.workspaceId,
      rule: segment.rule,
      time_based: true,
      event_names: ['store_visit'],
      member_fields: false,
      depends_on: [],
    };
    // The pass looked at `before`; the real-time path then changed two members (written here as it writes
    // them): it entered race1 (who had no visit when the pass looked) and removed race2 (who had one).
    await stack.ok('PUT', '/members/race1', { name: '竞态一' });
    await stack.ok('PUT', '/members/race2', { name: '竞态二' });
    await stack.ok('POST', '/events', { memberId: 'race2', name: 'store_visit', id: 'race2-v' });
    const before = Date.now() - 60_000;
    await sql`delete from segment_members where segment_id = ${segment.id}`.execute(stack.db);
    const after = new Date(Date.now() + 1000);
    await sql`insert into segment_members (segment_id, member_id, workspace_id, entered_at, left_at)
      select ${segment.id}, id, workspace_id, ${after}, case when external_id = 'race2' then ${after}::timestamptz end
      from members where workspace_id = ${stack.workspaceId} and external_id in ('race1', 'race2')`.execute(
      stack.db,
    );
    const members = async () =>
      (await stack.ok('GET', `/segments/${segment.id}/members`)).members.map((m: any) => m.memberId);
    expect(await members()).toEqual(['race1']);
    // a page evaluated at `before` would remove race1 and enter race2; both changes came later, so it does neither
    await sweepSegmentPage(stack.db, null, def, {
      after: null,
      pageSize: 1000,
      now: before,
      timezone: 'Asia/Shanghai',
    });
    expect(await members()).toEqual(['race1']);
  });
});
