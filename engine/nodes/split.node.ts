import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label, outputId } from './schemas.js';

export default defineNode({
  type: 'split',
  version: 1,
  category: 'flow',
  kind: 'split',
  title: { zh: '随机分流', en: 'Random split' },
  description: {
    zh: '按百分比随机分组（A/B 测试、对照组），同一会员每次分到同一组',
    en: 'Random groups by percentage (A/B tests, holdout); a member always lands in the same group',
  },
  icon: 'ForkOutlined',
  color: '#d97706',
  config: z.object({
    variants: z
      .array(
        z.object({
          id: outputId,
          label: z.string().trim().min(1).max(40).meta(label('名称', 'Label')),
          percent: z.number().int().min(0).max(100).meta(label('比例 %', 'Percent')),
        }),
      )
      .min(2, 'a split needs at least two groups')
      .meta({ ...label('分组', 'Groups'), 'x-widget': 'variants' }),
  }),
  defaults: {
    variants: [
      { id: 'a', label: 'A', percent: 50 },
      { id: 'b', label: 'B', percent: 50 },
    ],
  },
  outputs: { from: 'variants', id: 'id', label: 'label' },
  summary: { zh: '{{variants.length}} 组随机分流', en: 'Split into {{variants.length}} groups' },
  check(config) {
    const problems: { field?: string; message: string }[] = [];
    const total = config.variants.reduce((s, v) => s + v.percent, 0);
    if (total !== 100)
      problems.push({ field: 'variants', message: `percentages add up to ${total}, not 100` });
    const seen = new Set<string>();
    config.variants.forEach((v, i) => {
      if (seen.has(v.id)) problems.push({ field: `variants.${i}.id`, message: `duplicate group id ${v.id}` });
      seen.add(v.id);
    });
    return problems;
  },
});
