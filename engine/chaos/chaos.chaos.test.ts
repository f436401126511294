import { promises as fs } from 'node:fs';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { freePort } from '../infra/free-port.js';
import type { TemporalServer } from '../infra/temporal-server.js';
import { type AppProcess, startAppProcess } from '../testing/app-process.js';
import { fixtureKey } from '../testing/credentials.js';
import {
  type ChaosPostgres,
  exactlyOnceReport,
  publishChaosJourney,
  runStatuses,
  sendEvents,
  sleep,
  startChaosPostgres,
  startChaosTemporal,
  tempDir,
  until,
} from './harness.js';

// Chaos: at least 200 members mid-journey when a server goes down the hard way. Every scenario runs the
// real app as child processes against its own Postgres and Temporal (never the servers the other test
// projects share), then checks in the database that every run finished, nothing was done twice, and
// no event the API accepted was lost.

const MEMBERS = Number(process.env.CHAOS_MEMBERS ?? 200);
const PER_SECOND = 20;
/** How long Postgres stays down in the restart scenario: longer than the old 6-attempt budget (~31 s). */
const PG_DOWN_MS = Number(process.env.CHAOS_PG_DOWN_MS ?? 35_000);

describe('chaos', () => {
  let postgres: ChaosPostgres;
  let temporal: TemporalServer;
  beforeAll(async () => {
    [postgres, temporal] = await Promise.all([startChaosPostgres(), startChaosTemporal()]);
  });
  afterAll(async () => {
    await Promise.all([temporal?.stop(), postgres?.stop()]);
  });

  /** A scenario's database, processes and clean-up (also when it fails). */
  async function scenario(
    name: string,
    body: (ctx: {
      dbUrl: string;
      db: Kysely<Database>;
      spawn: (mode: 'all' | 'api' | 'worker', env?: Record<string, string>) => Promise<AppProcess>;
      /** A data folder for an app, removed with the scenario. */
      dataDir: () => Promise<string>;
    }) => Promise<void>,
  ) {
    const started = Date.now();
    const dbUrl = await postgres.createDatabase(`chaos_${name}`);
    // The test's own view of the database; its connections die with a restart like everyone's.
    const db = createDb(dbUrl, { name: 'observer', max: 2, onError: () => {} });
    const processes: AppProcess[] = [];
    const dirs: string[] = [];
    const env = {
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `chaos-${name}`,
      // A slow provider keeps sends in flight when the fault lands.
      YUTANG_SANDBOX_SEND_DELAY_MS: '300',
      // A request waits at most 2 s for a connection while Postgres is away, then gets its 503.
      YUTANG_PG_CONNECT_TIMEOUT_MS: '2000',
    };
    try {
      await body({
        dbUrl,
        db,
        spawn: async (mode, extra = {}) => {
          const app = await startAppProcess({ mode, env: { ...env, ...extra } });
          processes.push(app);
          return app;
        },
        dataDir: async () => {
          const dir = await tempDir('yutang-chaos-app-');
          dirs.push(dir);
          return dir;
        },
      });
    } finally {
      await Promise.all(processes.map((p) => p.stop(5_000)));
      await db.destroy();
      await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
      console.log(`[chaos] ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  /** Mid-journey: a quarter of the members have their welcome message, and nobody is done yet. */
  async function midJourney(db: Kysely<Database>) {
    await until(
      async () => {
        const row = await db
          .selectFrom('messages')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow();
        return row.n >= MEMBERS / 4;
      },
      120_000,
      async () => `members to get going: ${JSON.stringify(await runStatuses(db).catch(String))}`,
    );
    const statuses = await runStatuses(db);
    expect(statuses.completed ?? 0).toBeLessThan(MEMBERS);
    return statuses;
  }

  async function expectEveryRunOnce(
    db: Kysely<Database>,
    load: ReturnType<typeof sendEvents>,
    templateId: string,
    logs: () => string,
  ) {
    await load.done;
    await until(
      async () => (await runStatuses(db)).completed === MEMBERS,
      150_000,
      async () =>
        `every run to complete: ${JSON.stringify(await runStatuses(db).catch(String))}\n${logs().slice(-6000)}`,
    );
    const report = await exactlyOnceReport(db, { members: MEMBERS, accepted: load.accepted, templateId });
    console.log(
      `[chaos] refused while the fault lasted: ${JSON.stringify(Object.fromEntries(load.refused))}`,
    );
    expect(report).toEqual({
      runs: { completed: MEMBERS },
      duplicateMessages: 0,
      duplicateCoupons: 0,
      messages: MEMBERS * 2,
      messagesNotSent: 0,
      coupons: MEMBERS,
      couponsIssued: MEMBERS,
      acceptedEvents: MEMBERS,
      acceptedButLost: [],
    });
  }

  it('(a) the worker process is killed with SIGKILL and started again', async () => {
    await scenario('worker_kill', async ({ db, spawn }) => {
      const api = await spawn('api');
      let worker = await spawn('worker');
      const key = await fixtureKey(db, 'default');
      const { templateId } = await publishChaosJourney(api.baseUrl, key);
      const load = sendEvents(api.baseUrl, key, MEMBERS, PER_SECOND, 150_000);
      await midJourney(db);
      await worker.kill();
      await sleep(1000);
      worker = await spawn('worker');
      await expectEveryRunOnce(db, load, templateId, () => worker.output());
      // The worker serves its own metrics, and counted the runs it finished.
      const metrics = await (await fetch(worker.metricsUrl)).text();
      expect(metrics).toMatch(/^yutang_runs_finished_total\{status="completed"\} [1-9]/m);
    });
  });

  it('(b) the local Temporal server the app owns is killed; its supervisor brings it back', async () => {
    await scenario('temporal_kill', async ({ db, spawn, dataDir }) => {
      // The app starts and owns its Temporal dev server here (no TEMPORAL_ADDRESS), as `npm start` does.
      const app = await spawn('all', {
        TEMPORAL_ADDRESS: '',
        TEMPORAL_PORT: String(await freePort()),
        TEMPORAL_UI_PORT: String(await freePort()),
        YUTANG_DATA_DIR: await dataDir(),
      });
      const pid = app.lines().find((l) => l.temporalPid)?.temporalPid as number;
      expect(pid).toBeGreaterThan(0);
      const key = await fixtureKey(db, 'default');
      const { templateId } = await publishChaosJourney(app.baseUrl, key);
      const load = sendEvents(app.baseUrl, key, MEMBERS, PER_SECOND, 150_000);
      await midJourney(db);
      process.kill(pid, 'SIGKILL');
      const restarted = await until(
        async () => app.lines().find((l) => l.msg === 'local Temporal server started again'),
        90_000,
        () => `the supervisor to start Temporal again:\n${app.output().slice(-4000)}`,
      );
      expect(restarted.temporalPid).not.toBe(pid);
      await expectEveryRunOnce(db, load, templateId, () => app.output());
    });
  });

  it('(c) Postgres is stopped and started again while runs are mid-journey', async () => {
    await scenario('postgres_restart', async ({ db, spawn }) => {
      const api = await spawn('api');
      const worker = await spawn('worker');
      const key = await fixtureKey(db, 'default');
      const { templateId } = await publishChaosJourney(api.baseUrl, key);
      const load = sendEvents(api.baseUrl, key, MEMBERS, PER_SECOND, 180_000);
      await midJourney(db);
      await postgres.restart(PG_DOWN_MS);
      await expectEveryRunOnce(db, load, templateId, () => `${api.output()}\n${worker.output()}`);
      // Both processes lived through it, and said what was going on, naming the request or the run.
      expect(api.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();
      expect(api.lines().some((l) => l.msg === 'database unreachable' && l.reqId)).toBe(true);
      expect(
        worker
          .lines()
          .some((l) => l.msg?.startsWith('activity failed: database unreachable') && l.runId && l.memberId),
      ).toBe(true);
    });
  });
});
