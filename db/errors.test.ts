import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    withCode('ECONNREFUSED'),
    withCode('ECONNRESET'),
    withCode('ETIMEDOUT'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P02'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('08001'),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new AggregateError([withCode('ECONNREFUSED')], ''),
    new Error('wrapped', { cause: withCode('ECONNREFUSED') }),
  ])('says yes to %s', (err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    withCode('23505', 'duplicate key value violates unique constraint'),
    withCode('42601', 'syntax error'),
    withCode('22P02', 'invalid input syntax for type uuid'),
    withCode('57014', 'canceling statement due to statement timeout'),
    withCode('08P01', 'protocol violation'),
    new Error('no result'),
    null,
    undefined,
    'ECONNREFUSED',
  ])('says no to %s', (err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
