import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { migrateToLatest, migrateToOrThrow } from '../../db/migrate.js';
import { edge, node } from '../testing/documents.js';
import { freshDatabase } from '../testing/fresh-database.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** Coupons on real Postgres and Temporal: the three kinds, stock, stop, and redemption exactly once. */
describe('coupons', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  const template = (body: Record<string, unknown>) =>
    stack.ok('POST', '/coupon-templates', { validDays: 7, ...body }).then((r) => r.couponTemplate);

  it('stores 满减, 直减 and 8 折 with their words, and refuses a discount written as a percentage', async () => {
    const full = await template({ name: '满减券', kind: 'threshold', threshold: 199, value: 20 });
    const off = await template({ name: '直减券', kind: 'amount', value: 10 });
    const rate = await template({ name: '八折券', kind: 'discount', value: 0.8, stock: 5 });
    expect(full).toMatchObject({
      kind: 'threshold',
      threshold: 199,
      value: 20,
      words: { zh: '满 199 减 20' },
    });
    expect(off.words.zh).toBe('直减 10 元');
    expect(rate).toMatchObject({
      words: { zh: '8 折' },
      issued: 0,
      redeemed: 0,
      remaining: 5,
      status: 'active',
    });

    // 80 typed for 「8 折」 is what the issue saw become 「减 80%」: now it is refused, naming the field
    const eighty = await stack.call('POST', '/coupon-templates', {
      name: 'x',
      kind: 'discount',
      value: 80,
      validDays: 7,
    });
    expect(eighty.status).toBe(400);
    expect(eighty.body.error.field).toBe('value');
    const noThreshold = await stack.call('POST', '/coupon-templates', {
      name: 'x',
      kind: 'threshold',
      threshold: 10,
      value: 20,
      validDays: 7,
    });
    expect(noThreshold.status).toBe(400);
    expect(noThreshold.body.error.field).toBe('threshold');

    const { couponTemplates } = await stack.ok('GET', '/coupon-templates');
    expect(couponTemplates.map((t: any) => t.words.zh).sort()).toEqual([
      '8 折',
      '满 199 减 20',
      '直减 10 元',
    ]);
  });

  it('edits name and validity, tops the stock up, never below what was issued, and stops', async () => {
    const t = await template({ name: '限量', kind: 'amount', value: 5, stock: 2 });
    const topped = await stack.ok('PUT', `/coupon-templates/${t.id}`, { name: '限量（加量）', addStock: 3 });
    expect(topped.couponTemplate).toMatchObject({
      name: '限量（加量）',
      stock: 5,
      remaining: 5,
      kind: 'amount',
    });
    const set = await stack.ok('PUT', `/coupon-templates/${t.id}`, { stock: 1, validDays: 30 });
    expect(set.couponTemplate).toMatchObject({ stock: 1, validDays: 30 });
    await stack.db.updateTable('coupon_templates').set({ issued: 1 }).where('id', '=', t.id).execute();
    const below = await stack.call('PUT', `/coupon-templates/${t.id}`, { stock: 0 });
    expect(below.status).toBe(400);
    expect(below.body.error.field).toBe('stock');
    const stopped = await stack.ok('POST', `/coupon-templates/${t.id}/stop`);
    expect(stopped.couponTemplate.status).toBe('stopped');
    const { couponTemplates } = await stack.ok('GET', '/coupon-templates?status=stopped');
    expect(couponTemplates.map((x: any) => x.id)).toEqual([t.id]);
    expect((await stack.ok('POST', `/coupon-templates/${t.id}/resume`)).couponTemplate.status).toBe('active');
    expect(
      (await stack.call('PUT', '/coupon-templates/00000000-0000-4000-8000-000000000000', {})).status,
    ).toBe(404);
  });

  it('issues within stock in a real journey; the member past the stock is a skip with its reason', async () => {
    const t = await template({ name: '一张券', kind: 'discount', value: 0.8, stock: 1 });
    const journey = await stack.ok('POST', '/journeys', {
      name: '限量发券',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'coupon_test' }),
          node('c', 'coupon', { templateId: t.id }),
          node('m', 'message', { channel: 'sms', body: '{{coupon.words}} 券 {{coupon.code}}' }),
          node('x', 'exit'),
          node('none', 'exit'),
        ],
        edges: [edge('t', 'c'), edge('c', 'm', 'issued'), edge('c', 'none', 'unavailable'), edge('m', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    await stack.ok('POST', '/events', { memberId: 'cp1', name: 'coupon_test', id: 'cp1-1' });
    const first = await eventually(
      async () =>
        (await stack.ok('GET', '/messages?memberId=cp1')).messages.find((m: any) => m.nodeId === 'm'),
      30_000,
      'the first member’s coupon message',
    );
    expect(first.body).toMatch(/^8 折 券 YT/);
    await stack.ok('POST', '/events', { memberId: 'cp2', name: 'coupon_test', id: 'cp2-1' });
    const skipped = await eventually(
      () =>
        stack.db
          .selectFrom('run_steps as s')
          .innerJoin('runs as r', 'r.id', 's.run_id')
          .innerJoin('members as m', 'm.id', 'r.member_id')
          .select(['s.status', 's.output', 's.reason', 's.detail'])
          .where('m.external_id', '=', 'cp2')
          .where('s.node_id', '=', 'c')
          .where('s.journey_id', '=', journey.id)
          .executeTakeFirst(),
      30_000,
      'the second member’s coupon step',
    );
    expect(skipped).toMatchObject({
      status: 'skipped',
      output: 'unavailable',
      detail: { reason: 'out_of_stock', stock: 1, templateName: '一张券' },
    });
    const { couponTemplate } = await stack.ok('GET', `/coupon-templates/${t.id}`);
    expect(couponTemplate).toMatchObject({ issued: 1, remaining: 0 });
  });

  it('redeems a coupon exactly once per order and records a coupon_redeemed event for the member', async () => {
    const { coupons } = await stack.ok('GET', '/coupons?memberId=cp1');
    const code = coupons[0].code;
    expect(coupons[0].words).toBe('8 折');
    const tries = await Promise.all(
      [1, 2, 3].map(() => stack.call('POST', `/coupons/${code}/redeem`, { orderId: 'O-1001', amount: 300 })),
    );
    expect(tries.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(tries.filter((r) => r.body.coupon.repeated === false)).toHaveLength(1);
    expect(new Set(tries.map((r) => r.body.coupon.redeemedAt)).size).toBe(1);
    const other = await stack.call('POST', `/coupons/${code}/redeem`, { orderId: 'O-2002' });
    expect(other.status).toBe(409);
    expect(other.body.error.field).toBe('orderId');
    const { couponTemplate } = await stack.ok('GET', `/coupon-templates/${coupons[0].templateId}`);
    expect(couponTemplate.redeemed).toBe(1);
    const { events } = await stack.ok('GET', '/events?memberId=cp1&name=coupon_redeemed');
    expect(events).toHaveLength(1);
    expect(events[0].properties).toMatchObject({ code, orderId: 'O-1001', amount: 300 });
    expect((await stack.call('POST', '/coupons/NOPE/redeem', { orderId: 'O-1' })).status).toBe(404);
    expect((await stack.call('POST', `/coupons/${code}/redeem`, {})).body.error.field).toBe('orderId');
  });

  it('refuses a 满减 order below its threshold and an expired coupon', async () => {
    const t = await template({ name: '满 99 减 10', kind: 'threshold', threshold: 99, value: 10 });
    const memberId = (await stack.ok('PUT', '/members/cp3', { name: '三' })).member.id;
    const insert = (code: string, expires: Date) =>
      stack.db
        .insertInto('coupons')
        .values({
          workspace_id: stack.workspaceId,
          template_id: t.id,
          member_id: memberId,
          code,
          idempotency_key: `test:${code}`,
          expires_at: expires,
        })
        .execute();
    await insert('YTLOWORDER1', new Date(Date.now() + 86_400_000));
    await insert('YTEXPIRED01', new Date(Date.now() - 1000));
    const low = await stack.call('POST', '/coupons/YTLOWORDER1/redeem', { orderId: 'A', amount: 50 });
    expect(low.status).toBe(400);
    expect(low.body.error.field).toBe('amount');
    expect((await stack.call('POST', '/coupons/YTEXPIRED01/redeem', { orderId: 'B' })).status).toBe(409);
    expect(
      (await stack.call('POST', '/coupons/YTLOWORDER1/redeem', { orderId: 'C', amount: 99 })).status,
    ).toBe(200);
  });
});

describe('migration 0021', () => {
  it('turns a percent-off template into the rate it always meant, keeping issued coupons’ value', async () => {
    const fresh = await freshDatabase(inject('databaseUrl'), { migrate: false });
    const db = createDb(fresh.url, { max: 1 });
    try {
      await migrateToOrThrow(db, '0016-workspace-secrets');
      await db.insertInto('workspaces').values({ id: 'w', name: 'w' }).execute();
      await sql`insert into coupon_templates (workspace_id, name, kind, value, valid_days)
        values ('w', 'twenty off', 'percent', 20, 7), ('w', 'eighty off', 'percent', 80, 7),
               ('w', 'yuan', 'amount', 15, 7)`.execute(db);
      await migrateToLatest(db);
      const rows = await db
        .selectFrom('coupon_templates')
        .select(['name', 'kind', 'value', 'threshold', 'status', 'redeemed'])
        .orderBy('name')
        .execute();
      expect(rows).toEqual([
        { name: 'eighty off', kind: 'discount', value: 0.2, threshold: null, status: 'active', redeemed: 0 },
        { name: 'twenty off', kind: 'discount', value: 0.8, threshold: null, status: 'active', redeemed: 0 },
        { name: 'yuan', kind: 'amount', value: 15, threshold: null, status: 'active', redeemed: 0 },
      ]);
      // the constraint holds the kinds to their meaning
      await expect(
        sql`insert into coupon_templates (workspace_id, name, kind, value, valid_days)
          values ('w', 'bad', 'discount', 80, 7)`.execute(db),
      ).rejects.toThrow(/coupon_templates_kind_check/);
    } finally {
      await db.destroy();
      await fresh.drop();
    }
  });
});
