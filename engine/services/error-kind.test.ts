import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { errorKind } from './error-kind.js';
import { backoffMs, retryPolicy } from './events.service.js';

describe('errorKind', () => {
  it('calls a server that cannot be reached unavailable (the only 503)', () => {
    const grpc = (code: number) =>
      new ServiceError('service', { cause: Object.assign(new Error('grpc'), { code }) });
    expect(errorKind(grpc(14))).toBe('unavailable');
    expect(errorKind(grpc(4))).toBe('unavailable');
    expect(errorKind(Object.assign(new Error('x'), { name: 'ConnectionError' }))).toBe('unavailable');
    expect(
      errorKind(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe('unavailable');
    expect(errorKind(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      'unavailable',
    );
    expect(errorKind(Object.assign(new Error('x'), { code: '08006' }))).toBe('unavailable');
    expect(errorKind(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
  });

  it('calls passing conflicts retryable, and everything else permanent', () => {
    expect(errorKind(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('retryable');
    expect(errorKind(new ServiceError('rate', { cause: Object.assign(new Error('x'), { code: 8 }) }))).toBe(
      'retryable',
    );
    expect(errorKind(new ServiceError('odd'))).toBe('retryable');
    expect(errorKind(new TypeError("Cannot read properties of undefined (reading 'config')"))).toBe(
      'permanent',
    );
    expect(errorKind(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe('permanent');
    expect(errorKind(new ServiceError('bad', { cause: Object.assign(new Error('x'), { code: 3 }) }))).toBe(
      'permanent',
    );
  });
});

describe('backoffMs', () => {
  it('doubles from the base, with ±10 % jitter, up to the cap', () => {
    const policy = retryPolicy({ baseMs: 1_000, maxMs: 60_000 });
    for (const [attempts, expected] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [6, 32_000],
      [7, 60_000],
      [40, 60_000],
    ]) {
      const ms = backoffMs(policy, attempts);
      expect(ms).toBeGreaterThanOrEqual(expected * 0.9);
      expect(ms).toBeLessThanOrEqual(expected * 1.1);
    }
  });
});
