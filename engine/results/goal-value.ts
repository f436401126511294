/**
 * A goal's value: 元 given as a number (199.9) or a numeric string ("199.90"), stored as whole 分 in a
 * Postgres bigint so sums never drift like floats. Parsed from the decimal text, never through float
 * multiplication (0.29 * 100 = 28.999…). More than two decimals round half away from zero to the 分.
 */
export const MAX_FEN = 9_223_372_036_854_775_807n;

export type GoalValue =
  | { kind: 'value'; fen: bigint }
  /** missing, empty, or not a number: the conversion counts with value 0, reported as "no value" */
  | { kind: 'none' }
  /** a number past what a bigint of 分 holds: refused at ingest */
  | { kind: 'overflow' };

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

export function parseGoalValue(raw: unknown): GoalValue {
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { kind: 'none' };
    // Numbers print in exponent form from 1e21 on; such values are past the bigint range anyway.
    if (Math.abs(raw) >= 1e21) return { kind: 'overflow' };
    text = Math.abs(raw) < 1e-6 && raw !== 0 ? '0' : String(raw);
  } else if (typeof raw === 'string') text = raw.trim();
  else return { kind: 'none' };
  const m = DECIMAL.exec(text);
  if (!m) return { kind: 'none' };
  const [, sign, whole, frac = ''] = m;
  let fen = BigInt(whole) * 100n + BigInt(`${frac}00`.slice(0, 2));
  if (frac.length > 2 && frac[2] >= '5') fen += 1n;
  if (fen > MAX_FEN) return { kind: 'overflow' };
  return { kind: 'value', fen: sign === '-' ? -fen : fen };
}

/** The value property's raw value; a dotted name (`order.amount`) reads a nested object. */
export function readProperty(properties: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(properties, name)) return properties[name];
  let at: unknown = properties;
  for (const part of name.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
