import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FactOp } from './compare.js';
import { DECIMAL } from './compare.js';
import { isGroup, type SegmentRule } from './rules.js';

/**
 * An audience rule as a SQL condition over `members m`: the set-based twin of engine/segments/evaluate.ts,
 * mirroring it line for line (a property test checks they agree on random members and rules). Every value
 * is a bound parameter; keys and names never reach the SQL text.
 */
export interface RuleSqlContext {
  /** the evaluation instant */
  now: Date;
  /** the workspace's zone, for members without one */
  timezone: string;
}

const DECIMAL_SQL = DECIMAL.source;

type Sql = RawBuilder<unknown>;
const bool = (s: Sql) => s as RawBuilder<SqlBool>;

/** The fact at a key, else at a dotted path (as lookupFact). SQL NULL when absent. */
function fact(json: Sql, key: string): Sql {
  return sql`(case when jsonb_exists(${json}, ${key}) then ${json} -> ${key} else ${json} #> ${key.split('.')}::text[] end)`;
}

function orderOp(op: FactOp): Sql {
  const ops = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  return sql.raw(ops[op as keyof typeof ops]);
}

/** compareFact(v, op, expected) for a jsonb expression v. */
export function compareSql(v: Sql, op: FactOp, expected: unknown): Sql {
  const missing = sql`(${v} is null or jsonb_typeof(${v}) = 'null')`;
  if (op === 'exists')
    return sql`(not ${missing} and not (jsonb_typeof(${v}) = 'string' and ${v} #>> '{}' = ''))`;
  const onMissing = op === 'neq' && expected !== undefined && expected !== null ? sql`true` : sql`false`;
  const text = String(expected);
  let present: Sql;
  if (op === 'contains') {
    present = sql`(case jsonb_typeof(${v})
      when 'array' then exists (select 1 from jsonb_array_elements(${v}) x
        where jsonb_typeof(x) in ('string', 'number', 'boolean') and x #>> '{}' = ${text})
      when 'string' then strpos(${v} #>> '{}', ${text}) > 0
      else false end)`;
  } else if (typeof expected === 'number') {
    const n = sql`(case when jsonb_typeof(${v}) = 'number' then (${v} #>> '{}')::numeric
      when jsonb_typeof(${v}) = 'string' and ${v} #>> '{}' ~ ${DECIMAL_SQL} then (${v} #>> '{}')::numeric end)`;
    present = sql`(case when ${n} is null then ${op === 'neq'} else ${n} ${orderOp(op)} ${String(expected)}::numeric end)`;
  } else if (typeof expected === 'boolean') {
    const b = sql`(case when ${v} in ('true'::jsonb, '"true"'::jsonb) then true
      when ${v} in ('false'::jsonb, '"false"'::jsonb) then false end)`;
    present =
      op === 'eq' || op === 'neq'
        ? sql`(case when ${b} is null then ${op === 'neq'} else ${b} ${orderOp(op)} ${expected} end)`
        : sql`(${b} is null and false)`;
  } else {
    present = sql`(case when jsonb_typeof(${v}) in ('string', 'number', 'boolean')
      then (${v} #>> '{}') collate "C" ${orderOp(op)} ${text} collate "C" else ${op === 'neq'} end)`;
  }
  return sql`(case when ${missing} then ${onMissing} else ${present} end)`;
}

function countOp(op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq'): Sql {
  return sql.raw({ gte: '>=', gt: '>', lte: '<=', lt: '<', eq: '=' }[op]);
}

export function ruleSql(rule: SegmentRule, ctx: RuleSqlContext): RawBuilder<SqlBool> {
  if (isGroup(rule)) {
    const parts = rule.rules.map((r) => ruleSql(r, ctx));
    return bool(sql`(${sql.join(parts, sql.raw(rule.kind === 'all' ? ' and ' : ' or '))})`);
  }
  const now = ctx.now;
  const attrs = sql`m.attributes`;
  switch (rule.kind) {
    case 'tag': {
      const has = sql`exists (select 1 from member_tags t where t.member_id = m.id and t.tag = ${rule.tag})`;
      return bool(rule.op === 'has' ? has : sql`not ${has}`);
    }
    case 'attribute':
      return bool(compareSql(fact(attrs, rule.key), rule.op, rule.value));
    case 'attribute_date': {
      const v = fact(attrs, rule.key);
      const d = sql`(case when jsonb_typeof(${v}) = 'string' then yt_date(${v} #>> '{}') end)`;
      const today = sql`((${now}::timestamptz at time zone coalesce(m.timezone, ${ctx.timezone}))::date)`;
      switch (rule.op) {
        case 'within_next_days':
          return bool(sql`(${d} >= ${today} and ${d} <= ${today} + ${rule.days}::int)`);
        case 'within_last_days':
          return bool(sql`(${d} >= ${today} - ${rule.days}::int and ${d} <= ${today})`);
        case 'more_than_days_ago':
          return bool(sql`(${d} < ${today} - ${rule.days}::int)`);
        case 'anniversary_within_days': {
          const years = sql`(extract(year from ${today}) - extract(year from ${d}))::int`;
          const thisYear = sql`(${d} + make_interval(years => ${years}))::date`;
          const nextYear = sql`(${d} + make_interval(years => ${years} + 1))::date`;
          const next = sql`(case when ${thisYear} < ${today} then ${nextYear} else ${thisYear} end)`;
          return bool(sql`(${d} is not null and ${next} <= ${today} + ${rule.days}::int)`);
        }
      }
      return bool(sql`false`);
    }
    case 'consent':
      return bool(
        sql`((coalesce(m.consent -> ${rule.channel}, 'true'::jsonb) <> 'false'::jsonb) = ${rule.value})`,
      );
    case 'event_count':
    case 'event_sum': {
      const since = new Date(now.getTime() - rule.days * 86_400_000);
      const filters = (rule.where ?? []).map((w) =>
        compareSql(fact(sql`e.properties`, w.property), w.op, w.value),
      );
      const where = filters.length ? sql` and ${sql.join(filters, sql.raw(' and '))}` : sql``;
      if (rule.kind === 'event_count') {
        return bool(sql`((select count(*) from events e where e.member_id = m.id and e.name = ${rule.event}
          and e.occurred_at > ${since} and e.occurred_at <= ${now}${where}) ${countOp(rule.op)} ${rule.value})`);
      }
      const p = fact(sql`e.properties`, rule.property);
      const n = sql`(case when jsonb_typeof(${p}) = 'number' then (${p} #>> '{}')::numeric
        when jsonb_typeof(${p}) = 'string' and ${p} #>> '{}' ~ ${DECIMAL_SQL} then (${p} #>> '{}')::numeric end)`;
      return bool(sql`(coalesce((select sum(${n}) from events e where e.member_id = m.id and e.name = ${rule.event}
        and e.occurred_at > ${since} and e.occurred_at <= ${now}${where}), 0) ${countOp(rule.op)} ${String(rule.value)}::numeric)`);
    }
    case 'last_event': {
      const last = sql`(select s.last_at from member_event_stats s where s.member_id = m.id and s.name = ${rule.event})`;
      const since = new Date(now.getTime() - (rule.days ?? 0) * 86_400_000);
      switch (rule.op) {
        case 'within_days':
          return bool(sql`coalesce(${last} > ${since}, false)`);
        case 'none_within_days':
          return bool(sql`coalesce(${last} <= ${since}, true)`);
        case 'more_than_days_ago':
          return bool(sql`coalesce(${last} <= ${since}, false)`);
        case 'never':
          return bool(sql`(${last} is null)`);
        case 'ever':
          return bool(sql`(${last} is not null)`);
      }
      return bool(sql`false`);
    }
    case 'registered': {
      const since = new Date(now.getTime() - rule.days * 86_400_000);
      return bool(
        rule.op === 'more_than_days_ago' ? sql`(m.created_at < ${since})` : sql`(m.created_at >= ${since})`,
      );
    }
    case 'segment': {
      const inIt = sql`exists (select 1 from segment_members sm
        where sm.segment_id = ${rule.segmentId} and sm.member_id = m.id and sm.left_at is null)`;
      return bool(rule.op === 'in' ? inIt : sql`not ${inIt}`);
    }
  }
}
