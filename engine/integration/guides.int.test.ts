import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { ensureGuideSchedule } from '../guides/guide-sweep.js';
import { fixtureSession } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { fakeWeixin } from '../testing/fake-providers.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** A journey that gives the member's guide a task and tags the member by how it ended. */
function guideJourney(
  event: string,
  dueIn: object,
  remindBefore?: object,
  extra: Record<string, unknown> = {},
): JourneyDocument {
  return {
    nodes: [
      node('t', 'trigger.event', { event }),
      node('task', 'guide.task', {
        title: '给 VIP 打个电话',
        script: '您好，新品到店，欢迎来试穿',
        dueIn,
        ...(remindBefore ? { remindBefore } : {}),
        ...extra,
      }),
      node('done', 'tag', { add: ['guide_called'] }),
      node('late', 'tag', { add: ['guide_missed'] }),
      node('none', 'tag', { add: ['no_guide'] }),
      node('x', 'exit'),
    ],
    edges: [
      edge('t', 'task'),
      edge('task', 'done', 'done'),
      edge('task', 'late', 'overdue'),
      edge('task', 'none', 'no_guide'),
      edge('done', 'x'),
      edge('late', 'x'),
      edge('none', 'x'),
    ],
  };
}

/**
 * Guide tasks on real Postgres and a real Temporal server: the run waits for the guide's "done" or the due
 * time (shortened to seconds), the reminder goes out once by the guide-task schedule (a 1 s sweep here), a
 * member without a guide takes `no_guide`, and a guide sees and completes only their own tasks.
 */
describe('guide tasks', () => {
  let stack: Stack;
  let scheduleId: string;
  let longJourney: string;
  let shortJourney: string;
  let wecom: Awaited<ReturnType<typeof fakeWeixin>>;
  let guideA: { id: string; headers: Record<string, string> };
  let guideB: { id: string; headers: Record<string, string> };

  const as = async (headers: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await stack.app.request(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const publish = async (name: string, document: JourneyDocument) => {
    const j = await stack.ok('POST', '/journeys', { name, document });
    await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    return j.id as string;
  };
  const runOf = (journeyId: string, member: string, status = 'completed') =>
    eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=${member}`);
        return runs[0]?.status === status && runs[0];
      },
      60_000,
      `${member}'s run to be ${status}`,
    );
  const pathOf = async (runId: string) => {
    const { steps } = await stack.ok('GET', `/runs/${runId}`);
    return steps.map(
      (s: { nodeId: string; output: string | null; status: string }) => `${s.nodeId}:${s.output ?? s.status}`,
    );
  };
  const guideWithAccount = async (name: string, wecomUserId: string) => {
    const session = await fixtureSession(stack.db, stack.workspaceId, 'guide');
    const { guide } = await stack.ok('POST', '/guides', {
      name,
      wecomUserId,
      store: '静安店',
      userId: session.userId,
    });
    return { id: guide.id as string, headers: session.headers };
  };
  const taskOf = (headers: Record<string, string>, member: string, journeyId?: string) =>
    eventually(
      async () => {
        const { body } = await as(
          headers,
          'GET',
          `/guide-tasks${journeyId ? `?journeyId=${journeyId}` : ''}`,
        );
        return body.tasks?.find((t: { member: { externalId: string } }) => t.member.externalId === member);
      },
      30_000,
      `${member}'s task`,
    );

  beforeAll(async () => {
    // the provider is a local fake on 127.0.0.1: the workspace allows private addresses
    stack = await startStack({ allowPrivateAddresses: true });
    // reminders go to the guide as WeCom app messages: a fake WeCom, configured as a workspace would
    wecom = await fakeWeixin({ id: 'ww-guides', secrets: ['contact-secret', 'app-secret'] });
    await stack.ok('PUT', '/channel-settings/wecom', {
      corpId: 'ww-guides',
      contactSecret: 'contact-secret',
      agentId: 1000002,
      agentSecret: 'app-secret',
      endpoint: wecom.url,
    });
    scheduleId = await ensureGuideSchedule(
      { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null },
      1,
    );
    guideA = await guideWithAccount('王导购', 'wx-wang');
    guideB = await guideWithAccount('李导购', 'wx-li');
    longJourney = await publish('VIP 回访', guideJourney('vip_call', { amount: 10, unit: 'minutes' }));
    shortJourney = await publish(
      'VIP 回访（短）',
      guideJourney('vip_call_short', { amount: 5, unit: 'seconds' }, { amount: 3, unit: 'seconds' }),
    );
  });
  afterAll(async () => {
    await wecom?.close();
    await stack?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => {});
    await stack?.stop();
  });

  it('members get their guide by WeCom user id or id, in an upsert and an import; unknown guides are refused', async () => {
    const put = await stack.ok('PUT', '/members/g-m1', {
      name: '张三',
      phone: '13800001111',
      guideWecomUserId: 'wx-wang',
    });
    expect(put.guide).toMatchObject({ id: guideA.id, name: '王导购' });
    const bad = await stack.call('PUT', '/members/g-m1', { guideId: '00000000-0000-4000-8000-000000000000' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('guideId');
    const imported = await stack.ok('POST', '/members/batch', {
      members: [
        { id: 'g-m2', name: '李四', guideId: guideA.id },
        { id: 'g-m4', name: '王五', guideWecomUserId: 'wx-li' },
        { id: 'g-m5', name: '赵六', guideWecomUserId: 'wx-nobody' },
        { id: 'g-m3', name: '无导购' },
      ],
    });
    expect(imported).toMatchObject({ imported: 3, rejected: 1 });
    expect(imported.errors).toEqual([
      { index: 2, id: 'g-m5', field: 'guideWecomUserId', message: 'no guide with this WeCom user id' },
    ]);
    expect((await stack.ok('GET', '/members/g-m4')).guide).toMatchObject({ id: guideB.id });
    expect((await stack.ok('GET', '/members/g-m3')).guide).toBeNull();
    // a guide's own members, basic profile, phone masked (a guide has no members.pii)
    const mine = await as(guideA.headers, 'GET', '/guide-members');
    expect(mine.status).toBe(200);
    expect(mine.body.members.map((m: { externalId: string }) => m.externalId).sort()).toEqual([
      'g-m1',
      'g-m2',
    ]);
    expect(mine.body.members.find((m: { externalId: string }) => m.externalId === 'g-m1').phone).not.toBe(
      '13800001111',
    );
  });

  it('done before the due time: the run takes `done`; done again changes nothing', async () => {
    await stack.ok('POST', '/events', { memberId: 'g-m1', name: 'vip_call', id: 'call-m1' });
    const task = await taskOf(guideA.headers, 'g-m1');
    expect(task).toMatchObject({
      title: '给 VIP 打个电话',
      script: '您好，新品到店，欢迎来试穿',
      status: 'open',
      guide: { id: guideA.id, name: '王导购' },
      member: { externalId: 'g-m1', name: '张三' },
      journeyName: 'VIP 回访',
    });
    const first = await as(guideA.headers, 'POST', `/guide-tasks/${task.id}/complete`, {
      note: '已电话联系，周末到店',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      alreadyDone: false,
      task: { status: 'done', note: '已电话联系，周末到店' },
    });
    const run = await runOf(longJourney, 'g-m1');
    expect(await pathOf(run.id)).toEqual(['t:next', 'task:created', 'task:done', 'done:next', 'x:ok']);
    const again = await as(guideA.headers, 'POST', `/guide-tasks/${task.id}/complete`, { note: '再点一次' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      alreadyDone: true,
      task: { status: 'done', note: '已电话联系，周末到店' },
    });
    // one task for the run, whatever happened
    const rows = await stack.db.selectFrom('guide_tasks').select('id').where('run_id', '=', run.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('nothing done: a reminder goes out once before the due time, then the run takes `overdue` and the task is overdue', async () => {
    await stack.ok('POST', '/events', { memberId: 'g-m2', name: 'vip_call_short', id: 'call-m2' });
    const task = await taskOf(guideA.headers, 'g-m2');
    const reminder = await eventually(
      async () =>
        (
          await stack.db.selectFrom('guide_reminders').selectAll().where('task_id', '=', task.id).execute()
        )[0],
      30_000,
      'the reminder',
    );
    expect(reminder).toMatchObject({ guide_id: guideA.id, channel: 'wecom' });
    expect(reminder.text).toContain('给 VIP 打个电话');
    const appMessages = () =>
      wecom.calls.filter(
        (c) => c.path.endsWith('message/send') && (c.body as { touser?: string }).touser === 'wx-wang',
      );
    await eventually(async () => appMessages().length > 0, 30_000, 'the WeCom app message to the guide');
    expect((appMessages()[0].body as { text: { content: string } }).text.content).toContain(
      '给 VIP 打个电话',
    );
    const run = await runOf(shortJourney, 'g-m2');
    expect(await pathOf(run.id)).toEqual(['t:next', 'task:created', 'task:overdue', 'late:next', 'x:ok']);
    const recorded = await eventually(
      async () => {
        const row = await stack.db
          .selectFrom('guide_tasks')
          .select(['status', 'overdue_at', 'reminded_at'])
          .where('id', '=', task.id)
          .executeTakeFirstOrThrow();
        return row.status === 'overdue' && row;
      },
      30_000,
      'the task recorded overdue',
    );
    expect(recorded.reminded_at).not.toBeNull();
    // the sweep ran again since the reminder (it recorded the task overdue after the due time): still one
    const reminders = await stack.db
      .selectFrom('guide_reminders')
      .select('id')
      .where('task_id', '=', task.id)
      .execute();
    expect(reminders).toHaveLength(1);
    expect(appMessages()).toHaveLength(1);
    // too late to mark it done
    const late = await as(guideA.headers, 'POST', `/guide-tasks/${task.id}/complete`, { note: '晚了' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'conflict' });
    expect(late.body.error.message).toContain('overdue');
    const overdue = await as(guideA.headers, 'GET', '/guide-tasks?overdue=true');
    expect(overdue.body.tasks.map((t: { id: string }) => t.id)).toContain(task.id);
  });

  it('a member without a guide, or with a deactivated one, takes `no_guide`', async () => {
    await stack.ok('POST', '/events', { memberId: 'g-m3', name: 'vip_call', id: 'call-m3' });
    const run = await runOf(longJourney, 'g-m3');
    expect(await pathOf(run.id)).toEqual(['t:next', 'task:no_guide', 'none:next', 'x:ok']);

    const { guide } = await stack.ok('POST', '/guides', { name: '离职导购', wecomUserId: 'wx-left' });
    await stack.ok('PUT', '/members/g-m6', { guideWecomUserId: 'wx-left' });
    expect((await stack.ok('DELETE', `/guides/${guide.id}`)).guide.active).toBe(false);
    await stack.ok('POST', '/events', { memberId: 'g-m6', name: 'vip_call', id: 'call-m6' });
    const left = await runOf(longJourney, 'g-m6');
    expect(await pathOf(left.id)).toEqual(['t:next', 'task:no_guide', 'none:next', 'x:ok']);
  });

  it('a guide sees and completes only their own tasks; admins see all and filter by guide', async () => {
    await stack.ok('POST', '/events', { memberId: 'g-m4', name: 'vip_call', id: 'call-m4' });
    const bTask = await taskOf(guideB.headers, 'g-m4');
    const aList = await as(guideA.headers, 'GET', '/guide-tasks');
    expect(aList.body.tasks.every((t: { guide: { id: string } }) => t.guide.id === guideA.id)).toBe(true);
    // another guide's task does not exist for A
    expect((await as(guideA.headers, 'GET', `/guide-tasks/${bTask.id}`)).status).toBe(404);
    const steal = await as(guideA.headers, 'POST', `/guide-tasks/${bTask.id}/complete`, { note: '抢单' });
    expect(steal.status).toBe(404);
    // nor is anything else theirs to see
    expect((await as(guideA.headers, 'GET', '/guides')).status).toBe(403);
    expect((await as(guideA.headers, 'GET', '/members/g-m4')).status).toBe(403);
    expect((await as(guideA.headers, 'GET', '/journeys')).status).toBe(403);
    // a viewer reads tasks but completes none
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    expect((await as(viewer.headers, 'POST', `/guide-tasks/${bTask.id}/complete`, {})).status).toBe(403);
    // the admin sees everyone's, and one guide's on asking
    const all = await stack.ok('GET', '/guide-tasks');
    expect(new Set(all.tasks.map((t: { guide: { id: string } }) => t.guide.id))).toEqual(
      new Set([guideA.id, guideB.id]),
    );
    const onlyB = await stack.ok('GET', `/guide-tasks?guideId=${guideB.id}`);
    expect(onlyB.tasks.map((t: { id: string }) => t.id)).toEqual([bTask.id]);
    expect((await stack.ok('GET', '/guide-tasks?status=done')).tasks).toHaveLength(1);
    const today = await as(guideB.headers, 'GET', '/guide-tasks?dueToday=true');
    expect(today.status).toBe(200);
    // B's own completion works
    expect(
      (await as(guideB.headers, 'POST', `/guide-tasks/${bTask.id}/complete`, { note: '已联系' })).status,
    ).toBe(200);
    await runOf(longJourney, 'g-m4');
  });

  it('ops see per-guide completion and on-time rate per journey', async () => {
    const long = await stack.ok('GET', `/guides/stats?journeyId=${longJourney}`);
    expect(long.stats).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          guideId: guideA.id,
          journeyName: 'VIP 回访',
          tasks: 1,
          done: 1,
          overdue: 0,
          completionRate: 1,
          onTimeRate: 1,
        }),
        expect.objectContaining({ guideId: guideB.id, tasks: 1, done: 1, onTimeRate: 1 }),
      ]),
    );
    // erasing a member takes the guide's notes about them; the task still counts
    await stack.ok('DELETE', '/members/g-m1', { confirm: 'g-m1' });
    const erased = await stack.db
      .selectFrom('guide_tasks')
      .select(['note', 'status'])
      .where('journey_id', '=', longJourney)
      .where('guide_id', '=', guideA.id)
      .executeTakeFirstOrThrow();
    expect(erased).toEqual({ note: null, status: 'done' });
    const short = await stack.ok('GET', `/guides/stats?journeyId=${shortJourney}`);
    expect(short.stats).toEqual([
      expect.objectContaining({
        guideId: guideA.id,
        tasks: 1,
        done: 0,
        overdue: 1,
        completionRate: 0,
        onTimeRate: 0,
      }),
    ]);
  });

  it('a member without a guide goes to the node’s fallback guide when it names one', async () => {
    const fallback = await publish(
      'VIP 回访（店长兜底）',
      guideJourney('vip_call_fallback', { amount: 10, unit: 'minutes' }, undefined, {
        fallbackGuideWecomUserId: 'wx-li',
      }),
    );
    await stack.ok('POST', '/events', { memberId: 'g-m3', name: 'vip_call_fallback', id: 'fallback-m3' });
    const task = await taskOf(guideB.headers, 'g-m3');
    expect(task).toMatchObject({ journeyId: fallback, guide: { id: guideB.id }, status: 'open' });
    expect((await as(guideB.headers, 'POST', `/guide-tasks/${task.id}/complete`, {})).status).toBe(200);
    const run = await runOf(fallback, 'g-m3');
    expect(await pathOf(run.id)).toEqual(['t:next', 'task:created', 'task:done', 'done:next', 'x:ok']);
  });

  it('a run that ends another way while its task is open cancels the task: it cannot be done, nor counts', async () => {
    await stack.ok('POST', '/events', { memberId: 'g-m2', name: 'vip_call', id: 'call-long-m2' });
    const task = await taskOf(guideA.headers, 'g-m2', longJourney);
    expect(task.status).toBe('open');
    const { runs } = await stack.ok('GET', `/runs?journeyId=${longJourney}&memberId=g-m2`);
    await stack.ok('POST', `/runs/${runs[0].id}/cancel`, {});
    await runOf(longJourney, 'g-m2', 'cancelled');
    expect((await as(guideA.headers, 'GET', `/guide-tasks/${task.id}`)).body.task.status).toBe('cancelled');
    const open = await as(guideA.headers, 'GET', '/guide-tasks?status=open');
    expect(open.body.tasks.map((t: { id: string }) => t.id)).not.toContain(task.id);
    const late = await as(guideA.headers, 'POST', `/guide-tasks/${task.id}/complete`, { note: '联系了' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('left the journey');
    // the sweep records it
    await eventually(
      async () =>
        (
          await stack.db
            .selectFrom('guide_tasks')
            .select('status')
            .where('id', '=', task.id)
            .executeTakeFirstOrThrow()
        ).status === 'cancelled',
      30_000,
      'the task recorded cancelled',
    );
    const { stats } = await stack.ok('GET', `/guides/stats?journeyId=${longJourney}&guideId=${guideA.id}`);
    expect(stats).toEqual([
      expect.objectContaining({ tasks: 2, done: 1, cancelled: 1, completionRate: 1, onTimeRate: 1 }),
    ]);
  });

  it('the script names the member, the run’s coupon and the guide, as the viewer may see the member, as they are now', async () => {
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '到店礼 ¥50',
      kind: 'amount',
      value: 50,
      validDays: 14,
    });
    const script =
      '{{member.name|亲爱的会员}}您好，我是{{guide.store}}的{{guide.name}}。到店礼券码 {{coupon.code}}，预留手机 {{member.phone}}';
    const journey = await publish('VIP 到店礼', {
      nodes: [
        node('t', 'trigger.event', { event: 'vip_gift' }),
        node('c', 'coupon', { templateId: couponTemplate.id }),
        node('task', 'guide.task', { title: '送到店礼', script, dueIn: { amount: 10, unit: 'minutes' } }),
        node('x', 'exit'),
      ],
      edges: [
        edge('t', 'c'),
        edge('c', 'task', 'issued'),
        edge('c', 'x', 'unavailable'),
        edge('task', 'x', 'done'),
        edge('task', 'x', 'overdue'),
        edge('task', 'x', 'no_guide'),
      ],
    });
    await stack.ok('PUT', '/members/g-m9', { name: '陈女士', phone: '13912345678', guideId: guideA.id });
    await stack.ok('POST', '/events', { memberId: 'g-m9', name: 'vip_gift', id: 'gift-m9' });
    const task = await taskOf(guideA.headers, 'g-m9', journey);
    const { coupons } = await stack.ok('GET', '/coupons?memberId=g-m9');
    const code = coupons[0].code as string;
    expect(code).toMatch(/^YT/);
    // the guide (no members.pii) reads the phone masked, inside the sentence as everywhere else
    expect(task.script).toBe(`陈女士您好，我是静安店的王导购。到店礼券码 ${code}，预留手机 139****5678`);
    expect(task.scriptTemplate).toBe(script);
    expect(JSON.stringify(task)).not.toContain('13912345678');
    // an admin key may see personal data: the whole number
    const { task: full } = await stack.ok('GET', `/guide-tasks/${task.id}`);
    expect(full.script).toContain('预留手机 13912345678');
    // rendered when shown: the member's name corrected since is the name the guide reads; an empty one, the fallback
    await stack.ok('PUT', '/members/g-m9', { name: '陈晓梅' });
    expect((await as(guideA.headers, 'GET', `/guide-tasks/${task.id}`)).body.task.script).toMatch(
      /^陈晓梅您好/,
    );
    await stack.ok('PUT', '/members/g-m9', { name: null });
    expect((await as(guideA.headers, 'GET', `/guide-tasks/${task.id}`)).body.task.script).toMatch(
      /^亲爱的会员您好/,
    );
    // and the completion answer shows it rendered too
    const done = await as(guideA.headers, 'POST', `/guide-tasks/${task.id}/complete`, {});
    expect(done.body.task.script).toContain(code);
    expect(done.body.task.script).not.toContain('{{');
  });
});
