import { z } from 'zod';
import { defineNode } from './define-node.js';
import { eventName, filters, reentryFields, reentryProblems, reentryRule } from './schemas.js';

export default defineNode({
  type: 'trigger.event',
  version: 1,
  category: 'trigger',
  order: 10,
  title: { zh: '事件触发', en: 'Event trigger' },
  description: {
    zh: '会员发生某个事件时进入旅程，可按事件属性筛选',
    en: 'Members enter when they perform an event, optionally filtered by its properties',
  },
  icon: 'ThunderboltOutlined',
  color: '#7c3aed',
  config: z.object({ event: eventName, where: filters, ...reentryFields }),
  defaults: { event: 'member_registered' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '当会员 {{event}}', en: 'When member does {{event}}' },
  check: reentryProblems,
  behavior: () => ({ kind: 'pass', output: 'next' }),
  trigger: {
    entry: (config) => ({ on: 'event', match: { event: config.event, where: config.where } }),
    reentry: reentryRule,
  },
});
