import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label, outputId } from './schemas.js';

export default defineNode({
  type: 'split',
  version: 1,
  category: 'flow',
  order: 50,
  title: { zh: '随机分流', en: 'Random split' },
  description: {
    zh: '按百分比随机分组（A/B 测试），可设一个对照组：对照组会员收不到消息和券，再次进入旅程时仍在对照组',
    en: 'Random groups by percentage (A/B tests) with an optional holdout that gets no messages or coupons and stays held out on re-entry',
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
          holdout: z
            .boolean()
            .optional()
            .meta(label('对照组（不发消息、不发券）', 'Holdout (no messages, no coupons)')),
        }),
      )
      .min(2, 'a split needs at least two groups')
      .meta({ ...label('分组', 'Groups'), 'x-widget': 'variants' }),
    autoWinner: z
      .object({
        enabled: z.boolean().default(false).meta(label('自动选出胜者', 'Pick the winner automatically')),
        minPerVariant: z
          .number()
          .int()
          .min(10)
          .max(1_000_000)
          .optional()
          .meta(label('每组至少进入人数（默认 500）', 'Members per group before deciding (default 500)')),
        threshold: z
          .number()
          .min(0.9)
          .max(0.9999)
          .optional()
          .meta(label('胜出概率门槛（默认 0.997）', 'Probability-best threshold (default 0.997)')),
      })
      .optional()
      .meta({
        ...label('自动胜者', 'Auto-winner'),
        description:
          'once a group is best with the threshold probability, later members all go down its path; the holdout keeps its share',
      }),
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
    const holdouts = config.variants.flatMap((v, i) => (v.holdout ? [i] : []));
    for (const i of holdouts.slice(1))
      problems.push({ field: `variants.${i}.holdout`, message: 'a split has at most one holdout group' });
    for (const i of holdouts)
      if (config.variants[i].percent > 50)
        problems.push({ field: `variants.${i}.percent`, message: 'a holdout is at most 50%' });
    return problems;
  },
  behavior: (config) => ({
    kind: 'route',
    by: 'bucket',
    variants: config.variants.map((v) => ({ output: v.id, percent: v.percent, holdout: v.holdout === true })),
  }),
});
