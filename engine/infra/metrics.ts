import type { Kysely } from 'kysely';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../../db/database.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { isTemporalUnavailable } from './temporal-client.js';

/**
 * Every metric the app exports, in one place, served as Prometheus text at `GET /metrics` (API port;
 * in `worker` mode on `YUTANG_METRICS_PORT`). Names follow Prometheus conventions: `_total` counters,
 * `_seconds` histograms. Labels stay low-cardinality: node types, channels, statuses — never ids.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const runsStarted = new Counter({
  name: 'yutang_runs_started_total',
  help: 'Journey runs whose workflow this process started',
  registers: [registry],
});

export const runsFinished = new Counter({
  name: 'yutang_runs_finished_total',
  help: 'Journey runs that reached an end, by final status (completed, exited, cancelled)',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const stepsRecorded = new Counter({
  name: 'yutang_steps_total',
  help: 'Steps runs took, by node type, the output taken and step status (ok, waiting, failed, skipped)',
  labelNames: ['node_type', 'output', 'status'] as const,
  registers: [registry],
});

export const messagesHandled = new Counter({
  name: 'yutang_messages_total',
  help: 'Message node outcomes by channel and status (sent, skipped, failed); reason says why one was skipped',
  labelNames: ['channel', 'status', 'reason'] as const,
  registers: [registry],
});

export const activityDuration = new Histogram({
  name: 'yutang_activity_duration_seconds',
  help: 'Time Temporal activities took on this worker, by activity, node type (actions) and outcome',
  labelNames: ['activity', 'node_type', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const eventsIngested = new Counter({
  name: 'yutang_events_ingested_total',
  help: 'Events received through the API and stored, by result (accepted, duplicate)',
  labelNames: ['result'] as const,
  registers: [registry],
});

/** What the Segment and Sensors endpoints did with each message: kept, or skipped and why (README: Event SDKs). */
export const sdkMessages = new Counter({
  name: 'yutang_sdk_messages_total',
  help: 'Messages received from Segment and Sensors Data SDKs, by sdk and outcome (event, profile, link, duplicate, skipped_anonymous, skipped_unsupported_type, refused)',
  labelNames: ['sdk', 'outcome'] as const,
  registers: [registry],
});

export const eventsProcessed = new Counter({
  name: 'yutang_events_processed_total',
  help: 'Attempts to act on a stored event (start and signal runs), by outcome; a failed one is retried by the sweeper',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const httpRequests = new Counter({
  name: 'yutang_http_requests_total',
  help: 'API requests by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'yutang_http_request_duration_seconds',
  help: 'API request duration by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const restarts = new Counter({
  name: 'yutang_restarts_total',
  help: 'Self-healing restarts: of the local Temporal dev server (temporal_server) and of the worker (worker)',
  labelNames: ['what'] as const,
  registers: [registry],
});

export const dependencyUp = new Gauge({
  name: 'yutang_dependency_up',
  help: 'Whether a dependency answered the last readiness check (1) or not (0)',
  labelNames: ['dependency'] as const,
  registers: [registry],
});

const pools = new Map<string, pg.Pool>();
new Gauge({
  name: 'yutang_db_pool_connections',
  help: 'Postgres pool connections by pool (api, worker) and state (total, idle, waiting = requests queued for one)',
  labelNames: ['pool', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [name, pool] of pools) {
      this.set({ pool: name, state: 'total' }, pool.totalCount);
      this.set({ pool: name, state: 'idle' }, pool.idleCount);
      this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
    }
  },
});

/** Report this pool's sizes under `name`. */
export function observePool(name: string, pool: pg.Pool): void {
  pools.set(name, pool);
}

let backlogDb: Kysely<Database> | null = null;
new Gauge({
  name: 'yutang_event_backlog',
  help: 'Stored events not yet processed and not dead-lettered (waiting for the sweeper); -1 when the database did not answer',
  registers: [registry],
  async collect() {
    if (!backlogDb) return;
    const db = backlogDb;
    // A scrape must not hang on a database that is away: give up after two seconds.
    const count = await Promise.race([
      db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirst()
        .then((r) => r?.n ?? 0)
        .catch(() => -1),
      new Promise<number>((r) => setTimeout(r, 2000, -1).unref()),
    ]);
    this.set(count);
  },
});

/** Count the sweeper's backlog at scrape time with this database (API processes). */
export function observeEventBacklog(db: Kysely<Database>): void {
  backlogDb = db;
}

/** A failure's reason label: which dependency was away, else `error`. */
export function failureReason(err: unknown): 'database_unavailable' | 'temporal_unavailable' | 'error' {
  if (isDatabaseUnavailable(err)) return 'database_unavailable';
  if (isTemporalUnavailable(err)) return 'temporal_unavailable';
  return 'error';
}

/** The response for `GET /metrics`. */
export async function metricsResponse(): Promise<Response> {
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
