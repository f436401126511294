// The configuration a real Temporal server (`temporal-server start`, v1.29) reads, built as data. The server
// loads YAML with yaml.v3, and JSON is YAML: we write it with JSON.stringify and need no YAML library.

export interface RealServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export interface PostgresTarget {
  /** `host:port` */
  connectAddr: string;
  user: string;
  password: string;
}

export interface RealServerConfigInput {
  ip: string;
  ports: RealServerPorts;
  postgres: PostgresTarget;
  databases: { temporal: string; visibility: string };
  historyShards: number;
  /** Path of the dynamic config file, relative to the server's working directory or absolute. */
  dynamicConfigFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Connections per store. The Postgres server is shared (tests, the app, other test runs: 100 connections by
 * default), so the server gets a modest pool; visibility is written asynchronously and needs few.
 */
const MAX_CONNS = { temporal: 12, visibility: 4 };

/** The static config: persistence on the two databases, every service on its own port on `ip`, no archival. */
export function realServerConfig(input: RealServerConfigInput): Record<string, unknown> {
  const { ip, ports } = input;
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: input.postgres.connectAddr,
      connectProtocol: 'tcp',
      user: input.postgres.user,
      password: input.postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: ip, ...(httpPort ? { httpPort } : {}) },
  });
  const frontend = `${ip}:${ports.frontend}`;
  return {
    log: { stdout: true, level: input.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: input.historyShards,
      datastores: {
        default: sql(input.databases.temporal, MAX_CONNS.temporal),
        visibility: sql(input.databases.visibility, MAX_CONNS.visibility),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: ip } },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, ports.frontendHttp),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontend,
          httpAddress: `${ip}:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: {
      archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    },
    // Where the server's own system workflows (schedules, the scanner) reach its frontend.
    publicClient: { hostPort: frontend },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '1m' },
  };
}

/**
 * Dynamic config: the one setting the dev server gets from us (engine/infra/temporal-server.ts) that the
 * real server's defaults lack. Everything else our app uses (schedules, signal-with-start, eager workflow
 * start, updates) is on by default in v1.29; no search attributes are used.
 */
export function realServerDynamicConfig(): Record<string, Array<{ value: unknown }>> {
  return {
    // Hand an activity to the worker in the reply to the workflow task that scheduled it (no extra poll).
    'system.enableActivityEagerExecution': [{ value: true }],
  };
}
