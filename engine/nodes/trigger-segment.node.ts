import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label, reentryFields, reentryProblems, reentryRule } from './schemas.js';

export default defineNode({
  type: 'trigger.segment',
  version: 1,
  category: 'trigger',
  order: 20,
  title: { zh: '进入人群', en: 'Audience trigger' },
  description: {
    zh: '会员新进入某个人群时进入旅程（事件或资料变化后秒级生效，随时间满足的条件每分钟评估）',
    en: 'Members enter when they newly join an audience (within seconds of an event or profile change; time-based rules every minute)',
  },
  icon: 'TeamOutlined',
  color: '#7c3aed',
  config: z.object({
    segmentId: z.uuid('choose an audience').meta({ ...label('人群', 'Audience'), 'x-widget': 'segment' }),
    includeExisting: z
      .boolean()
      .default(false)
      .meta(label('发布时让人群中已有的会员也进入', 'At publish, also enter everyone already in it')),
    ...reentryFields,
  }),
  defaults: { includeExisting: false },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '进入人群：{{segmentId}}', en: 'Joins audience: {{segmentId}}' },
  check: reentryProblems,
  behavior: () => ({ kind: 'pass', output: 'next' }),
  trigger: {
    entry: (config) => ({
      on: 'segment',
      segmentId: config.segmentId,
      includeExisting: config.includeExisting,
    }),
    reentry: reentryRule,
  },
});
