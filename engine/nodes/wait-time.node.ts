import { z } from 'zod';
import { nextTimeOfDay } from '../time/local-time.js';
import { defineNode } from './define-node.js';
import { label, timeOfDay, weekdays } from './schemas.js';

export default defineNode({
  type: 'wait.time',
  version: 1,
  category: 'flow',
  order: 25,
  title: { zh: '等到时刻', en: 'Wait until time' },
  description: {
    zh: '等到会员所在时区的下一个指定时刻（可限定星期几），例如工作日上午 10:00',
    en: 'Wait until the next given time of day in the member’s zone (optionally on chosen weekdays)',
  },
  icon: 'FieldTimeOutlined',
  color: '#0891b2',
  config: z.object({
    at: timeOfDay.meta({ ...label('时刻', 'Time'), 'x-widget': 'time' }),
    weekdays: weekdays.optional().meta({ ...label('星期', 'Weekdays'), 'x-widget': 'weekdays' }),
  }),
  defaults: { at: '10:00' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '等到 {{at}}', en: 'Until {{at}}' },
  behavior: () => ({ kind: 'wait', timer: { spec: { kind: 'resolve' }, output: 'next' } }),
  deadline: (config, { from, timezone }) =>
    new Date(nextTimeOfDay(from, timezone, config.at, config.weekdays)),
});
