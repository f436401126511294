import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardEffect } from '../guard/guard.js';
import { ensureMember, memberSnapshot } from '../repositories/member.repository.js';
import { type Stack, startStack } from '../testing/stack.js';

/** The guard stage against the real database: caps hold under concurrency, retries are not counted twice. */
describe('guard stage (Postgres)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    await stack.ok('PUT', '/settings', {
      timezone: 'Asia/Shanghai',
      quietHours: null,
      frequencyCaps: [{ channel: 'sms', max: 1, perDays: 1 }],
    });
  });
  afterAll(() => stack?.stop());

  const request = async (member: string, key: string, priority = 5) => {
    const id = await ensureMember(stack.db, stack.workspaceId, member);
    await stack.ok('PUT', `/members/${member}`, { phone: '13700000000' });
    return {
      workspaceId: stack.workspaceId,
      journeyId: '00000000-0000-4000-8000-000000000001',
      runId: '00000000-0000-4000-8000-000000000002',
      key,
      member: (await memberSnapshot(stack.db, id))!,
      spec: { channel: 'sms', quietHours: 'defer', overCap: 'skip' } as const,
      priority,
    };
  };

  it('lets exactly one of 20 concurrent sends through a cap of 1 (for each of 10 members at once)', async () => {
    // Adversarial: later arrivals have higher priority, so each newcomer sees everyone before it as behind it
    // and only the per-member lock stops two of them from counting the same empty history.
    const members = Array.from({ length: 10 }, (_, m) => `cc1-${m}`);
    const reqs = await Promise.all(
      members.flatMap((m) => Array.from({ length: 20 }, (_, i) => request(m, `${m}:${i}`, 1 + (i % 10)))),
    );
    const outcomes = await Promise.all(
      reqs.map((r, i) =>
        new Promise((res) => setTimeout(res, (i % 20) * 2)).then(() =>
          guardEffect(stack.db, r, { settleMs: 0 }),
        ),
      ),
    );
    for (const m of members) {
      const mine = outcomes.filter((_, i) => reqs[i].member.externalId === m);
      expect(mine.filter((o) => o.kind === 'allow')).toHaveLength(1);
      expect(mine.filter((o) => o.kind === 'skip' && o.reason === 'frequency_cap')).toHaveLength(19);
    }
    const ledger = await stack.db
      .selectFrom('contact_ledger')
      .select('member_id')
      .where('member_id', 'in', [...new Set(reqs.map((r) => r.member.id))])
      .execute();
    expect(ledger).toHaveLength(members.length);
    const intents = await stack.db.selectFrom('guard_intents').selectAll().execute();
    expect(intents).toEqual([]);
  });

  it('allows a retried effect that was allowed before, without counting it again', async () => {
    const r = await request('cc2', 'cc2:a');
    expect(await guardEffect(stack.db, r, { settleMs: 0 })).toEqual({ kind: 'allow' });
    expect(await guardEffect(stack.db, r, { settleMs: 0 })).toEqual({ kind: 'allow' });
    expect(await guardEffect(stack.db, await request('cc2', 'cc2:b'), { settleMs: 0 })).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
  });

  it('gives the last slot to the higher priority when both arrive together', async () => {
    const low = await request('cc3', 'cc3:low', 2);
    const high = await request('cc3', 'cc3:high', 9);
    const [l, h] = await Promise.all([
      guardEffect(stack.db, low, { settleMs: 500 }),
      new Promise((r) => setTimeout(r, 50)).then(() => guardEffect(stack.db, high, { settleMs: 500 })),
    ]);
    expect(h).toEqual({ kind: 'allow' });
    expect(l).toEqual({ kind: 'skip', reason: 'frequency_cap' });
  });
});
