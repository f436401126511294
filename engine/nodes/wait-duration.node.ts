import { z } from 'zod';
import { defineNode } from './define-node.js';
import { durationUnit, label } from './schemas.js';

export default defineNode({
  type: 'wait.duration',
  version: 1,
  category: 'flow',
  kind: 'wait.duration',
  title: { zh: '等待', en: 'Wait' },
  description: { zh: '等待一段时间后继续', en: 'Wait for a while, then continue' },
  icon: 'ClockCircleOutlined',
  color: '#0891b2',
  config: z
    .object({
      amount: z.number().positive('must be more than 0').meta(label('时长', 'Amount')),
      unit: durationUnit.default('days').meta(label('单位', 'Unit')),
    })
    .meta({ 'x-widget': 'duration' }),
  defaults: { amount: 1, unit: 'days' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '等待 {{amount}} {{unit}}', en: 'Wait {{amount}} {{unit}}' },
});
