import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSession } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { type Stack, startStack } from '../testing/stack.js';

/** The tag page's API on real Postgres: counts, rename and merge (members keep the tag), delete unused. */
describe('tags', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    await stack.ok('POST', '/members/batch', {
      members: [
        { id: 't1', tags: ['vip', '高价值'] },
        { id: 't2', tags: ['VIP客户', '高价值'] },
        { id: 't3', tags: ['vip', 'VIP客户'] },
        { id: 't4', tags: ['测试'] },
      ],
    });
  });
  afterAll(() => stack?.stop());

  const tags = async () =>
    Object.fromEntries((await stack.ok('GET', '/tags')).tags.map((t: any) => [t.tag, t.members]));
  const memberTags = async (id: string) => (await stack.ok('GET', `/members/${id}`)).member.tags.sort();

  it('lists every tag with how many members hold it', async () => {
    expect(await tags()).toEqual({ vip: 2, 高价值: 2, VIP客户: 2, 测试: 1 });
  });

  it('merges tags: every member keeps one copy, the old names are gone, audiences follow', async () => {
    const { segment: audience } = await stack.ok('POST', '/segments', {
      name: '会员 VIP',
      rule: { kind: 'tag', op: 'has', tag: 'VIP' },
    });
    const merged = await stack.ok('POST', '/tags/merge', { from: ['vip', 'VIP客户'], into: 'VIP' });
    expect(merged).toMatchObject({ into: 'VIP', membersMoved: 3, members: 3 });
    expect(await tags()).toEqual({ VIP: 3, 高价值: 2, 测试: 1 });
    expect(await memberTags('t3')).toEqual(['VIP']);
    expect(await memberTags('t1')).toEqual(['VIP', '高价值']);
    const { members } = await stack.ok('GET', `/segments/${audience.id}/members`);
    expect(members.map((m: any) => m.memberId).sort()).toEqual(['t1', 't2', 't3']);
  });

  it('renames a tag (a merge into a new name) and says which journeys still name the old one', async () => {
    await stack.ok('POST', '/journeys', {
      name: '高价值关怀',
      document: {
        nodes: [node('t', 'trigger.event', { event: 'x' }), node('g', 'tag', { add: ['高价值'] })],
        edges: [edge('t', 'g')],
      },
    });
    const renamed = await stack.ok('POST', '/tags/merge', { from: ['高价值'], into: '高净值' });
    expect(renamed.stillUsedBy.journeys.map((j: any) => j.name)).toEqual(['高价值关怀']);
    expect(await tags()).toEqual({ VIP: 3, 高净值: 2, 测试: 1 });
    const same = await stack.call('POST', '/tags/merge', { from: ['VIP'], into: 'VIP' });
    expect(same.status).toBe(400);
    expect(same.body.error.field).toBe('from');
  });

  it('deletes a tag no journey or audience uses; refuses a used one with the count', async () => {
    const used = await stack.call('POST', '/tags/delete', { tag: 'VIP' });
    expect(used.status).toBe(409);
    expect(used.body.error).toMatchObject({ field: 'tag', audiences: [{ name: '会员 VIP' }], journeys: [] });
    expect((await stack.ok('GET', '/tags/usage?tag=VIP')).members).toBe(3);
    const done = await stack.ok('POST', '/tags/delete', { tag: '测试' });
    expect(done).toEqual({ tag: '测试', deleted: true, membersUntagged: 1 });
    expect(await memberTags('t4')).toEqual([]);
    expect((await stack.call('POST', '/tags/delete', { tag: '' })).body.error.field).toBe('tag');
  });

  it('lets a marketer import members and merge tags, and a viewer neither', async () => {
    const marketer = await fixtureSession(stack.db, stack.workspaceId, 'marketer');
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const post = (headers: Record<string, string>, path: string, body: unknown) =>
      stack.app.request(`/api${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const imported = await post(marketer.headers, '/members/batch', {
      members: [{ id: 'mk1', tags: ['新客'] }],
    });
    expect(imported.status).toBe(200);
    expect((await post(viewer.headers, '/members/batch', { members: [{ id: 'v1' }] })).status).toBe(403);
    expect((await post(viewer.headers, '/tags/merge', { from: ['新客'], into: 'x' })).status).toBe(403);
    expect((await post(marketer.headers, '/tags/merge', { from: ['新客'], into: '新会员' })).status).toBe(
      200,
    );
  });

  it('lists the event names the workspace has seen, with counts, most frequent first', async () => {
    await stack.ok('POST', '/events/batch', {
      events: [
        { memberId: 't1', name: 'page_view' },
        { memberId: 't2', name: 'page_view' },
        { memberId: 't1', name: 'order_paid' },
      ],
    });
    await stack.ok('POST', '/events', { memberId: 't3', name: 'page_view' });
    const { events } = await stack.ok('GET', '/event-names');
    expect(events.slice(0, 2)).toEqual([
      expect.objectContaining({ name: 'page_view', count: 3 }),
      expect.objectContaining({ name: 'order_paid', count: 1 }),
    ]);
    // common names not seen yet are offered with count 0, after the seen ones
    expect(events.find((e: any) => e.name === 'member_registered')).toMatchObject({ count: 0, lastAt: null });
  });
});
