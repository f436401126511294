import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { leafParameters, MAX_RULE_LEAVES, MAX_RULE_PARAMETERS, ruleSizeProblem } from './rule-limits.js';
import { type LeafRule, leaves, type SegmentRule } from './rules.js';
import { ruleSql } from './sql.js';

const tag = (i: number): SegmentRule => ({ kind: 'tag', op: 'has', tag: `t${i}` });
const heavy: LeafRule = {
  kind: 'event_sum',
  event: 'order_paid',
  property: 'amount',
  where: Array.from({ length: 10 }, (_, i) => ({ property: `p${i}`, op: 'gte' as const, value: i })),
  days: 30,
  op: 'gte',
  value: 100,
};

describe('audience rule size limits', () => {
  it('allows 50 leaves and names the 51st, counted in the order the editor shows them', () => {
    const fifty: SegmentRule = { kind: 'all', rules: Array.from({ length: 50 }, (_, i) => tag(i)) };
    expect(ruleSizeProblem(fifty)).toBeNull();
    const nested: SegmentRule = {
      kind: 'any',
      rules: [
        { kind: 'all', rules: Array.from({ length: 40 }, (_, i) => tag(i)) },
        tag(40),
        { kind: 'all', rules: Array.from({ length: 20 }, (_, i) => tag(41 + i)) },
      ],
    };
    expect(ruleSizeProblem(nested)).toMatchObject({
      field: 'rule.rules.2.rules.9',
      message: expect.stringContaining(`at most ${MAX_RULE_LEAVES} conditions`),
    });
  });

  it('names the leaf whose parameters take the rule past the limit', () => {
    const perLeaf = leafParameters(heavy);
    const fit = Math.floor(MAX_RULE_PARAMETERS / perLeaf);
    const rule: SegmentRule = { kind: 'any', rules: Array.from({ length: fit + 1 }, () => heavy) };
    expect(fit + 1).toBeLessThanOrEqual(MAX_RULE_LEAVES);
    expect(ruleSizeProblem(rule)).toMatchObject({
      field: `rule.rules.${fit}`,
      message: expect.stringContaining('parameters'),
    });
    expect(
      ruleSizeProblem({ kind: 'any', rules: rule.kind === 'any' ? rule.rules.slice(0, fit) : [] }),
    ).toBeNull();
  });

  it('counts exactly the parameters the whole rule compiles to (groups add none)', () => {
    const compiler = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const rule: SegmentRule = {
      kind: 'all',
      rules: [
        heavy,
        { kind: 'any', rules: [tag(1), { kind: 'attribute', key: 'a.b', op: 'gte', value: 3 }] },
        { kind: 'last_event', event: 'x', op: 'within_days', days: 3 },
        { kind: 'attribute_date', key: 'birthday', op: 'anniversary_within_days', days: 7 },
      ],
    };
    const whole = ruleSql(rule, { now: new Date(), timezone: 'Asia/Shanghai' }).compile(compiler);
    const sum = leaves(rule).reduce((n, l) => n + leafParameters(l), 0);
    expect(sum).toBe(whole.parameters.length);
  });
});
