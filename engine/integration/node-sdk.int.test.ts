import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import points from '../nodes/custom/points.node.js';
import { NodeRegistry } from '../nodes/registry.js';
import { defineNode, NodeFailure, z } from '../sdk/index.js';
import { runJourneyWithNode, runNode } from '../sdk/testing.js';
import { type Stack, startStack } from '../testing/stack.js';

const common = {
  type: 'acme.visit',
  category: 'action' as const,
  title: { zh: '记来访', en: 'Count a visit' },
  description: { zh: '', en: '' },
  icon: 'ShopOutlined',
  color: '#000000',
  summary: { zh: '', en: '' },
};

/** v1 counted visits by a `store` name; v2 by a `storeId` and may refuse closed stores. */
const visitV1 = defineNode({
  ...common,
  version: 1,
  config: z.object({ store: z.string() }),
  defaults: { store: '' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  async run(_ctx, config) {
    return { output: 'next', detail: { ranVersion: 1, store: config.store } };
  },
});
const visitV2 = defineNode({
  ...common,
  version: 2,
  config: z.object({ storeId: z.string().min(1), closed: z.boolean().default(false) }),
  defaults: { storeId: '' },
  migrate: { 1: (c) => ({ storeId: `store:${c.store}` }) },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  async run(ctx, config) {
    if (config.closed) throw new NodeFailure('store_closed', `${config.storeId} is closed`);
    // typed from the schema: config.storeId is a string, config.closed a boolean
    const visits = await ctx.once(async (trx) => {
      const row = await trx
        .updateTable('members')
        .set({
          attributes: sql`jsonb_set(attributes, '{visits}', to_jsonb(coalesce((attributes->>'visits')::int, 0) + 1))`,
        })
        .where('id', '=', ctx.member.id)
        .returning(sql<number>`(attributes->>'visits')::int`.as('visits'))
        .executeTakeFirstOrThrow();
      return { visits: row.visits };
    });
    ctx.log.info({ visits }, 'visit counted');
    return { output: 'next', detail: { ranVersion: 2, storeId: config.storeId, ...visits } };
  },
});

/** The node authors' test bench (engine/sdk/testing.ts) on the real database and workflow. */
describe('node SDK test bench', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ nodes: [visitV2] });
  });
  afterAll(() => stack?.stop());

  it('a node sees every installed channel in its context', async () => {
    const lister = defineNode({
      ...common,
      type: 'test.channel_lister',
      version: 1,
      config: z.object({}),
      defaults: {},
      outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
      async run(ctx) {
        return { output: 'next', detail: { channels: ctx.channelRegistry.ids() } };
      },
    });
    const out = await runNode(lister, {}, { db: stack.db });
    expect(out.detail?.channels).toEqual(expect.arrayContaining(['sms', 'wecom', 'wechat', 'email']));
  });

  it('runNode runs `run` with a real context; again() is a retry and repeats no effect', async () => {
    const out = await runNode(
      points,
      { points: 7 },
      { db: stack.db, member: { externalId: 'p1', name: '小李' } },
    );
    expect(out).toMatchObject({ output: 'next', detail: { added: 7, balance: 7 } });
    expect(out.idempotencyKey).toBe(`${out.runId}:node:1`);
    expect(await out.again()).toMatchObject({ detail: { added: 7, balance: 7 } });
    const member = await stack.db
      .selectFrom('members')
      .select('attributes')
      .where('id', '=', out.memberId)
      .executeTakeFirstOrThrow();
    expect(member.attributes).toMatchObject({ points: 7 });
  });

  it('a NodeFailure comes out as it was thrown', async () => {
    await expect(runNode(visitV2, { storeId: 's1', closed: true }, { db: stack.db })).rejects.toMatchObject({
      name: 'NodeFailure',
      code: 'store_closed',
    });
  });

  it('members on version 1 keep version 1 while it is installed; else their config is migrated', async () => {
    const both = new NodeRegistry([visitV1, visitV2]);
    const kept = await runNode(visitV2, { store: '南京西路' } as never, {
      db: stack.db,
      typeVersion: 1,
      registry: both,
    });
    expect(kept.detail).toEqual({ ranVersion: 1, store: '南京西路' });
    const migrated = await runNode(visitV2, { store: '南京西路' } as never, { db: stack.db, typeVersion: 1 });
    expect(migrated.detail).toMatchObject({ ranVersion: 2, storeId: 'store:南京西路', visits: 1 });
  });

  it('runJourneyWithNode runs the node in a published journey on the real workflow', async () => {
    const runs = await runJourneyWithNode(stack, 'acme.visit', { storeId: 's9' }, { members: ['v1', 'v2'] });
    expect(runs).toMatchObject([
      { member: 'v1', status: 'completed', step: { output: 'next', detail: { ranVersion: 2, visits: 1 } } },
      { member: 'v2', status: 'completed', step: { output: 'next', detail: { ranVersion: 2, visits: 1 } } },
    ]);
  });

  it('an old journey document opens migrated and publishes at the new version', async () => {
    const j = await stack.ok('POST', '/journeys', { name: 'old visit journey' });
    // stored as a client of the version-1 days wrote it
    await stack.db
      .updateTable('journeys')
      .set({
        draft: JSON.stringify({
          nodes: [
            {
              id: 't',
              type: 'trigger.event',
              version: 1,
              position: { x: 0, y: 0 },
              data: { event: 'came_by' },
            },
            { id: 'v', type: 'acme.visit', version: 1, position: { x: 0, y: 100 }, data: { store: '静安' } },
            { id: 'e', type: 'exit', version: 1, position: { x: 0, y: 200 }, data: {} },
          ],
          edges: [
            { id: 't-v', source: 't', sourceHandle: 'next', target: 'v' },
            { id: 'v-e', source: 'v', sourceHandle: 'next', target: 'e' },
          ],
        }),
      })
      .where('id', '=', j.id)
      .execute();
    const opened = await stack.ok('GET', `/journeys/${j.id}`);
    expect(opened.document.nodes[1]).toMatchObject({ version: 2, data: { storeId: 'store:静安' } });
    const { version } = await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    const row = await stack.db
      .selectFrom('journey_versions')
      .select('plan')
      .where('journey_id', '=', j.id)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
    expect((row.plan as any).nodes.v).toMatchObject({
      typeVersion: 2,
      config: { storeId: 'store:静安', closed: false },
    });
  });
});
