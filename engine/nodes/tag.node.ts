import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label, tagName } from './schemas.js';

export default defineNode({
  type: 'tag',
  version: 1,
  category: 'action',
  order: 30,
  title: { zh: '打标签', en: 'Tag' },
  description: { zh: '给会员添加或移除标签', en: 'Add or remove member tags' },
  icon: 'TagsOutlined',
  color: '#16a34a',
  config: z.object({
    add: z
      .array(tagName)
      .default([])
      .meta({ ...label('添加标签', 'Add tags'), 'x-widget': 'tags' }),
    remove: z
      .array(tagName)
      .default([])
      .meta({ ...label('移除标签', 'Remove tags'), 'x-widget': 'tags' }),
  }),
  defaults: { add: [], remove: [] },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '标签 +{{add}} -{{remove}}', en: 'Tags +{{add}} -{{remove}}' },
  check(config) {
    if (config.add.length === 0 && config.remove.length === 0)
      return [{ field: 'add', message: 'add or remove at least one tag' }];
    const both = config.add.filter((t) => config.remove.includes(t));
    return both.length ? [{ field: 'remove', message: `both added and removed: ${both.join(', ')}` }] : [];
  },
  simulate(config, { member }) {
    member.tags = [...new Set([...member.tags.filter((t) => !config.remove.includes(t)), ...config.add])];
    return { output: 'next' };
  },
  // Adding and removing tags is idempotent by nature: a retry leaves the same set.
  async run(ctx, config) {
    if (config.add.length) {
      await ctx.db
        .insertInto('member_tags')
        .values(config.add.map((tag) => ({ workspace_id: ctx.workspaceId, member_id: ctx.member.id, tag })))
        .onConflict((oc) => oc.columns(['member_id', 'tag']).doNothing())
        .execute();
    }
    if (config.remove.length) {
      await ctx.db
        .deleteFrom('member_tags')
        .where('member_id', '=', ctx.member.id)
        .where('tag', 'in', config.remove)
        .execute();
    }
    return { output: 'next', detail: { added: config.add, removed: config.remove }, memberChanged: true };
  },
});
