import type { FieldIssue } from '../api/client';
import type { LeafRule, SegmentRule } from '../api/types';

/** The rule kinds a marketer picks from, in the order the builder offers them. */
export const LEAF_KINDS = [
  'tag',
  'attribute',
  'attribute_date',
  'consent',
  'event_count',
  'event_sum',
  'last_event',
  'registered',
  'segment',
] as const satisfies readonly LeafRule['kind'][];

export type LeafKind = (typeof LEAF_KINDS)[number];
export type Group = Extract<SegmentRule, { kind: 'all' | 'any' }>;

/** A new condition of a kind, filled with the most common choice (e.g. "no order_paid in 90 days"). */
export function newLeaf(kind: LeafKind): LeafRule {
  switch (kind) {
    case 'tag':
      return { kind, op: 'has', tag: '' };
    case 'attribute':
      return { kind, key: '', op: 'eq', value: '' };
    case 'attribute_date':
      return { kind, key: 'birthday', op: 'anniversary_within_days', days: 7 };
    case 'consent':
      return { kind, channel: 'sms', value: true };
    case 'event_count':
      return { kind, event: 'order_paid', days: 30, op: 'gte', value: 3 };
    case 'event_sum':
      return { kind, event: 'order_paid', property: 'amount', days: 90, op: 'gte', value: 500 };
    case 'last_event':
      return { kind, event: 'order_paid', op: 'more_than_days_ago', days: 90 };
    case 'registered':
      return { kind, op: 'more_than_days_ago', days: 7 };
    case 'segment':
      return { kind, op: 'in', segmentId: '' };
  }
}

export function newGroup(kind: 'all' | 'any' = 'all'): Group {
  return { kind, rules: [newLeaf('tag')] };
}

export function isGroup(rule: SegmentRule): rule is Group {
  return rule.kind === 'all' || rule.kind === 'any';
}

/** The server's name for the rule at `path` (indexes into nested groups): `rule.rules.0.rules.2`. */
export function ruleField(path: number[]): string {
  return ['rule', ...path.map((i) => `rules.${i}`)].join('.');
}

/** The rule with the one at `path` replaced by `fn(it)`. */
export function updateAt(
  rule: SegmentRule,
  path: number[],
  fn: (r: SegmentRule) => SegmentRule,
): SegmentRule {
  if (path.length === 0) return fn(rule);
  if (!isGroup(rule)) return rule;
  const [i, ...rest] = path;
  return { ...rule, rules: rule.rules.map((r, j) => (j === i ? updateAt(r, rest, fn) : r)) };
}

/** The rule without the one at `path` (the root is never removed). */
export function removeAt(rule: SegmentRule, path: number[]): SegmentRule {
  if (path.length === 0 || !isGroup(rule)) return rule;
  const [i, ...rest] = path;
  if (rest.length === 0) return { ...rule, rules: rule.rules.filter((_, j) => j !== i) };
  return { ...rule, rules: rule.rules.map((r, j) => (j === i ? removeAt(r, rest) : r)) };
}

/**
 * The rule as the API takes it: a comparison with "has a value" carries no value, an empty filter list is left
 * out, "never/ever did X" carries no day count — so a half-edited row does not fail on a field it hides.
 */
export function cleanRule(rule: SegmentRule): SegmentRule {
  if (isGroup(rule)) return { ...rule, rules: rule.rules.map(cleanRule) };
  const r = { ...rule } as LeafRule & { value?: unknown; days?: number; where?: unknown[] };
  if (r.kind === 'attribute' && r.op === 'exists') delete r.value;
  if ((r.kind === 'event_count' || r.kind === 'event_sum') && r.where) {
    const where = r.where.map((f) => {
      const x = { ...(f as { op: string; value?: unknown }) };
      if (x.op === 'exists') delete x.value;
      return x;
    });
    if (where.length) (r as { where?: unknown[] }).where = where;
    else delete r.where;
  }
  if (r.kind === 'last_event' && (r.op === 'never' || r.op === 'ever')) delete r.days;
  return r as LeafRule;
}

/**
 * Server issues (`rule.rules.0.rules.1.value: …`) by the rule row they belong to (`rule.rules.0.rules.1`),
 * each with the field inside the row (`value`), so the builder marks the row the engine refused.
 */
export function issuesByRule(
  issues: FieldIssue[] | undefined,
): Map<string, { field: string; message: string }[]> {
  const out = new Map<string, { field: string; message: string }[]>();
  for (const issue of issues ?? []) {
    const m = /^(rule(?:\.rules\.\d+)*)(?:\.(.+))?$/.exec(issue.field);
    if (!m) continue;
    const row = m[1];
    out.set(row, [...(out.get(row) ?? []), { field: m[2] ?? '', message: issue.message }]);
  }
  return out;
}

/** i18n keys for the engine's English reasons (engine/segments/rules.ts, rule-limits.ts, segments.repository.ts). */
export function ruleIssueKey(issue: { field: string; message: string }): string {
  const msg = issue.message;
  if (/at least one rule/.test(msg)) return 'audiences.issue.emptyGroup';
  if (/nest at most/.test(msg)) return 'audiences.issue.tooDeep';
  if (/at most \d+ conditions/.test(msg)) return 'audiences.issue.tooMany';
  if (/too large to evaluate/.test(msg)) return 'audiences.issue.tooLarge';
  if (/to count; narrow it/.test(msg)) return 'audiences.issue.tooSlow';
  if (/contain itself through/.test(msg)) return 'audiences.issue.cycle';
  if (/cannot contain itself/.test(msg)) return 'audiences.issue.self';
  if (/no such audience/.test(msg) || issue.field === 'segmentId') return 'audiences.issue.segment';
  if (/value is needed/.test(msg)) return 'audiences.issue.value';
  if (issue.field === 'days' || /window/.test(msg) || /how many days/.test(msg))
    return 'audiences.issue.days';
  const last = issue.field.split('.').pop() ?? '';
  if (last === 'tag') return 'audiences.issue.tag';
  if (last === 'event') return 'audiences.issue.event';
  if (last === 'key' || last === 'property') return 'audiences.issue.key';
  if (last === 'value') return 'audiences.issue.value';
  return 'audiences.issue.other';
}
