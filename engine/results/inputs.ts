import { StatisticsError } from './statistics-error.js';

/** Conversions out of members entered, as the rollups count them. */
export interface Proportion {
  successes: number;
  n: number;
}

/** A count of members or conversions: a whole number from 0 to 2^53 − 1. */
export function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StatisticsError('invalid_input', field, 'must be a whole number ≥ 0');
  return value;
}

/** `field` prefixes the names in errors (`a` → `a.successes`); empty for positional arguments. */
export function checkProportion(value: Proportion | undefined, field: string): Proportion {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (typeof value !== 'object' || value === null)
    throw new StatisticsError('invalid_input', field || 'value', 'must be { successes, n }');
  const n = checkCount(value.n, at('n'));
  const successes = checkCount(value.successes, at('successes'));
  if (successes > n)
    throw new StatisticsError('invalid_input', at('successes'), `${successes} is more than n = ${n}`);
  return { successes, n };
}

export function checkConfidence(value: unknown, field = 'confidence'): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1))
    throw new StatisticsError('invalid_input', field, 'must be a number between 0 and 1, e.g. 0.95');
  return value;
}
