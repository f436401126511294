import { z } from 'zod';
import { defineNode } from './define-node.js';
import { condition, label, outputId } from './schemas.js';

export default defineNode({
  type: 'branch',
  version: 1,
  category: 'flow',
  order: 40,
  title: { zh: '条件分支', en: 'Branch' },
  description: {
    zh: '按顺序判断条件（标签、属性），第一个满足的条件决定去向，都不满足走“其他”',
    en: 'Checks conditions on tags and attributes in order; the first match decides, else "Otherwise"',
  },
  icon: 'BranchesOutlined',
  color: '#d97706',
  config: z.object({
    conditions: z
      .array(
        z.object({
          id: outputId,
          label: z.string().trim().min(1, 'give the path a name').max(40).meta(label('名称', 'Label')),
          when: condition,
        }),
      )
      .min(1, 'add at least one condition')
      .meta({ ...label('条件', 'Conditions'), 'x-widget': 'conditions' }),
  }),
  defaults: { conditions: [{ id: 'vip', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } }] },
  outputs: {
    from: 'conditions',
    id: 'id',
    label: 'label',
    extra: [{ id: 'else', label: { zh: '其他', en: 'Otherwise' } }],
  },
  summary: { zh: '{{conditions.length}} 个条件 + 其他', en: '{{conditions.length}} conditions + otherwise' },
  check(config) {
    const problems: { field?: string; message: string }[] = [];
    const seen = new Set<string>();
    config.conditions.forEach((c, i) => {
      if (c.id === 'else') problems.push({ field: `conditions.${i}.id`, message: '"else" is reserved' });
      if (seen.has(c.id))
        problems.push({ field: `conditions.${i}.id`, message: `duplicate condition id ${c.id}` });
      seen.add(c.id);
      if (c.when.kind === 'attribute' && c.when.op !== 'exists' && c.when.value === undefined) {
        problems.push({
          field: `conditions.${i}.when.value`,
          message: 'a value is needed for this comparison',
        });
      }
    });
    return problems;
  },
  behavior: (config) => ({
    kind: 'route',
    by: 'conditions',
    cases: config.conditions.map((c) => ({ output: c.id, when: c.when })),
    otherwise: 'else',
  }),
});
