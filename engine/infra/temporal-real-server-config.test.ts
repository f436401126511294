import { describe, expect, it } from 'vitest';
import { freePortInRange } from './free-port.js';
import { postgresTarget } from './temporal-real-server.js';
import { realServerConfig, realServerDynamicConfig } from './temporal-real-server-config.js';

const ports = {
  frontend: 40001,
  frontendHttp: 40002,
  history: 40003,
  matching: 40004,
  worker: 40005,
  frontendMembership: 21001,
  historyMembership: 21002,
  matchingMembership: 21003,
  workerMembership: 21004,
};

describe('realServerConfig', () => {
  const config = realServerConfig({
    ip: '127.0.0.1',
    ports,
    postgres: { connectAddr: 'db:5433', user: 'u', password: 'p' },
    databases: { temporal: 't1', visibility: 't1_visibility' },
    historyShards: 8,
    dynamicConfigFile: '/tmp/x/dynamicconfig.yaml',
  }) as any;

  it('persists on the two databases with the asked number of history shards', () => {
    expect(config.persistence.numHistoryShards).toBe(8);
    const { default: main, visibility } = config.persistence.datastores;
    expect(main.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 't1', connectAddr: 'db:5433' });
    expect(visibility.sql).toMatchObject({ databaseName: 't1_visibility', user: 'u', password: 'p' });
  });

  it('puts every service on its own port and points clients at the frontend', () => {
    expect(config.services.history.rpc).toEqual({
      grpcPort: 40003,
      membershipPort: 21002,
      bindOnIP: '127.0.0.1',
    });
    expect(config.services.frontend.rpc.httpPort).toBe(40002);
    expect(config.publicClient.hostPort).toBe('127.0.0.1:40001');
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:40001');
  });

  it('is JSON the server can read as YAML, with eager activities on', () => {
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(realServerDynamicConfig()['system.enableActivityEagerExecution']).toEqual([{ value: true }]);
  });
});

describe('postgresTarget', () => {
  it('reads host, port and credentials, decoding them', () => {
    expect(postgresTarget('postgres://a%40b:p%3Ass@db.local:6543/x')).toEqual({
      connectAddr: 'db.local:6543',
      user: 'a@b',
      password: 'p:ss',
    });
    expect(postgresTarget('postgresql://127.0.0.1/postgres')).toEqual({
      connectAddr: '127.0.0.1:5432',
      user: 'postgres',
      password: '',
    });
  });

  it('refuses what it cannot pass on, naming the field', () => {
    expect(() => postgresTarget('not a url')).toThrow('postgresUrl is not a URL');
    expect(() => postgresTarget('mysql://h/db')).toThrow('postgresUrl must start with postgres://');
    expect(() => postgresTarget('postgres://h/db?sslmode=require')).toThrow('sslmode=require');
  });
});

it('freePortInRange stays inside the range (Temporal keeps membership ports in a smallint)', async () => {
  for (let i = 0; i < 5; i++) {
    const port = await freePortInRange(20_000, 32_767);
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThanOrEqual(32_767);
  }
});
