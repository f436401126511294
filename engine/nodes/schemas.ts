import { z } from 'zod';
import { type Duration, fixedDurationMs, type ReentryRule } from '../../workflows/plan.js';
import { isTimeZone } from '../time/local-time.js';

/** Field label in both UI languages, read by the canvas' generated forms. */
export const label = (zh: string, en: string) => ({ 'x-label': { zh, en } });

/** Labels of enum values in both UI languages, read by the generated forms. */
export const enumLabels = (labels: Record<string, { zh: string; en: string }>) => ({
  'x-enum-labels': labels,
});

export const durationUnit = z.enum(['seconds', 'minutes', 'hours', 'days', 'weeks', 'months']).meta(
  enumLabels({
    seconds: { zh: '秒', en: 'seconds' },
    minutes: { zh: '分钟', en: 'minutes' },
    hours: { zh: '小时', en: 'hours' },
    days: { zh: '天', en: 'days' },
    weeks: { zh: '周', en: 'weeks' },
    months: { zh: '个月', en: 'months' },
  }),
);

/** The longest wait a journey may hold: a plan is data a run keeps for years, not forever. */
export const MAX_WAIT_MS = 10 * 366 * 86_400_000;
const UNIT_MS = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
  months: 30.5 * 86_400_000, // a long month on average: 120 months is 10 years
} as const;

export const duration = z
  .object({
    amount: z.number().positive('must be more than 0').meta(label('时长', 'Amount')),
    unit: durationUnit.default('days').meta(label('单位', 'Unit')),
  })
  .refine((d) => d.amount * UNIT_MS[d.unit] <= MAX_WAIT_MS, {
    message: 'at most 10 years',
    path: ['amount'],
  })
  .meta({ 'x-widget': 'duration' });

export const operator = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists']);

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

export const propertyFilter = z.object({
  property: z.string().min(1).max(100).meta(label('属性', 'Property')),
  op: operator.meta(label('比较', 'Operator')),
  value: scalar.optional().meta(label('值', 'Value')),
});

export const eventName = z
  .string()
  .trim()
  .min(1, 'choose an event')
  .max(100)
  .regex(/^[A-Za-z0-9_.:$-]+$/, 'letters, digits, _ . : - $ only')
  .meta({ ...label('事件', 'Event'), 'x-widget': 'event' });

export const filters = z
  .array(propertyFilter)
  .max(20)
  .optional()
  .meta({ ...label('属性筛选', 'Property filter'), 'x-widget': 'filters' });

export const tagName = z.string().trim().min(1).max(64);

const tagCondition = z.object({
  kind: z.literal('tag'),
  op: z.enum(['has', 'has_not']),
  tag: tagName,
});
const attributeKey = z.string().trim().min(1, 'choose an attribute').max(64);
const attributeCondition = z.object({
  kind: z.literal('attribute'),
  key: attributeKey,
  op: operator,
  value: scalar.optional(),
});
const segmentCondition = z.object({
  kind: z.literal('segment'),
  op: z.enum(['in', 'not_in']),
  segmentId: z.uuid('choose an audience').meta({ 'x-widget': 'segment' }),
});
export const condition = z.discriminatedUnion('kind', [tagCondition, attributeCondition, segmentCondition]);

/** Output and condition ids end up as React Flow handle ids and plan keys: keep them simple. */
export const outputId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only (max 40)')
  .refine((id) => !RESERVED_IDS.has(id), 'this id is reserved');

/** Names that mean something to JavaScript objects: never an id, key or output. */
export const RESERVED_IDS = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
]);

/** A local time of day, "HH:MM" (seconds allowed, for tests on a shortened clock). */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'a time such as 09:00')
  .meta({ 'x-widget': 'time' });

export const timeZone = z.string().max(64).refine(isTimeZone, 'not an IANA time zone, e.g. Asia/Shanghai');

/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const weekdays = z
  .array(z.number().int().min(1).max(7))
  .max(7)
  .refine((d) => new Set(d).size === d.length, 'each weekday once')
  .meta({ 'x-widget': 'weekdays' });

/** Re-entry, the same for every trigger: once ever, again after the previous run ended, or after a cool-down. */
export const reentryFields = {
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
};

export function reentryProblems(config: { reentry: string; cooldown?: { unit: string } }) {
  const problems: { field?: string; message: string }[] = [];
  if (config.reentry === 'cooldown' && !config.cooldown)
    problems.push({ field: 'cooldown', message: 'set how long the cool-down lasts' });
  if (config.cooldown?.unit === 'months')
    problems.push({ field: 'cooldown.unit', message: 'a cool-down is counted in days or weeks, not months' });
  return problems;
}

export function reentryRule(config: { reentry: ReentryRule['mode']; cooldown?: Duration }): ReentryRule {
  return {
    mode: config.reentry,
    cooldownMs: config.reentry === 'cooldown' && config.cooldown ? fixedDurationMs(config.cooldown) : null,
  };
}
