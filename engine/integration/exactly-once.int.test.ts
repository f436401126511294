import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../workflows/activities.js';
import { ensureMember } from '../repositories/member.repository.js';
import { type Stack, startStack } from '../testing/stack.js';
import { createSandboxChannels } from '../worker/channels.js';
import { createNodeExecutor } from '../worker/execute-node.js';

/** The effect layer alone, against real Postgres: what a retried, replayed or racing activity does. */
describe('exactly-once effects', () => {
  let stack: Stack;
  let execute: ReturnType<typeof createNodeExecutor>;
  let memberId: string;
  let runId: string;
  let journeyId: string;
  let sends = 0;

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const channels = createSandboxChannels();
    execute = createNodeExecutor({
      db: stack.db,
      registry: stack.registry,
      channels: {
        deduplicatesByKey: true,
        send: (m) => {
          sends++;
          return channels.send(m);
        },
      },
    });
    await stack.ok('PUT', '/members/eo1', { name: '小红', phone: '13900000000' });
    memberId = await ensureMember(stack.db, stack.workspaceId, 'eo1');
    const j = await stack.ok('POST', '/journeys', { name: 'eo' });
    journeyId = j.id;
    const run = await stack.db
      .insertInto('runs')
      .values({
        workspace_id: stack.workspaceId,
        journey_id: journeyId,
        version: 1,
        member_id: memberId,
        entry_no: 1,
        workflow_id: `eo-${journeyId}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    runId = run.id;
  });
  afterAll(() => stack?.stop());

  const req = (
    nodeId: string,
    nodeType: string,
    config: Record<string, unknown>,
    visit = 1,
    vars = {},
  ): ActionRequest => ({
    workspaceId: stack.workspaceId,
    journeyId,
    runId,
    memberId,
    nodeId,
    nodeType,
    typeVersion: 1,
    config,
    visit,
    vars,
  });

  it('sends a message once however often the activity runs, even concurrently', async () => {
    const r = req('m1', 'message', { channel: 'sms', body: '你好 {{member.name}}' });
    const results = await Promise.all([execute(r), execute(r), execute(r)]);
    await execute(r);
    const rows = await stack.db
      .selectFrom('messages')
      .selectAll()
      .where('run_id', '=', runId)
      .where('node_id', '=', 'm1')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', body: '你好 小红', to_address: '13900000000' });
    expect(new Set(results.map((x) => x.detail?.messageId))).toEqual(new Set([rows[0].id]));
  });

  it('a second visit of the same node (a loop) is a new message', async () => {
    await execute(req('m1', 'message', { channel: 'sms', body: 'again' }, 2));
    const rows = await stack.db
      .selectFrom('messages')
      .select('body')
      .where('run_id', '=', runId)
      .where('node_id', '=', 'm1')
      .execute();
    expect(rows.map((r) => r.body).sort()).toEqual(['again', '你好 小红']);
  });

  it('issues one coupon per key and returns the same code on retry; respects stock', async () => {
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '限量券',
      kind: 'discount',
      value: 0.8,
      validDays: 3,
      stock: 1,
    });
    const r = req('c1', 'coupon', { templateId: couponTemplate.id });
    const [a, b] = await Promise.all([execute(r), execute(r)]);
    const again = await execute(r);
    expect(a.output).toBe('issued');
    expect(b.vars?.coupon).toEqual(a.vars?.coupon);
    expect(again.detail?.code).toBe(a.detail?.code);
    // the stock of 1 is now taken: another node's key gets nothing
    const other = await execute(req('c2', 'coupon', { templateId: couponTemplate.id }));
    expect(other).toMatchObject({ output: 'unavailable', detail: { reason: 'out_of_stock' } });
    const t = await stack.db
      .selectFrom('coupon_templates')
      .select('issued')
      .where('id', '=', couponTemplate.id)
      .executeTakeFirstOrThrow();
    expect(t.issued).toBe(1);
  });

  it('skips a message the member opted out of (the guard stage), and records why', async () => {
    await stack.ok('PUT', '/members/eo1', { consent: { sms: false } });
    const guarded = {
      ...req('m-optout', 'message', { channel: 'sms', body: 'promo' }),
      guard: { channel: 'sms', quietHours: 'defer', overCap: 'skip', priority: 5 } as const,
    };
    const r = await execute(guarded);
    expect(r.guard).toEqual({ kind: 'skip', reason: 'no_consent' });
    const before = sends;
    await execute(guarded);
    expect(sends).toBe(before);
    const { messages } = await stack.ok('GET', '/messages?memberId=eo1');
    expect(messages.filter((m: any) => m.nodeId === 'm-optout')).toEqual([
      expect.objectContaining({ status: 'skipped', skipReason: 'no_consent' }),
    ]);
    await stack.ok('PUT', '/members/eo1', { consent: { sms: true } });
  });

  it('gives custom nodes exactly-once through ctx.once', async () => {
    const r = req('p1', 'points', { points: 50 });
    await Promise.all([execute(r), execute(r)]);
    await execute(r);
    const { member } = await stack.ok('GET', '/members/eo1');
    expect(member.attributes.points).toBe(50);
  });

  it('fails a coupon with a missing template without retrying (non-retryable)', async () => {
    await expect(
      execute(req('c3', 'coupon', { templateId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toMatchObject({
      name: 'NodeFailure',
      code: 'coupon_template_missing',
    });
  });
});
