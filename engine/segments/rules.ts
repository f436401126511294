import { z } from 'zod';
import { CHANNELS } from '../channels/channels.js';
import { eventName, label, tagName } from '../nodes/schemas.js';

/**
 * The audience rule language: a tree of `all` / `any` groups over member facts, event history and other
 * audiences. Two evaluators read it — one per member in memory (engine/segments/evaluate.ts, the real-time
 * path) and one in SQL over all members (engine/segments/sql.ts, the schedule) — and a property test
 * keeps them in agreement.
 */

const days = z.number().int().min(1, 'a window is at least 1 day').max(3650, 'a window is at most 10 years');
const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);
const attributeKey = z
  .string()
  .trim()
  .min(1, 'choose an attribute')
  .max(64)
  .regex(/^[^\s]+$/, 'no spaces');
const compareOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists']);
const countOp = z.enum(['gte', 'gt', 'lte', 'lt', 'eq']);

/** An event property filter inside an event rule (compared like attributes). */
export const eventFilter = z.object({
  property: attributeKey,
  op: compareOp,
  value: scalar.optional(),
});

const leaf = [
  z.object({ kind: z.literal('tag'), op: z.enum(['has', 'has_not']), tag: tagName }),
  z.object({ kind: z.literal('attribute'), key: attributeKey, op: compareOp, value: scalar.optional() }),
  z.object({
    kind: z.literal('attribute_date'),
    key: attributeKey,
    /** birthday this week: `anniversary_within_days` 7; membership expiring in 30 days: `within_next_days` 30 */
    op: z.enum(['within_next_days', 'within_last_days', 'more_than_days_ago', 'anniversary_within_days']),
    days,
  }),
  z.object({ kind: z.literal('consent'), channel: z.enum(CHANNELS), value: z.boolean() }),
  z.object({
    kind: z.literal('event_count'),
    event: eventName,
    where: z.array(eventFilter).max(10).optional(),
    days,
    op: countOp,
    value: z.number().int().min(0).max(1_000_000),
  }),
  z.object({
    kind: z.literal('event_sum'),
    event: eventName,
    property: attributeKey,
    where: z.array(eventFilter).max(10).optional(),
    days,
    op: countOp,
    value: z.number().finite().min(-1e12).max(1e12),
  }),
  z.object({
    kind: z.literal('last_event'),
    event: eventName,
    /** `none_within_days` = no such event in the last N days, never included ("no order in 90 days") */
    op: z.enum(['within_days', 'none_within_days', 'more_than_days_ago', 'never', 'ever']),
    days: days.optional(),
  }),
  z.object({ kind: z.literal('registered'), op: z.enum(['more_than_days_ago', 'within_days']), days }),
  z.object({
    kind: z.literal('segment'),
    op: z.enum(['in', 'not_in']),
    segmentId: z.uuid('choose an audience'),
  }),
] as const;

export type SegmentRule = { kind: 'all' | 'any'; rules: SegmentRule[] } | z.infer<(typeof leaf)[number]>;

export const segmentRule: z.ZodType<SegmentRule> = z
  .lazy(
    () =>
      z.discriminatedUnion('kind', [
        z.object({
          kind: z.enum(['all', 'any']),
          rules: z.array(segmentRule).min(1, 'a group needs at least one rule').max(50),
        }),
        ...leaf,
      ]),
    // Named, so JSON Schema and OpenAPI documents refer to the recursive rule as AudienceRule.
  )
  .meta({ id: 'AudienceRule' }) as z.ZodType<SegmentRule>;

export type LeafRule = Exclude<SegmentRule, { kind: 'all' | 'any' }>;

export const MAX_RULE_DEPTH = 6;

/** Checks the schema cannot express, each with the dotted path of the bad rule. */
export function ruleProblems(rule: SegmentRule, path = 'rule'): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const walk = (r: SegmentRule, p: string, depth: number) => {
    if (depth > MAX_RULE_DEPTH) {
      out.push({ field: p, message: `rules nest at most ${MAX_RULE_DEPTH} deep` });
      return;
    }
    if (isGroup(r)) {
      for (const [i, x] of r.rules.entries()) walk(x, `${p}.rules.${i}`, depth + 1);
      return;
    }
    if (r.kind === 'attribute' && r.op !== 'exists' && r.value === undefined)
      out.push({ field: `${p}.value`, message: 'a value is needed for this comparison' });
    if (
      r.kind === 'last_event' &&
      ['within_days', 'none_within_days', 'more_than_days_ago'].includes(r.op) &&
      !r.days
    )
      out.push({ field: `${p}.days`, message: 'say how many days' });
    for (const [i, f] of ('where' in r ? (r.where ?? []) : []).entries())
      if (f.op !== 'exists' && f.value === undefined)
        out.push({ field: `${p}.where.${i}.value`, message: 'a value is needed for this comparison' });
  };
  walk(rule, path, 1);
  return out;
}

export function isGroup(rule: SegmentRule): rule is { kind: 'all' | 'any'; rules: SegmentRule[] } {
  return rule.kind === 'all' || rule.kind === 'any';
}

export function leaves(rule: SegmentRule): LeafRule[] {
  return isGroup(rule) ? rule.rules.flatMap(leaves) : [rule as LeafRule];
}

/** What can change membership: the passage of time, which events, member fields, other audiences. */
export function analyzeRule(rule: SegmentRule) {
  const ls = leaves(rule);
  const timed = new Set(['attribute_date', 'event_count', 'event_sum', 'registered']);
  return {
    timeBased: ls.some((l) => timed.has(l.kind) || (l.kind === 'last_event' && l.days !== undefined)),
    eventNames: [...new Set(ls.flatMap((l) => ('event' in l ? [l.event] : [])))].sort(),
    memberFields: ls.some((l) => ['tag', 'attribute', 'attribute_date', 'consent'].includes(l.kind)),
    dependsOn: [...new Set(ls.flatMap((l) => (l.kind === 'segment' ? [l.segmentId] : [])))].sort(),
  };
}

/** The columns an audience's rule decides, as stored: the rule and what can change its membership. */
export function ruleColumns(rule: SegmentRule) {
  const a = analyzeRule(rule);
  return {
    rule: JSON.stringify(rule),
    time_based: a.timeBased,
    event_names: a.eventNames,
    member_fields: a.memberFields,
    depends_on: a.dependsOn,
  };
}

/**
 * An audience that contains itself through others: the path from `id` back to itself, or null.
 * `dependsOn(x)` gives the audiences x refers to (the saved ones, with `id`'s new rule in place).
 */
export function findCycle(id: string, dependsOn: (x: string) => string[]): string[] | null {
  const stack: { node: string; path: string[] }[] = dependsOn(id).map((d) => ({ node: d, path: [id, d] }));
  const seen = new Set<string>();
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (node === id) return path;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const d of dependsOn(node)) stack.push({ node: d, path: [...path, d] });
  }
  return null;
}

export const segmentBody = z.object({
  name: z.string().trim().min(1, 'give the audience a name').max(100).meta(label('名称', 'Name')),
  description: z.string().max(500).optional(),
  rule: segmentRule,
});
