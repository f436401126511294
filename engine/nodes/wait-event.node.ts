import { z } from 'zod';
import { addMonths } from '../time/local-time.js';
import { defineNode } from './define-node.js';
import { duration, eventName, filters, label } from './schemas.js';
import { durationTimer } from './wait-duration.node.js';

export default defineNode({
  type: 'wait.event',
  version: 1,
  category: 'flow',
  order: 30,
  title: { zh: '等待事件', en: 'Wait for event' },
  description: {
    zh: '等待会员发生某个事件，超时则走“超时”分支',
    en: 'Wait until the member performs an event; take "timed out" if it does not happen in time',
  },
  icon: 'FieldTimeOutlined',
  color: '#0891b2',
  config: z.object({
    event: eventName,
    where: filters,
    timeout: duration.meta({ ...label('最长等待', 'Timeout'), 'x-widget': 'duration' }),
  }),
  defaults: { event: 'order_paid', timeout: { amount: 3, unit: 'days' } },
  outputs: [
    { id: 'matched', label: { zh: '已发生', en: 'Happened' } },
    { id: 'timeout', label: { zh: '超时', en: 'Timed out' } },
  ],
  summary: {
    zh: '等待 {{event}}，最长 {{timeout.amount}} {{timeout.unit}}',
    en: 'Wait for {{event}}, up to {{timeout.amount}} {{timeout.unit}}',
  },
  behavior: (config) => ({
    kind: 'wait',
    timer: { spec: durationTimer(config.timeout), output: 'timeout' },
    events: [{ match: { event: config.event, where: config.where }, output: 'matched' }],
  }),
  deadline: (config, { from, timezone }) => new Date(addMonths(from, timezone, config.timeout.amount)),
});
