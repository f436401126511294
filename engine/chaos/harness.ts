import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { createDb } from '../../db/connection.js';
import { type DatabaseHandle, startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import { freePort } from '../infra/free-port.js';
import type { TemporalServer } from '../infra/temporal-server.js';
import { keyHeaders } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { startTemporal, temporalKind } from '../testing/test-temporal.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A temporary folder the `postgres` OS user can enter (embedded Postgres runs as that user under root). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  return dir;
}

/** An embedded Postgres of our own, on a free port, that a scenario may stop and start again. */
export interface ChaosPostgres {
  /** URL of `database` on this server. */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (connections get 57P01), `downMs` of nothing listening, then the same cluster again. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startChaosPostgres(): Promise<ChaosPostgres> {
  const dataDir = await tempDir('yutang-chaos-pg-');
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, port, database: 'postgres', log: () => {} });
  let handle: DatabaseHandle | null = await start();
  const url = (database: string) => {
    const u = new URL(handle?.url ?? `postgres://postgres:yutang@127.0.0.1:${port}/postgres`);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async restart(downMs) {
      await handle?.stop();
      handle = null;
      await sleep(downMs);
      handle = await start();
    },
    async stop() {
      await handle?.stop().catch(() => {});
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A Temporal server of our own: by default a dev server on a SQLite file (WAL: without it the file crawls);
 * with YUTANG_TEST_TEMPORAL=server the real server, its databases on DATABASE_URL's server or else on an
 * embedded Postgres of its own — never the scenario's Postgres, which scenario (c) stops: that is the app's
 * database going away, not Temporal's.
 */
export async function startChaosTemporal(): Promise<TemporalServer & { dir: string }> {
  const kind = temporalKind('YUTANG_TEST_TEMPORAL');
  const dir = await tempDir('yutang-chaos-temporal-');
  let postgres: DatabaseHandle | null = null;
  let server: TemporalServer;
  try {
    if (kind === 'server' && !process.env.DATABASE_URL) {
      const port = await freePort();
      postgres = await startEmbeddedPostgres({ dataDir: dir, port, database: 'postgres', log: () => {} });
    }
    server = await startTemporal({
      kind,
      postgresUrl: postgres?.url ?? process.env.DATABASE_URL ?? '',
      databasePrefix: 'yutang_chaos_temporal',
      log: () => {},
      dev: { mode: 'own', options: { dbFile: path.join(dir, 'temporal.db') } },
    });
  } catch (err) {
    await postgres?.stop().catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  console.log(`[chaos] Temporal: ${server.address} (${server.source})`);
  return {
    ...server,
    dir,
    stop: async () => {
      await server.stop();
      await postgres?.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The API of one app process, as a client would use it (with an API key, see engine/testing/credentials.ts). */
export function apiClient(baseUrl: string, key: string) {
  return async function call<T = any>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/api${p}`, {
      method,
      headers: keyHeaders(key),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

/**
 * The journey every scenario runs: registered → coupon → welcome message with the code → wait a few
 * seconds → reminder → exit. Each member makes one coupon and two messages, each of which must exist once.
 */
export async function publishChaosJourney(baseUrl: string, key: string, waitSeconds = 3) {
  const call = apiClient(baseUrl, key);
  const { couponTemplate } = await call('POST', '/coupon-templates', {
    name: '新人券',
    kind: 'amount',
    value: 10,
    validDays: 7,
  });
  const journey = await call('POST', '/journeys', {
    name: 'chaos',
    document: {
      nodes: [
        node('trigger', 'trigger.event', { event: 'member_registered' }),
        node('coupon', 'coupon', { templateId: couponTemplate.id }),
        node('welcome', 'message', { channel: 'push', body: '欢迎！新人券 {{coupon.code}}' }),
        node('wait', 'wait.duration', { amount: waitSeconds, unit: 'seconds' }),
        node('reminder', 'message', { channel: 'push', body: '新人券 {{coupon.code}} 即将过期' }),
        node('end', 'exit'),
        node('no-stock', 'exit'),
      ],
      edges: [
        edge('trigger', 'coupon'),
        edge('coupon', 'welcome', 'issued'),
        edge('coupon', 'no-stock', 'unavailable'),
        edge('welcome', 'wait'),
        edge('wait', 'reminder'),
        edge('reminder', 'end'),
      ],
    },
  });
  await call('POST', `/journeys/${journey.id}/publish`, {});
  return { journeyId: journey.id as string, templateId: couponTemplate.id as string };
}

export interface Load {
  /** Client ids of the events the API accepted (answered 2xx). */
  accepted: Set<string>;
  /** Answers other than 2xx, and failed connections, by status ('network' for no answer). */
  refused: Map<string, number>;
  /** Resolves once every event was accepted; rejects on a 4xx (a bug, not an outage) or at the deadline. */
  done: Promise<void>;
}

/**
 * Sends `n` member_registered events, `perSecond` a second, the way a well-behaved sender does: each is
 * sent again (same id) after a 503 or a failed connection, until it is accepted.
 */
export function sendEvents(
  baseUrl: string,
  key: string,
  n: number,
  perSecond: number,
  deadlineMs: number,
): Load {
  const accepted = new Set<string>();
  const refused = new Map<string, number>();
  const deadline = Date.now() + deadlineMs;
  const one = async (i: number) => {
    await sleep((i * 1000) / perSecond);
    const id = `reg-${i}`;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`event ${id} was never accepted`);
      let status: string;
      try {
        const res = await fetch(`${baseUrl}/api/events`, {
          method: 'POST',
          headers: keyHeaders(key),
          body: JSON.stringify({ memberId: `m${i}`, name: 'member_registered', id }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await res.text();
        if (res.status < 300) {
          accepted.add(id);
          return;
        }
        if (res.status < 500) throw new Error(`event ${id} refused with ${res.status}: ${body}`);
        status = String(res.status);
      } catch (err) {
        if ((err as Error).message.startsWith(`event ${id} refused`)) throw err;
        status = 'network';
      }
      refused.set(status, (refused.get(status) ?? 0) + 1);
      await sleep(300);
    }
  };
  const done = Promise.all(Array.from({ length: n }, (_, i) => one(i))).then(() => {});
  done.catch(() => {}); // awaited by the scenario; never an unhandled rejection meanwhile
  return { accepted, refused, done };
}

/** Where the runs stand: count by status. */
export async function runStatuses(db: ReturnType<typeof createDb>) {
  const rows = await db
    .selectFrom('runs')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
}

/** Polls until `check` is truthy; throws with `describe()` at the deadline. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // the database may be away right now: that is the point
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await sleep(500);
  }
}

/**
 * The promises of the issue, checked in the database: every member's run finished, no run has a second
 * message or coupon for a node, and every event the API accepted is stored and processed.
 */
export async function exactlyOnceReport(
  db: ReturnType<typeof createDb>,
  opts: { members: number; accepted: Set<string>; templateId: string },
) {
  const statuses = await runStatuses(db);
  const messages = await db
    .selectFrom('messages')
    .select(['run_id', 'node_id', 'status', sql<number>`count(*)`.as('n')])
    .groupBy(['run_id', 'node_id', 'status'])
    .execute();
  const coupons = await db
    .selectFrom('coupons')
    .select(['run_id', 'node_id', sql<number>`count(*)`.as('n')])
    .groupBy(['run_id', 'node_id'])
    .execute();
  const template = await db
    .selectFrom('coupon_templates')
    .select('issued')
    .where('id', '=', opts.templateId)
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('events')
    .select(['client_id', 'processed_at'])
    .where('client_id', 'in', [...opts.accepted])
    .execute();
  const processed = new Set(events.filter((e) => e.processed_at).map((e) => e.client_id));
  return {
    runs: statuses,
    /** (run, node) pairs with more than one message or coupon row */
    duplicateMessages: messages.filter((m) => m.n > 1).length,
    duplicateCoupons: coupons.filter((c) => c.n > 1).length,
    messages: messages.reduce((a, m) => a + m.n, 0),
    messagesNotSent: messages.filter((m) => m.status !== 'sent').length,
    coupons: coupons.reduce((a, c) => a + c.n, 0),
    couponsIssued: template.issued,
    acceptedEvents: opts.accepted.size,
    acceptedButLost: [...opts.accepted].filter((id) => !processed.has(id)),
  };
}
