import { describe, expect, it } from 'vitest';
import { historyShards, startTemporal, temporalKind } from './test-temporal.js';

describe('temporalKind', () => {
  it('is the dev server unless the variable says server', () => {
    expect(temporalKind('YUTANG_TEST_TEMPORAL', {})).toBe('dev');
    expect(temporalKind('YUTANG_TEST_TEMPORAL', { YUTANG_TEST_TEMPORAL: '' })).toBe('dev');
    expect(temporalKind('YUTANG_TEST_TEMPORAL', { YUTANG_TEST_TEMPORAL: 'dev' })).toBe('dev');
    expect(temporalKind('BENCH_TEMPORAL', { BENCH_TEMPORAL: ' server ' })).toBe('server');
  });

  it('stops at a value it does not know, naming the variable', () => {
    expect(() => temporalKind('YUTANG_TEST_TEMPORAL', { YUTANG_TEST_TEMPORAL: 'real' })).toThrow(
      'YUTANG_TEST_TEMPORAL must be "dev" (the default) or "server", got "real"',
    );
  });
});

describe('historyShards', () => {
  it('defaults to 4 and takes YUTANG_TEMPORAL_SHARDS', () => {
    expect(historyShards({})).toBe(4);
    expect(historyShards({ YUTANG_TEMPORAL_SHARDS: '16' })).toBe(16);
  });

  it('refuses a count that is not a whole number from 1 to 16384', () => {
    for (const bad of ['0', '2.5', 'four', '20000'])
      expect(() => historyShards({ YUTANG_TEMPORAL_SHARDS: bad })).toThrow('YUTANG_TEMPORAL_SHARDS must be');
  });
});

it('refuses the real server when TEMPORAL_ADDRESS also names one', async () => {
  await expect(
    startTemporal({
      kind: 'server',
      postgresUrl: 'postgres://127.0.0.1/postgres',
      databasePrefix: 'x',
      log: () => {},
      env: { TEMPORAL_ADDRESS: '127.0.0.1:7233' },
    }),
  ).rejects.toThrow('TEMPORAL_ADDRESS is set and the real Temporal server was asked for');
});
