import { sql } from 'kysely';
import { z } from 'zod';
import { defineNode } from '../define-node.js';
import { label } from '../schemas.js';

/**
 * A custom node, as a developer would add one: this file is all it takes. Adding points is not
 * idempotent by nature, so the effect goes through `ctx.once`, which commits it with the run's key.
 */
export default defineNode({
  type: 'points',
  version: 1,
  category: 'action',
  title: { zh: '加积分', en: 'Add points' },
  description: {
    zh: '给会员增加会员积分（attributes.points）',
    en: 'Add loyalty points to the member (attributes.points)',
  },
  icon: 'TrophyOutlined',
  color: '#ca8a04',
  config: z.object({
    points: z.number().int().min(1).max(1_000_000).meta(label('积分', 'Points')),
    reason: z.string().max(60).optional().meta(label('原因', 'Reason')),
  }),
  defaults: { points: 100 },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '加 {{points}} 积分', en: 'Add {{points}} points' },
  async run(ctx, config) {
    const result = await ctx.once(async (trx) => {
      const row = await trx
        .updateTable('members')
        .set({
          attributes: sql`jsonb_set(attributes, '{points}', to_jsonb(coalesce((attributes->>'points')::numeric, 0) + ${config.points}))`,
          updated_at: new Date(),
        })
        .where('id', '=', ctx.member.id)
        .returning(sql<number>`(attributes->>'points')::numeric`.as('balance'))
        .executeTakeFirstOrThrow();
      return { added: config.points, balance: Number(row.balance) };
    });
    return { output: 'next', detail: result };
  },
});
