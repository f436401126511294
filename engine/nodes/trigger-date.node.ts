import { z } from 'zod';
import { defineNode } from './define-node.js';
import { label, timeOfDay } from './schemas.js';

export default defineNode({
  type: 'trigger.date',
  version: 1,
  category: 'trigger',
  order: 30,
  title: { zh: '日期触发', en: 'Date trigger' },
  description: {
    zh: '按会员的日期属性（生日、会员到期日）在当天（可提前或推后几天）会员当地的指定时刻进入旅程',
    en: 'Members enter on a date of theirs (birthday, membership expiry), shifted by some days, at a local time',
  },
  icon: 'CalendarOutlined',
  color: '#7c3aed',
  config: z.object({
    attribute: z
      .string()
      .trim()
      .min(1, 'choose a date attribute')
      .max(64)
      .meta({ ...label('日期属性', 'Date attribute'), 'x-widget': 'attributeKey' }),
    offsetDays: z
      .number()
      .int()
      .min(-30)
      .max(30)
      .default(0)
      .meta(label('提前(负数)/推后(正数)天数', 'Days before (−) or after (+)')),
    at: timeOfDay
      .default('10:00')
      .meta({ ...label('时刻（会员当地）', 'At (member-local)'), 'x-widget': 'time' }),
    yearly: z
      .boolean()
      .default(true)
      .meta(label('每年重复（生日、纪念日）', 'Every year (birthdays, anniversaries)')),
  }),
  defaults: { attribute: 'birthday', offsetDays: 0, at: '10:00', yearly: true },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '{{attribute}} 当天 {{at}}', en: 'On {{attribute}} at {{at}}' },
  behavior: () => ({ kind: 'pass', output: 'next' }),
  trigger: {
    entry: (config) => ({
      on: 'date',
      attribute: config.attribute,
      offsetDays: config.offsetDays,
      at: config.at,
      yearly: config.yearly,
    }),
    // every occurrence (each year's birthday) is an entry of its own
    reentry: () => ({ mode: 'after_exit', cooldownMs: null }),
  },
});
