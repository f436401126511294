import { z } from 'zod';

/** Field label in both UI languages, read by the canvas' generated forms. */
export const label = (zh: string, en: string) => ({ 'x-label': { zh, en } });

export const durationUnit = z.enum(['seconds', 'minutes', 'hours', 'days']);

export const duration = z
  .object({
    amount: z.number().positive().meta(label('时长', 'Amount')),
    unit: durationUnit.default('days').meta(label('单位', 'Unit')),
  })
  .meta({ 'x-widget': 'duration' });

export const operator = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists']);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const propertyFilter = z.object({
  property: z.string().min(1).meta(label('属性', 'Property')),
  op: operator.meta(label('比较', 'Operator')),
  value: scalar.optional().meta(label('值', 'Value')),
});

export const eventName = z
  .string()
  .trim()
  .min(1, 'choose an event')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only')
  .meta({ ...label('事件', 'Event'), 'x-widget': 'event' });

export const filters = z
  .array(propertyFilter)
  .optional()
  .meta({ ...label('属性筛选', 'Property filter'), 'x-widget': 'filters' });

const tagCondition = z.object({
  kind: z.literal('tag'),
  op: z.enum(['has', 'has_not']),
  tag: z.string().trim().min(1, 'choose a tag'),
});
const attributeCondition = z.object({
  kind: z.literal('attribute'),
  key: z.string().trim().min(1, 'choose an attribute'),
  op: operator,
  value: scalar.optional(),
});
export const condition = z.discriminatedUnion('kind', [tagCondition, attributeCondition]);

export const tagName = z.string().trim().min(1).max(64);

/** Output and condition ids end up as React Flow handle ids: keep them simple. */
export const outputId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only (max 40)');
