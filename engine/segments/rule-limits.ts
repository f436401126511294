import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { isGroup, type LeafRule, type SegmentRule } from './rules.js';
import { ruleSql } from './sql.js';

/**
 * How large an audience rule may be. The schema already caps a group at 50 rules, a leaf at 10 event filters
 * and nesting at 6 groups; these cap the whole rule, because its cost is the sum of its leaves: every leaf is a
 * correlated subquery or comparison per member, and the compiled SQL binds each key and value several times.
 * Security review M3 (issue 14): 300 `event_sum` leaves with 10 filters each was 126,000 bind parameters — a
 * statement Postgres cannot even take (at most 65,535) — and a fifth of that ran for half a minute.
 */
export const MAX_RULE_LEAVES = 50;
/** Bind parameters of the rule's SQL: well under Postgres' 65,535, with room for the query around it. */
export const MAX_RULE_PARAMETERS = 20_000;

// Compiles SQL without a connection: only the number of bind parameters is wanted.
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const SOME_CONTEXT = { now: new Date(0), timezone: 'UTC' };

/** The bind parameters one leaf adds to the rule's SQL (groups add none). */
export function leafParameters(leaf: LeafRule): number {
  return ruleSql(leaf, SOME_CONTEXT).compile(compiler).parameters.length;
}

/**
 * The first leaf at which the rule grows past a limit, with its dotted path (`rule.rules.1.rules.20`) and
 * why, or null. Leaves are counted in the order the editor shows them, so the path names the row to remove.
 */
export function ruleSizeProblem(rule: SegmentRule, path = 'rule'): { field: string; message: string } | null {
  let leaves = 0;
  let parameters = 0;
  const stack: { rule: SegmentRule; path: string }[] = [{ rule, path }];
  while (stack.length) {
    const at = stack.pop()!;
    if (isGroup(at.rule)) {
      for (let i = at.rule.rules.length - 1; i >= 0; i--)
        stack.push({ rule: at.rule.rules[i], path: `${at.path}.rules.${i}` });
      continue;
    }
    leaves++;
    if (leaves > MAX_RULE_LEAVES) {
      return {
        field: at.path,
        message: `an audience rule has at most ${MAX_RULE_LEAVES} conditions; this is condition ${leaves} (split it into audiences and combine them with "in audience")`,
      };
    }
    parameters += leafParameters(at.rule as LeafRule);
    if (parameters > MAX_RULE_PARAMETERS) {
      return {
        field: at.path,
        message: `the rule is too large to evaluate from this condition on: its conditions and event filters come to more than ${MAX_RULE_PARAMETERS.toLocaleString('en')} database parameters; use fewer filters or conditions`,
      };
    }
  }
  return null;
}
