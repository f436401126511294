import { z } from 'zod';
import { fixedDurationMs } from '../../workflows/plan.js';
import { defineNode } from './define-node.js';
import { duration, eventName, filters, label } from './schemas.js';

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
  config: z.object({
    event: eventName,
    where: filters,
    reentry: z
      .enum(['once', 'after_exit', 'cooldown'])
      .default('once')
      .meta({
        ...label('重复进入', 'Re-entry'),
        'x-enum-labels': {
          once: { zh: '仅进入一次', en: 'Once ever' },
          after_exit: { zh: '上一次结束后可再次进入', en: 'Again after the previous run ended' },
          cooldown: { zh: '结束后经过冷却期可再次进入', en: 'Again after a cool-down' },
        },
      }),
    cooldown: duration.optional().meta({ ...label('冷却期', 'Cool-down'), 'x-widget': 'duration' }),
  }),
  defaults: { event: 'member_registered' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '当会员 {{event}}', en: 'When member does {{event}}' },
  check(config) {
    const problems: { field?: string; message: string }[] = [];
    if (config.reentry === 'cooldown' && !config.cooldown)
      problems.push({ field: 'cooldown', message: 'set how long the cool-down lasts' });
    if (config.cooldown?.unit === 'months')
      problems.push({
        field: 'cooldown.unit',
        message: 'a cool-down is counted in days or weeks, not months',
      });
    return problems;
  },
  behavior: () => ({ kind: 'pass', output: 'next' }),
  trigger: {
    entry: (config) => ({ on: 'event', match: { event: config.event, where: config.where } }),
    reentry: (config) => ({
      mode: config.reentry,
      cooldownMs: config.reentry === 'cooldown' && config.cooldown ? fixedDurationMs(config.cooldown) : null,
    }),
  },
});
