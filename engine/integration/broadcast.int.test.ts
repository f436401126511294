import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from '../testing/app-process.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

// A "minute" of the broadcast's pace, shortened so the test takes seconds, not minutes: 1,000 members per
// 20 s is about what one worker on this machine runs, so the pace — not the worker — sets the speed.
const MINUTE_MS = 20_000;
const MEMBERS = 5000;
const PER_MINUTE = 1000;

/**
 * A manual broadcast to 5,000 members at 1,000 a minute: paced by a workflow, it survives its worker being
 * killed (SIGKILL) half-way, and nobody enters twice.
 */
describe('broadcast', () => {
  let stack: Stack;
  let worker: AppProcess | undefined;
  const workerEnv = () => ({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    YUTANG_AUDIENCE_PASS_SECONDS: '3600',
  });
  beforeAll(async () => {
    process.env.YUTANG_BROADCAST_MINUTE_MS = String(MINUTE_MS);
    stack = await startStack({ worker: false });
    worker = await startAppProcess({ mode: 'worker', env: workerEnv() });
  });
  afterAll(async () => {
    delete process.env.YUTANG_BROADCAST_MINUTE_MS;
    await worker?.stop(2000);
    await stack?.stop();
  });

  it('enters 5,000 members at the pace, through a worker kill, each exactly once', async () => {
    for (let i = 0; i < MEMBERS; i += 1000)
      await stack.ok('POST', '/members/batch', {
        members: Array.from({ length: 1000 }, (_, k) => ({ id: `bc${i + k}` })),
      });
    const j = await stack.ok('POST', '/journeys', {
      name: '群发',
      document: {
        nodes: [node('t', 'trigger.manual'), node('x', 'exit')],
        edges: [edge('t', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    const ids = Array.from({ length: MEMBERS }, (_, i) => `bc${i}`);
    const started = Date.now();
    const res = await stack.call('POST', `/journeys/${j.id}/enter`, {
      memberIds: [...ids, 'nobody-1', 'nobody-2'],
      perMinute: PER_MINUTE,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ broadcast: { total: MEMBERS, perMinute: PER_MINUTE }, unknownCount: 2 });
    const id = res.body.broadcast.id;
    const progress = async () => (await stack.ok('GET', `/broadcasts/${id}`)).broadcast;

    // Half-way: the worker dies without a word, and another takes over.
    await eventually(
      async () => {
        const b = await progress();
        process.stderr.write(
          `[broadcast] ${((Date.now() - started) / 1000).toFixed(0)} s: ${b.entered} entered\n`,
        );
        return b.entered >= 2000;
      },
      180_000,
      '2,000 entered',
    );
    await worker!.kill();
    worker = await startAppProcess({ mode: 'worker', env: workerEnv() });

    const done = await eventually(
      async () => {
        const b = await progress();
        return b.status === 'done' && b;
      },
      240_000,
      'the broadcast to finish',
    );
    const seconds = (Date.now() - started) / 1000;
    expect(done).toMatchObject({ total: MEMBERS, entered: MEMBERS, skipped: 0, pending: 0 });
    // Exactly once: one run per member, all finished.
    const runs = await stack.db
      .selectFrom('runs')
      .select([sql<number>`count(*)`.as('n'), sql<number>`count(distinct member_id)`.as('members')])
      .where('journey_id', '=', j.id)
      .executeTakeFirstOrThrow();
    expect(runs).toEqual({ n: MEMBERS, members: MEMBERS });
    await eventually(
      async () =>
        (
          await stack.db
            .selectFrom('runs')
            .select(sql<number>`count(*)`.as('n'))
            .where('journey_id', '=', j.id)
            .where('status', '=', 'completed')
            .executeTakeFirstOrThrow()
        ).n === MEMBERS,
      120_000,
      'every run completed',
    );
    // Paced: no "minute" let in much more than its share (a batch of slack), and the whole took ≥ 4 minutes.
    const perWindow = await sql<{ n: number }>`
      select count(*)::int as n from runs where journey_id = ${j.id}
      group by floor(extract(epoch from started_at) * 1000 / ${MINUTE_MS})`.execute(stack.db);
    const batch = Math.ceil(PER_MINUTE / 6);
    for (const w of perWindow.rows) expect(w.n).toBeLessThanOrEqual(PER_MINUTE + batch);
    expect(seconds).toBeGreaterThan(((MEMBERS / PER_MINUTE - 1) * MINUTE_MS) / 1000);
    console.log(
      `broadcast of ${MEMBERS} at ${PER_MINUTE} per ${MINUTE_MS / 1000} s: ${seconds.toFixed(0)} s`,
    );
  }, 420_000);
});
