import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../testing/stack.js';
import { evaluateRule } from './evaluate.js';
import { loadSegmentFacts } from './facts.js';
import type { SegmentRule } from './rules.js';
import { segmentRule } from './rules.js';
import { ruleSql } from './sql.js';

const DAY = 86_400_000;
// 04:00 on the 16th in Shanghai, 16:00 on the 15th in New York: zones disagree on the date
const NOW = Date.parse('2026-06-15T20:00:00Z');
const WS_TZ = 'Asia/Shanghai';

/** A small deterministic PRNG, so the member set is the same on every run (rules vary through fast-check). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

const TAGS = ['vip', 'new', 'lost'] as const;
const CITIES = ['上海', '北京', 'Hangzhou', ''] as const;
const LEVELS = [0, 1, 3, 5, '3', ' 4 ', 'gold', '1e1', true, null] as const;
const EVENTS = ['order_paid', 'app_open'] as const;

/**
 * The two evaluators of an audience rule — in memory for one member (the real-time path) and in SQL over
 * all members (the schedule) — must agree, on random members and random rules.
 */
describe('audience rules: per-member and set evaluation agree', () => {
  let stack: Stack;
  const memberIds: string[] = [];
  const segments = ['0a1b2c3d-0000-4000-8000-000000000001', '0a1b2c3d-0000-4000-8000-000000000002'];

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const r = rng(20261124);
    const ws = stack.workspaceId;
    await stack.db.updateTable('workspaces').set({ timezone: WS_TZ }).where('id', '=', ws).execute();
    for (const [i, id] of segments.entries())
      await stack.db
        .insertInto('segments')
        .values({
          id,
          workspace_id: ws,
          name: `s${i}`,
          rule: JSON.stringify({ kind: 'tag', op: 'has', tag: 'x' }),
        })
        .execute();
    for (let i = 0; i < 60; i++) {
      const attributes: Record<string, unknown> = {};
      if (r() < 0.8) attributes.level = pick(r, LEVELS);
      if (r() < 0.7) attributes.city = pick(r, CITIES);
      if (r() < 0.6) attributes.birthday = isoDate(NOW - Math.floor(r() * 365 * 40) * DAY);
      if (r() < 0.5) attributes.expires_at = isoDate(NOW + Math.floor((r() - 0.5) * 120) * DAY);
      if (r() < 0.3)
        attributes.birthday = pick(r, ['2020-02-29', '1999-13-40', 'soon', '2026-06-15T10:00:00Z']);
      if (r() < 0.4) attributes.interests = ['tea', pick(r, ['coffee', 'wine', 3])];
      if (r() < 0.3) attributes.address = { city: pick(r, CITIES) };
      const consent: Record<string, boolean> = {};
      if (r() < 0.5) consent.sms = r() < 0.5;
      const member = await stack.db
        .insertInto('members')
        .values({
          workspace_id: ws,
          external_id: `agree-${i}`,
          attributes: JSON.stringify(attributes),
          consent: JSON.stringify(consent),
          timezone: pick(r, ['Asia/Shanghai', 'America/New_York', 'Pacific/Kiritimati', null]),
          created_at: new Date(NOW - Math.floor(r() * 400 * DAY)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      memberIds.push(member.id);
      const tags = TAGS.filter(() => r() < 0.4);
      if (tags.length)
        await stack.db
          .insertInto('member_tags')
          .values(tags.map((tag) => ({ workspace_id: ws, member_id: member.id, tag })))
          .execute();
      for (const seg of segments)
        if (r() < 0.4)
          await stack.db
            .insertInto('segment_members')
            .values({ segment_id: seg, member_id: member.id, workspace_id: ws })
            .execute();
      const n = Math.floor(r() * 8);
      for (let k = 0; k < n; k++) {
        await stack.db
          .insertInto('events')
          .values({
            workspace_id: ws,
            member_id: member.id,
            name: pick(r, EVENTS),
            properties: JSON.stringify({
              amount: pick(r, [0, 50, 99, 100, 250, '120', 'n/a', 500]),
              sku: pick(r, ['a', 'b']),
            }),
            // exactly on a window's edge now and then
            occurred_at: new Date(
              r() < 0.1 ? NOW - 30 * DAY : NOW - Math.floor(r() * 200 * DAY) - Math.floor(r() * DAY),
            ),
          })
          .execute();
      }
    }
    await sql`insert into member_event_stats (member_id, name, workspace_id, count, first_at, last_at)
      select member_id, name, min(workspace_id), count(*), min(occurred_at), max(occurred_at)
      from events where workspace_id = ${ws} group by member_id, name`.execute(stack.db);
  });
  afterAll(() => stack?.stop());

  const days = fc.constantFrom(1, 7, 30, 90, 365);
  const scalar = fc.oneof(
    fc.constantFrom(0, 1, 3, 4, 5, 10, 100),
    fc.constantFrom('3', 'gold', '上海', 'tea', 'a', ''),
    fc.boolean(),
  );
  const op = fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists');
  const key = fc.constantFrom('level', 'city', 'interests', 'address.city', 'missing', 'birthday');
  const filter = fc.record({ property: fc.constantFrom('amount', 'sku', 'none'), op, value: scalar });
  const countOp = fc.constantFrom('gte', 'gt', 'lte', 'lt', 'eq');
  const leaf: fc.Arbitrary<SegmentRule> = fc.oneof(
    fc.record({
      kind: fc.constant('tag' as const),
      op: fc.constantFrom('has', 'has_not'),
      tag: fc.constantFrom(...TAGS),
    }),
    fc.record({ kind: fc.constant('attribute' as const), key, op, value: scalar }),
    fc.record({
      kind: fc.constant('attribute_date' as const),
      key: fc.constantFrom('birthday', 'expires_at', 'city'),
      op: fc.constantFrom(
        'within_next_days',
        'within_last_days',
        'more_than_days_ago',
        'anniversary_within_days',
      ),
      days,
    }),
    fc.record({
      kind: fc.constant('consent' as const),
      channel: fc.constantFrom('sms', 'email'),
      value: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('event_count' as const),
      event: fc.constantFrom(...EVENTS),
      where: fc.array(filter, { maxLength: 2 }),
      days,
      op: countOp,
      value: fc.integer({ min: 0, max: 4 }),
    }),
    fc.record({
      kind: fc.constant('event_sum' as const),
      event: fc.constantFrom(...EVENTS),
      property: fc.constantFrom('amount', 'sku'),
      where: fc.array(filter, { maxLength: 1 }),
      days,
      op: countOp,
      value: fc.constantFrom(0, 100, 250, 600),
    }),
    fc.record({
      kind: fc.constant('last_event' as const),
      event: fc.constantFrom(...EVENTS),
      op: fc.constantFrom('within_days', 'none_within_days', 'more_than_days_ago', 'never', 'ever'),
      days,
    }),
    fc.record({
      kind: fc.constant('registered' as const),
      op: fc.constantFrom('more_than_days_ago', 'within_days'),
      days,
    }),
    fc.record({
      kind: fc.constant('segment' as const),
      op: fc.constantFrom('in', 'not_in'),
      segmentId: fc.constantFrom(...segments),
    }),
  ) as fc.Arbitrary<SegmentRule>;
  const rule: fc.Arbitrary<SegmentRule> = fc.letrec<{ rule: SegmentRule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({
        kind: fc.constantFrom('all', 'any'),
        rules: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }),
      }) as fc.Arbitrary<SegmentRule>,
    ),
  })).rule;

  it('on 150 random rules over 60 random members', async () => {
    await fc.assert(
      fc.asyncProperty(rule, async (r) => {
        // every generated rule is a valid rule
        expect(segmentRule.safeParse(r).success).toBe(true);
        const bySql = await stack.db
          .selectFrom('members as m')
          .select('m.id')
          .where('m.workspace_id', '=', stack.workspaceId)
          .where(ruleSql(r, { now: new Date(NOW), timezone: WS_TZ }))
          .execute();
        const setResult = new Set(bySql.map((x) => x.id));
        const mismatches: string[] = [];
        for (const id of memberIds) {
          const facts = await loadSegmentFacts(stack.db, id, [r], NOW);
          const mine = evaluateRule(r, facts!);
          if (mine !== setResult.has(id)) mismatches.push(`${id}: memory ${mine}, sql ${setResult.has(id)}`);
        }
        expect(mismatches, JSON.stringify(r)).toEqual([]);
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 20261124) },
    );
  });
});
