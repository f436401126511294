import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTotals } from '../repositories/journey.repository.js';
import { ensureMember } from '../repositories/member.repository.js';
import { type Stack, startStack } from '../testing/stack.js';

/** Journey totals come from counters a trigger keeps on `runs`; they must equal a count, also under concurrency. */
describe('journey run counters', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack?.stop());

  it('stay equal to a count of the runs while statuses change concurrently', async () => {
    const { id: journeyId } = await stack.ok('POST', '/journeys', { name: 'counted' });
    const members = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ensureMember(stack.db, stack.workspaceId, `cnt${i}`)),
    );
    const runs = await stack.db
      .insertInto('runs')
      .values(
        members.map((member_id) => ({
          workspace_id: stack.workspaceId,
          journey_id: journeyId,
          version: 1,
          member_id,
          entry_no: 1,
          workflow_id: `cnt-${randomUUID()}`,
        })),
      )
      .returning('id')
      .execute();
    const statuses = ['waiting', 'completed', 'converted', 'exited', 'failed', 'cancelled'] as const;
    // every run changes status a few times, 40 at a time
    for (let round = 0; round < 5; round++)
      await Promise.all(
        runs.map((r, i) =>
          stack.db
            .updateTable('runs')
            .set({ status: statuses[(i + round) % statuses.length] })
            .where('id', '=', r.id)
            .execute(),
        ),
      );
    await stack.db.deleteFrom('runs').where('id', '=', runs[0].id).execute();
    // statements over many runs at once: a bulk status change, an update that changes no status, a bulk delete
    const ids = runs.slice(1).map((r) => r.id);
    await stack.db
      .updateTable('runs')
      .set({ status: 'completed' })
      .where('id', 'in', ids.slice(0, 20))
      .execute();
    await stack.db.updateTable('runs').set({ version: 1 }).where('id', 'in', ids).execute();
    await stack.db.deleteFrom('runs').where('id', 'in', ids.slice(30)).execute();
    const counted = await stack.db
      .selectFrom('runs')
      .select(['status', sql<number>`count(*)`.as('n')])
      .where('journey_id', '=', journeyId)
      .groupBy('status')
      .execute();
    const byStatus = Object.fromEntries(counted.map((c) => [c.status, c.n]));
    const totals = (await runTotals(stack.db, stack.workspaceId, [journeyId])).get(journeyId)!;
    expect(totals.entered).toBe(30);
    expect(totals).toMatchObject({
      completed: byStatus.completed ?? 0,
      converted: byStatus.converted ?? 0,
      exited: byStatus.exited ?? 0,
      cancelled: byStatus.cancelled ?? 0,
      failed: byStatus.failed ?? 0,
      active: (byStatus.waiting ?? 0) + (byStatus.running ?? 0) + (byStatus.failed ?? 0),
    });
  });
});
