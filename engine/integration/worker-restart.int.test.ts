import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeDocument } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** A worker as its own OS process, so the test can kill it the hard way (SIGKILL: no shutdown, no cleanup). */
function startWorkerProcess(stack: Stack): ChildProcess {
  const child = spawn('node_modules/.bin/tsx', ['engine/main.ts', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      // A slow "provider" keeps sends in flight, so the kill lands between a message row and its delivery.
      YUTANG_SANDBOX_SEND_DELAY_MS: '400',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

describe('a worker killed mid-journey', () => {
  let stack: Stack;
  let worker: ChildProcess | null = null;
  const members = Array.from({ length: 12 }, (_, i) => `k${i + 1}`);

  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(async () => {
    if (worker?.pid) process.kill(-worker.pid, 'SIGKILL');
    await stack?.stop();
  });

  it('finishes every run after a restart, with no duplicate message or coupon', async () => {
    const { couponTemplate } = await stack.ok('POST', '/coupon-templates', {
      name: '新人券',
      kind: 'amount',
      value: 10,
      validDays: 7,
    });
    const journey = await stack.ok('POST', '/journeys', {
      name: 'crash test',
      document: welcomeDocument(couponTemplate.id, { amount: 2, unit: 'seconds' }),
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    for (const m of members) await stack.ok('PUT', `/members/${m}`, { name: m, phone: `139${m}` });

    worker = startWorkerProcess(stack);
    for (const m of members)
      await stack.ok('POST', '/events', { memberId: m, name: 'member_registered', id: `reg-${m}` });

    // Kill once some effects happened but not all: sends are in flight.
    await eventually(
      async () => {
        const row = await stack.db
          .selectFrom('messages')
          .select(sql<number>`count(*)`.as('n'))
          .where('workspace_id', '=', stack.workspaceId)
          .executeTakeFirstOrThrow();
        return row.n >= 3;
      },
      90_000,
      'the first messages',
    );
    process.kill(-worker.pid!, 'SIGKILL');
    const atKill = await stack.db
      .selectFrom('runs')
      .select(['status', sql<number>`count(*)`.as('n')])
      .where('workspace_id', '=', stack.workspaceId)
      .groupBy('status')
      .execute();
    expect(atKill.find((r) => r.status === 'completed')?.n ?? 0).toBeLessThan(members.length);

    worker = startWorkerProcess(stack);
    await eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journey.id}`);
        return runs.length === members.length && runs.every((r: any) => r.status === 'completed');
      },
      120_000,
      'all runs to complete after the restart',
    );

    const messages = await stack.db
      .selectFrom('messages')
      .select(['run_id', 'node_id', 'status', 'provider_message_id'])
      .where('workspace_id', '=', stack.workspaceId)
      .execute();
    // welcome + reminder (nobody orders) for each member, each once, each delivered
    expect(messages).toHaveLength(members.length * 2);
    expect(new Set(messages.map((m) => `${m.run_id}:${m.node_id}`)).size).toBe(members.length * 2);
    expect(messages.every((m) => m.status === 'sent' && m.provider_message_id)).toBe(true);
    const coupons = await stack.db
      .selectFrom('coupons')
      .select('member_id')
      .where('workspace_id', '=', stack.workspaceId)
      .execute();
    expect(coupons).toHaveLength(members.length);
    expect(new Set(coupons.map((c) => c.member_id)).size).toBe(members.length);
    const template = await stack.db
      .selectFrom('coupon_templates')
      .select('issued')
      .where('id', '=', couponTemplate.id)
      .executeTakeFirstOrThrow();
    expect(template.issued).toBe(members.length);
  });
});
