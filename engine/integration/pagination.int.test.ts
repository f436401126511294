import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMembers } from '../repositories/member.repository.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * Every list pages by cursor: following nextCursor visits each row once, newest first with the id breaking
 * ties, and stops with nextCursor null — also when many rows share a timestamp, or differ by a microsecond.
 */
describe('cursor pagination', () => {
  let stack: Stack;
  let journeyId: string;
  let otherJourneyId: string;
  const N = 23;
  // three instants, two of them a microsecond apart (JavaScript dates would merge them); many rows per instant
  const instants = ['2025-03-01T10:00:00.000002Z', '2025-03-01T10:00:00.000001Z', '2025-02-01T09:00:00.5Z'];
  const at = (i: number) => instants[i % instants.length];

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const db = stack.db;
    const ws = stack.workspaceId;
    journeyId = (await stack.ok('POST', '/journeys', { name: 'paged' })).id;
    otherJourneyId = (await stack.ok('POST', '/journeys', { name: 'other' })).id;
    const members = await ensureMembers(
      db,
      ws,
      Array.from({ length: N }, (_, i) => `p${i}`),
    );
    const memberIds = [...members.values()];
    const runs = await db
      .insertInto('runs')
      .values(
        memberIds.map((member_id, i) => ({
          workspace_id: ws,
          journey_id: i % 5 === 0 ? otherJourneyId : journeyId,
          version: 1,
          member_id,
          entry_no: 1,
          workflow_id: `wf-${randomUUID()}`,
          status: i % 2 ? 'completed' : 'waiting',
          started_at: at(i),
        })),
      )
      .returning(['id', 'journey_id', 'member_id'])
      .execute();
    await db
      .insertInto('messages')
      .values(
        runs.map((r, i) => ({
          workspace_id: ws,
          run_id: r.id,
          journey_id: r.journey_id,
          node_id: 'm',
          member_id: members.get('p0')!,
          channel: 'sms',
          body: `message ${i}`,
          status: 'sent',
          idempotency_key: `k-${randomUUID()}`,
          created_at: at(i),
        })),
      )
      .execute();
    const template = await db
      .insertInto('coupon_templates')
      .values({ workspace_id: ws, name: '券', kind: 'amount', value: 5, valid_days: 7 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('coupons')
      .values(
        runs.map((r, i) => ({
          workspace_id: ws,
          template_id: template.id,
          member_id: members.get('p0')!,
          run_id: r.id,
          journey_id: r.journey_id,
          node_id: 'c',
          code: `C-${randomUUID()}`,
          idempotency_key: `c-${randomUUID()}`,
          issued_at: at(i),
        })),
      )
      .execute();
    await db
      .insertInto('events')
      .values(
        memberIds.map((member_id, i) => ({
          workspace_id: ws,
          member_id: i % 3 ? member_id : members.get('p0')!,
          name: 'paged',
          properties: '{}',
          occurred_at: at(i),
          received_at: at(i),
          status: i % 4 ? 'processed' : 'dead',
        })),
      )
      .execute();
  });
  afterAll(() => stack?.stop());

  /** Follows nextCursor from the first page; returns the ids in the order served. */
  async function pageThrough(path: string, key: string, limit: number) {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: any = await stack.ok(
        'GET',
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page[key].length).toBeLessThanOrEqual(limit);
      ids.push(...page[key].map((r: { id: string }) => r.id));
      cursor = page.nextCursor;
      pages++;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return ids;
  }

  /** The ids in the order the list must serve them, straight from SQL. */
  async function expected(table: string, time: string, where = sql`true`) {
    const { rows } = await sql<{ id: string }>`
      select id from ${sql.table(table)} where workspace_id = ${stack.workspaceId} and ${where}
      order by ${sql.ref(time)} desc, id desc`.execute(stack.db);
    return rows.map((r) => r.id);
  }

  const all = () => sql<boolean>`true`;
  const inJourney = () => sql<boolean>`journey_id = ${journeyId}`;
  it.each([
    ['/runs', 'runs', 'started_at', all],
    ['/runs?journeyId=:journey', 'runs', 'started_at', inJourney],
    ['/runs?status=waiting', 'runs', 'started_at', () => sql<boolean>`status = 'waiting'`],
    ['/messages', 'messages', 'created_at', all],
    ['/messages?memberId=p0', 'messages', 'created_at', all],
    ['/coupons', 'coupons', 'issued_at', all],
    ['/coupons?journeyId=:journey', 'coupons', 'issued_at', inJourney],
    ['/events', 'events', 'received_at', all],
    ['/events?status=dead', 'events', 'received_at', () => sql<boolean>`status = 'dead'`],
  ])('GET %s visits every row once, newest first, the id breaking ties', async (path, table, time, where) => {
    const want = await expected(table, time, where());
    expect(want.length).toBeGreaterThan(4);
    for (const limit of [1, 4, 100])
      expect(await pageThrough(path.replace(':journey', journeyId), table, limit)).toEqual(want);
  });

  it('pages journeys, recently updated first', async () => {
    for (let i = 0; i < 6; i++) await stack.ok('POST', '/journeys', { name: `j${i}` });
    const want = await expected('journeys', 'updated_at');
    expect(await pageThrough('/journeys', 'journeys', 3)).toEqual(want);
  });

  it('an unknown member has an empty first page', async () => {
    expect(await stack.ok('GET', '/events?memberId=nobody')).toEqual({ events: [], nextCursor: null });
    expect(await stack.ok('GET', '/runs?memberId=nobody')).toEqual({ runs: [], nextCursor: null });
  });
});
