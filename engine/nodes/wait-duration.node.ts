import { type Duration, fixedDurationMs } from '../../workflows/plan.js';
import { addMonths } from '../time/local-time.js';
import { defineNode } from './define-node.js';
import { duration } from './schemas.js';

/** A timer for a duration: fixed units are plain arithmetic; months follow the member's calendar. */
export function durationTimer(d: Duration) {
  const ms = fixedDurationMs(d);
  return ms === null ? { kind: 'resolve' as const } : { kind: 'after' as const, ms };
}

export default defineNode({
  type: 'wait.duration',
  version: 1,
  category: 'flow',
  order: 20,
  title: { zh: '等待', en: 'Wait' },
  description: {
    zh: '等待一段时间后继续（按月等待以会员时区的日历计算）',
    en: 'Wait for a while, then continue (months follow the member’s calendar)',
  },
  icon: 'ClockCircleOutlined',
  color: '#0891b2',
  config: duration,
  defaults: { amount: 1, unit: 'days' },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '等待 {{amount}} {{unit}}', en: 'Wait {{amount}} {{unit}}' },
  behavior: (config) => ({ kind: 'wait', timer: { spec: durationTimer(config), output: 'next' } }),
  deadline: (config, { from, timezone }) => new Date(addMonths(from, timezone, config.amount)),
});
