import type { Condition, Operator, PropertyFilter } from '../plan.js';

/** The member facts branch conditions read. Loaded by an activity, evaluated here: pure and deterministic. */
export interface MemberFacts {
  tags: string[];
  attributes: Record<string, unknown>;
  /** the audiences the member is in (absent in facts recorded before audiences existed) */
  segments?: string[];
}

export function evaluateCondition(cond: Condition, member: MemberFacts): boolean {
  switch (cond.kind) {
    case 'tag':
      return member.tags.includes(cond.tag) === (cond.op === 'has');
    case 'attribute':
      return compare(lookup(member.attributes, cond.key), cond.op, cond.value);
    case 'segment':
      return (member.segments ?? []).includes(cond.segmentId) === (cond.op === 'in');
    case 'all':
      return cond.conditions.every((c) => evaluateCondition(c, member));
    case 'any':
      return cond.conditions.some((c) => evaluateCondition(c, member));
  }
}

export function matchesFilters(
  properties: Record<string, unknown>,
  filters: PropertyFilter[] | undefined,
): boolean {
  return (filters ?? []).every((f) => compare(lookup(properties, f.property), f.op, f.value));
}

/**
 * Compare a fact with a value. Numbers compare numerically when both sides read as numbers
 * ("100" gte 99), so values typed into a form work against numeric attributes.
 */
export function compare(actual: unknown, op: Operator, expected: unknown): boolean {
  if (op === 'exists') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined || actual === null)
    return op === 'neq' ? expected !== undefined && expected !== null : false;
  const a = asNumber(actual);
  const b = asNumber(expected);
  const numeric = a !== null && b !== null;
  switch (op) {
    case 'eq':
      return numeric ? a === b : String(actual) === String(expected);
    case 'neq':
      return numeric ? a !== b : String(actual) !== String(expected);
    case 'gt':
      return numeric ? a > b : String(actual) > String(expected);
    case 'gte':
      return numeric ? a >= b : String(actual) >= String(expected);
    case 'lt':
      return numeric ? a < b : String(actual) < String(expected);
    case 'lte':
      return numeric ? a <= b : String(actual) <= String(expected);
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => String(item) === String(expected));
      return String(actual).includes(String(expected));
  }
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v === null || v === undefined) return null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A fact by key or dotted path: own properties only, so `constructor` or `__proto__` never reach the prototype. */
function lookup(obj: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(obj, path)) return obj[path];
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A stable bucket in [0, 100) for a member at a split node: same member, same group, on every run and replay. */
export function stableBucket(seed: string): number {
  // FNV-1a, 32 bit
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 100;
}
