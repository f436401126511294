/**
 * How audience rules compare a member fact (an attribute, an event property) with a value. Defined tightly
 * enough to be computed the same way in memory and in SQL (engine/segments/sql.ts mirrors every line):
 * - the value's type decides: a number compares numerically with numbers and decimal strings, a boolean with
 *   booleans and 'true'/'false', a string as text in code-point order;
 * - a missing fact (absent or null) matches only `neq`; `exists` means present, not null and not '';
 * - `contains`: an array holding the value (as text), or a string containing it.
 */
export type FactOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists';

/** A fact by key, else by dotted path — own properties only, never the prototype. */
export function lookupFact(obj: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A decimal number in text, with ASCII blanks around it (what Postgres' numeric input also accepts). */
export const DECIMAL = /^[ \t\n\r\f\v]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\f\v]*$/;

export function factNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const asText = (v: unknown) => String(v);

function order<T>(a: T, b: T, op: FactOp): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    default:
      return false;
  }
}

export function compareFact(actual: unknown, op: FactOp, expected: unknown): boolean {
  const missing = actual === undefined || actual === null;
  if (op === 'exists') return !missing && actual !== '';
  if (missing) return op === 'neq' && expected !== undefined && expected !== null;
  if (op === 'contains') {
    if (Array.isArray(actual)) return actual.some((x) => isScalar(x) && asText(x) === asText(expected));
    return typeof actual === 'string' && actual.includes(asText(expected));
  }
  if (typeof expected === 'number') {
    const a = factNumber(actual);
    return a === null ? op === 'neq' : order(a, expected, op);
  }
  if (typeof expected === 'boolean') {
    const a =
      actual === true || actual === 'true' ? true : actual === false || actual === 'false' ? false : null;
    if (a === null) return op === 'neq';
    return op === 'eq' ? a === expected : op === 'neq' ? a !== expected : false;
  }
  if (!isScalar(actual)) return op === 'neq';
  return order(asText(actual), asText(expected), op);
}
