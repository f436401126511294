import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';
import { liftSummary, probabilityBest, revenueLiftSummary } from './index.js';

/**
 * Journey results end to end on real Postgres and a real Temporal server: a split A 40 % / B 40 % / holdout
 * 20 % with a goal that has a value, 400 members, conversions fed unevenly (after runs ended, without a value,
 * as numeric strings, twice, before entry, past the attribution window). The report must equal a hand count
 * from the raw tables (runs, run_steps, events) — never from the conversions table or the rollups it checks.
 * Then the auto-winner: once B is best past the threshold, later members go to B (the holdout keeps its
 * share) while a member already on A stays on A; a marketer can pick and clear by hand.
 */
describe('journey results', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  const document: JourneyDocument = {
    nodes: [
      node('t', 'trigger.event', { event: 'res_join' }),
      node('s', 'split', {
        variants: [
          { id: 'a', label: 'A 满减', percent: 40 },
          { id: 'b', label: 'B 折扣', percent: 40 },
          { id: 'h', label: '对照组', percent: 20, holdout: true },
        ],
        autoWinner: { enabled: true, minPerVariant: 50 },
      }),
      node('wa', 'wait.event', { event: 'res_ping', timeout: { amount: 30, unit: 'days' } }),
      node('ta', 'tag', { add: ['res_a'] }),
      node('xa', 'exit'),
      node('tb', 'tag', { add: ['res_b'] }),
      node('xb', 'exit'),
      node('xh', 'exit'),
    ],
    edges: [
      edge('t', 's'),
      edge('s', 'wa', 'a'),
      edge('s', 'tb', 'b'),
      edge('s', 'xh', 'h'),
      edge('wa', 'ta', 'matched'),
      edge('wa', 'ta', 'timeout'),
      edge('ta', 'xa'),
      edge('tb', 'xb'),
    ],
    settings: { goal: { event: 'res_order', value: 'amount', attributionDays: 7 } },
  };

  const variantsOf = async (journeyId: string) =>
    new Map(
      (
        await stack.db
          .selectFrom('runs as r')
          .innerJoin('run_steps as s', 's.run_id', 'r.id')
          .innerJoin('members as m', 'm.id', 'r.member_id')
          .select(['m.external_id', 's.output', 'r.id', 's.detail'])
          .where('r.journey_id', '=', journeyId)
          .where('s.node_id', '=', 's')
          .execute()
      ).map((r) => [r.external_id, { variant: r.output!, runId: r.id, detail: r.detail }]),
    );

  async function enter(journeyId: string, from: number, count: number) {
    const events = Array.from({ length: count }, (_, i) => ({
      memberId: `res-${from + i}`,
      name: 'res_join',
      id: `res-join-${from + i}`,
    }));
    await stack.ok('POST', '/events/batch', { events });
    // every run placed: A waiting at wa, B and the holdout finished
    await eventually(
      async () => {
        const { n } = await stack.db
          .selectFrom('runs')
          .select(sql<number>`count(*)`.as('n'))
          .where('journey_id', '=', journeyId)
          .where((eb) =>
            eb.or([eb('status', 'in', ['completed', 'converted']), eb('current_node_id', '=', 'wa')]),
          )
          .executeTakeFirstOrThrow();
        return n >= from + count;
      },
      240_000,
      `${from + count} runs placed`,
    );
  }

  /** The hand count: runs, their split step and the first goal event inside each run's window (raw tables only). */
  async function handCount(journeyId: string) {
    const rows = await sql<{
      variant: string;
      entered: number;
      converted: number;
      revenue: string;
      sq: string;
      no_value: number;
    }>`
      with r as (
        select r.id, r.member_id, r.started_at, r.ended_at, s.output as variant
        from runs r join run_steps s on s.run_id = r.id and s.node_id = 's' and s.status = 'ok'
        where r.journey_id = ${journeyId}
      ), firsts as (
        select distinct on (r.id) r.id, e.properties->>'amount' as amount, jsonb_typeof(e.properties->'amount') as t
        from r join events e on e.member_id = r.member_id and e.name = 'res_order'
          and e.occurred_at >= r.started_at
          and case when r.variant = 'h' then e.occurred_at <= r.started_at + interval '7 days'
                   else r.ended_at is null or e.occurred_at <= r.ended_at + interval '7 days' end
        order by r.id, e.seq
      ), v as (
        select r.variant, f.id is not null as converted,
          case when f.amount ~ '^-?[0-9]+(\\.[0-9]+)?$' and f.t in ('number', 'string') then round(f.amount::numeric * 100) else 0 end as fen,
          f.id is not null and not coalesce(f.amount ~ '^-?[0-9]+(\\.[0-9]+)?$' and f.t in ('number', 'string'), false) as no_value
        from r left join firsts f on f.id = r.id
      )
      select variant, count(*)::int as entered, count(*) filter (where converted)::int as converted,
        sum(fen)::text as revenue, sum(fen * fen)::text as sq, count(*) filter (where no_value)::int as no_value
      from v group by variant`.execute(stack.db);
    return new Map(rows.rows.map((r) => [r.variant, r]));
  }

  it('reports counts, rates, revenue and lift equal to a hand count; the auto-winner moves later members to B', async () => {
    const { id: journeyId } = await stack.ok('POST', '/journeys', { name: '效果验证', document });
    await stack.ok('POST', `/journeys/${journeyId}/publish`, {});
    await enter(journeyId, 0, 400);
    const placed = await variantsOf(journeyId);
    const by = (v: string) => [...placed].filter(([, p]) => p.variant === v).map(([m]) => m);
    const [a, b, h] = [by('a'), by('b'), by('h')];
    expect(a.length + b.length + h.length).toBe(400);
    expect(Math.abs(h.length / 400 - 0.2)).toBeLessThan(0.07);
    // no conversions yet: no winner named, every member placed at random
    expect(
      await stack.db.selectFrom('split_decisions').selectAll().where('journey_id', '=', journeyId).execute(),
    ).toEqual([]);

    // Five B runs ended 10 days ago (older data): an order now is past their 7-day attribution window.
    const stale = b.slice(-5);
    await stack.db
      .updateTable('runs')
      .set({
        ended_at: sql`now() - interval '10 days'`,
        started_at: sql`now() - interval '10 days 1 minute'`,
      })
      .where(
        'id',
        'in',
        stale.map((m) => placed.get(m)!.runId),
      )
      .execute();

    const orders: {
      memberId: string;
      name: string;
      id: string;
      properties?: Record<string, unknown>;
      occurredAt?: string;
    }[] = [];
    const order = (m: string, n: number, amount: unknown, occurredAt?: string) =>
      orders.push({
        memberId: m,
        name: 'res_order',
        id: `${m}-order-${n}`,
        ...(amount === undefined ? {} : { properties: { amount } }),
        ...(occurredAt ? { occurredAt } : {}),
      });
    b.slice(0, -5).forEach((m, i) => {
      if (i % 2 !== 0) return;
      // numbers, numeric strings, no amount at all, and a word: the last two count with no value
      const amount =
        i % 14 === 0 ? undefined : i % 10 === 0 ? 'free' : i % 6 === 0 ? '88.80' : 99.5 + (i % 5) * 37;
      order(m, 1, amount);
      if (i % 8 === 0) order(m, 2, 1000); // a second order converts no one twice
    });
    a.forEach((m, i) => {
      if (i % 8 === 0) order(m, 1, 50);
      // an order before the member entered is not theirs to convert
      else if (i % 8 === 1) order(m, 1, 70, new Date(Date.now() - 86_400_000).toISOString());
    });
    h.forEach((m, i) => {
      if (i % 10 === 0) order(m, 1, '20');
    });
    for (const m of stale) order(m, 1, 500);
    for (let i = 0; i < orders.length; i += 200)
      await stack.ok('POST', '/events/batch', { events: orders.slice(i, i + 200) });

    const hand = await handCount(journeyId);
    const sums = (keys: string[]) => {
      const rows = keys.map((k) => hand.get(k)!).filter(Boolean);
      return {
        entered: rows.reduce((s, r) => s + r.entered, 0),
        converted: rows.reduce((s, r) => s + r.converted, 0),
        revenue: rows.reduce((s, r) => s + BigInt(r.revenue), 0n),
        sq: rows.reduce((s, r) => s + BigInt(r.sq), 0n),
        noValue: rows.reduce((s, r) => s + r.no_value, 0),
      };
    };
    const all = sums(['a', 'b', 'h']);
    const held = sums(['h']);
    const treated = sums(['a', 'b']);
    // the feed converted someone in every group, some without a value; stale and early orders did not count
    expect(hand.get('b')!.converted).toBeGreaterThan(hand.get('a')!.converted);
    expect(all.noValue).toBeGreaterThan(0);
    expect(all.converted).toBe(
      Math.ceil((b.length - 5) / 2) + Math.ceil(a.length / 8) + Math.ceil(h.length / 10),
    );

    const report = await eventually(
      async () => {
        const r = await stack.ok('GET', `/journeys/${journeyId}/results`);
        return r.totals.converted === all.converted && r;
      },
      60_000,
      'the report to count every conversion',
    );
    const rate = (c: number, n: number) => (n ? c / n : null);
    expect(report.totals).toEqual({
      entered: all.entered,
      converted: all.converted,
      conversionRate: rate(all.converted, all.entered),
      revenueFen: Number(all.revenue),
      revenuePerMemberFen: Math.round(Number(all.revenue) / all.entered),
      conversionsWithoutValue: all.noValue,
    });
    expect(report.holdout).toEqual({
      entered: held.entered,
      converted: held.converted,
      conversionRate: rate(held.converted, held.entered),
      revenueFen: Number(held.revenue),
      revenuePerMemberFen: Math.round(Number(held.revenue) / held.entered),
    });
    expect(report.lift).toEqual({
      rate: liftSummary(
        { successes: treated.converted, n: treated.entered },
        { successes: held.converted, n: held.entered },
      ),
      revenuePerMember: revenueLiftSummary(
        { n: treated.entered, sum: Number(treated.revenue), sumSquares: treated.sq.toString() },
        { n: held.entered, sum: Number(held.revenue), sumSquares: held.sq.toString() },
      ),
    });
    expect(report.attributionWindowDays).toBe(7);
    expect(report.series.at(-1)).toMatchObject({ entered: all.entered, converted: all.converted });
    expect(report.series).toHaveLength(30);
    const [split] = report.splits;
    const best = probabilityBest(
      ['a', 'b'].map((k) => ({ n: hand.get(k)!.entered, successes: hand.get(k)!.converted })),
    );
    expect(split.variants).toEqual(
      ['a', 'b', 'h'].map((k) => ({
        key: k,
        label: { a: 'A 满减', b: 'B 折扣', h: '对照组' }[k],
        holdout: k === 'h',
        entered: hand.get(k)!.entered,
        converted: hand.get(k)!.converted,
        conversionRate: rate(hand.get(k)!.converted, hand.get(k)!.entered),
        revenueFen: Number(hand.get(k)!.revenue),
        revenuePerMemberFen: Math.round(Number(hand.get(k)!.revenue) / hand.get(k)!.entered),
        probabilityBest: k === 'h' ? null : best[k === 'a' ? 0 : 1],
      })),
    );
    expect(split.winner).toMatchObject({ status: 'winner', winner: 'b' });
    expect(split.autoWinner).toEqual({ enabled: true, minPerVariant: 50, threshold: 0.997 });
    expect(split.decision).toBeNull(); // nobody has entered since: the auto-winner decides when asked

    // per node: the split passed every member on; converted downstream of it is every conversion
    const s = report.nodes.find((n: any) => n.nodeId === 's');
    expect(s).toMatchObject({ entered: 400, passed: { a: a.length, b: b.length, h: h.length } });
    expect(s.convertedDownstream).toBe(all.converted);
    for (const n of report.nodes) {
      const passed = Object.values(n.passed as Record<string, number>).reduce((x, y) => x + y, 0);
      expect(passed + n.waiting + n.failed + n.endedHere).toBe(n.entered);
    }
    // the canvas' stats read the same numbers
    const stats = await stack.ok('GET', `/journeys/${journeyId}/stats`);
    expect(stats.nodes.s).toMatchObject({ entered: 400, convertedDownstream: all.converted });
    const list = await stack.ok('GET', '/journeys?limit=100');
    expect(list.journeys.find((j: any) => j.id === journeyId).results30d).toEqual({
      entered: all.entered,
      converted: all.converted,
      conversionRate: rate(all.converted, all.entered),
      revenueFen: Number(all.revenue),
    });

    // A member on A still waiting when the winner is named (no order at all).
    const onA = a.find((_m, i) => i % 8 >= 2)!;

    // Auto-winner: 60 later members; the first one bound for A or B makes the split decide (B).
    await enter(journeyId, 400, 60);
    const later = [...(await variantsOf(journeyId))].filter(([m]) => Number(m.slice(4)) >= 400);
    expect(later).toHaveLength(60);
    expect(later.filter(([, p]) => p.variant === 'a')).toEqual([]);
    expect(later.filter(([, p]) => p.variant === 'h').length).toBeGreaterThan(0); // the holdout keeps its share
    expect(
      later.filter(([, p]) => p.variant === 'b').every(([, p]) => (p.detail as any).winner === true),
    ).toBe(true);
    const decided = await stack.db
      .selectFrom('split_decisions')
      .selectAll()
      .where('journey_id', '=', journeyId)
      .execute();
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({
      journey_id: journeyId,
      node_id: 's',
      variant: 'b',
      decided_by: 'auto',
    });
    expect((decided[0].numbers as any).probabilities.b).toBeGreaterThanOrEqual(0.997);
    const audited = await stack.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'journey.split_decision')
      .where('target_id', '=', journeyId)
      .execute();
    expect(audited).toHaveLength(1);
    const after = await stack.ok('GET', `/journeys/${journeyId}/results`);
    expect(after.splits[0].decision).toMatchObject({ variant: 'b', by: 'auto', actor: null });

    // The member already on A stays on A: its wait ends and it goes on down A's path.
    await stack.ok('POST', '/events', { memberId: onA, name: 'res_ping', id: `${onA}-ping` });
    const runA = placed.get(onA)!.runId;
    await eventually(
      async () =>
        (await stack.db.selectFrom('runs').select('status').where('id', '=', runA).executeTakeFirst())
          ?.status === 'completed',
      60_000,
      'the A member to finish',
    );
    const pathA = await stack.db
      .selectFrom('run_steps')
      .select(['node_id', 'output'])
      .where('run_id', '=', runA)
      .orderBy('seq')
      .execute();
    expect(pathA.map((p) => `${p.node_id}:${p.output}`)).toEqual([
      't:next',
      's:a',
      'wa:matched',
      'ta:next',
      'xa:null',
    ]);

    // A marketer: the holdout cannot win; picking A replaces the auto decision; clearing goes back to random.
    const bad = await stack.call('POST', `/journeys/${journeyId}/splits/s/decision`, { variant: 'h' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('variant');
    expect(
      (await stack.call('POST', `/journeys/${journeyId}/splits/nope/decision`, { variant: 'a' })).status,
    ).toBe(404);
    const picked = await stack.ok('POST', `/journeys/${journeyId}/splits/s/decision`, { variant: 'a' });
    expect(picked.decision).toMatchObject({ variant: 'a', by: 'manual' });
    expect(await stack.ok('DELETE', `/journeys/${journeyId}/splits/s/decision`)).toEqual({ cleared: true });
    const cleared = await stack.ok('GET', `/journeys/${journeyId}/results`);
    expect(cleared.splits[0].decision).toBeNull();
    // cleared by a marketer: the auto-winner does not decide again
    await enter(journeyId, 460, 20);
    const last = [...(await variantsOf(journeyId))].filter(([m]) => Number(m.slice(4)) >= 460);
    expect(last.every(([, p]) => !(p.detail as any).winner)).toBe(true);
    expect(
      await stack.db
        .selectFrom('split_decisions')
        .select('id')
        .where('journey_id', '=', journeyId)
        .where('cleared_at', 'is', null)
        .execute(),
    ).toEqual([]);
  });

  it('refuses bad ranges and a goal value beyond bigint 分 with the field named', async () => {
    const { id } = await stack.ok('POST', '/journeys', { name: '范围', document });
    await stack.ok('POST', `/journeys/${id}/publish`, {});
    const field = async (path: string) => {
      const r = await stack.call('GET', path);
      expect(r.status).toBe(400);
      return r.body.error.field;
    };
    expect(await field(`/journeys/${id}/results?from=2026-03-02&to=2026-03-01`)).toBe('to');
    expect(await field(`/journeys/${id}/results?from=2023-01-01&to=2026-01-01`)).toBe('from');
    expect(await field(`/journeys/${id}/results?from=2026-02-30`)).toBe('from');
    expect(await field(`/journeys/${id}/results?version=9`)).toBe('version');
    const ok = await stack.ok('GET', `/journeys/${id}/results?from=2024-01-01&to=2025-12-31`);
    expect(ok.series).toHaveLength(731);
    expect(ok.lift).toEqual({ unavailable: 'too_few' });
    expect(ok.totals.conversionRate).toBeNull();

    const huge = await stack.call('POST', '/events', {
      memberId: 'res-huge',
      name: 'res_order',
      properties: { amount: '92233720368547758.08' },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.field).toBe('properties.amount');
    const batch = await stack.call('POST', '/events/batch', {
      events: [
        { memberId: 'res-huge', name: 'res_order', properties: { amount: 1 } },
        { memberId: 'res-huge', name: 'res_order', properties: { amount: 1e300 } },
      ],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.error.field).toBe('events.1.properties.amount');
    // nothing of the refused batch was stored
    const stored = await stack.db
      .selectFrom('events as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .select('e.id')
      .where('m.external_id', '=', 'res-huge')
      .execute();
    expect(stored).toEqual([]);
  });
});
