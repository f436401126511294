import { sql } from 'kysely';
import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label } from './schemas.js';

export default defineNode({
  type: 'attribute',
  version: 1,
  category: 'action',
  order: 40,
  title: { zh: '更新属性', en: 'Update attribute' },
  description: {
    zh: '设置会员属性，例如 lifecycle_stage = active',
    en: 'Set member attributes, e.g. lifecycle_stage = active',
  },
  icon: 'EditOutlined',
  color: '#16a34a',
  config: z.object({
    set: z
      .record(z.string().trim().min(1).max(64), z.union([z.string(), z.number(), z.boolean()]))
      .refine((r) => Object.keys(r).length > 0, 'set at least one attribute')
      .meta({ ...label('设置属性', 'Set'), 'x-widget': 'keyValue' }),
  }),
  defaults: { set: {} },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '设置 {{set}}', en: 'Set {{set}}' },
  simulate(config, { member }) {
    Object.assign(member.attributes, config.set);
    return { output: 'next' };
  },
  // Setting a value is idempotent: a retry writes the same value.
  async run(ctx, config) {
    await ctx.db
      .updateTable('members')
      .set({ attributes: sql`attributes || ${JSON.stringify(config.set)}::jsonb`, updated_at: new Date() })
      .where('id', '=', ctx.member.id)
      .execute();
    return { output: 'next', detail: { set: config.set }, memberChanged: true };
  },
});
