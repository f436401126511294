import { z } from 'zod';
import type { Condition, ExitCriterion, JourneyRules } from '../../workflows/plan.js';
import { eventName, filters, label, operator, tagName } from '../nodes/schemas.js';

const DAY = 86_400_000;
/** conversions after a run ended still count this many days by default (issue 16) */
export const ATTRIBUTION_DAYS = 7;

const exitCriterion = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('event'), event: eventName, where: filters })
    .meta({ 'x-label': { zh: '发生事件', en: 'An event' } }),
  z
    .object({ kind: z.literal('tag'), tag: tagName.meta({ ...label('标签', 'Tag'), 'x-widget': 'tag' }) })
    .meta({ 'x-label': { zh: '被打上标签', en: 'A tag is added' } }),
  z
    .object({
      kind: z.literal('attribute'),
      key: z.string().trim().min(1, 'choose an attribute').max(64).meta(label('属性', 'Attribute')),
      op: operator.meta(label('比较', 'Operator')),
      value: z
        .union([z.string().max(500), z.number(), z.boolean()])
        .optional()
        .meta(label('值', 'Value')),
    })
    .meta({ 'x-label': { zh: '属性满足条件', en: 'An attribute condition holds' } }),
  z
    .object({
      kind: z.literal('segment'),
      segmentId: z.uuid('choose an audience').meta({ ...label('人群', 'Audience'), 'x-widget': 'segment' }),
    })
    .meta({ 'x-label': { zh: '离开人群', en: 'Leaves an audience' } }),
]);

/**
 * `document.settings`: the journey's own rules, edited in the canvas' settings panel (a form generated from
 * this schema, like node forms) and compiled into the plan's `journey` section.
 */
export const journeySettingsSchema = z.object({
  goal: z
    .object({
      event: eventName.meta({ ...label('转化事件', 'Conversion event'), 'x-widget': 'event' }),
      where: filters,
      windowDays: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .optional()
        .meta(label('转化窗口（天，进入后多久内算转化）', 'Conversion window (days after entry)')),
      value: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'a property name such as amount')
        .optional()
        .meta(label('金额属性（元，如 amount）', 'Value property (元, e.g. amount)')),
      attributionDays: z
        .number()
        .int()
        .min(0)
        .max(365)
        .default(ATTRIBUTION_DAYS)
        .meta(label('归因窗口（天，旅程结束后仍计入转化）', 'Attribution window (days after the run ends)')),
    })
    .optional()
    .meta({
      ...label('转化目标', 'Goal'),
      description: 'members who perform this event leave the journey at once as converted',
    }),
  exits: z
    .array(exitCriterion)
    .max(20)
    .default([])
    .meta({ ...label('退出条件', 'Exit criteria'), 'x-widget': 'exits' }),
  entry: z
    .object({
      startAt: z.iso.datetime({ offset: true }).optional().meta(label('开始进入时间', 'Entry opens')),
      endAt: z.iso.datetime({ offset: true }).optional().meta(label('停止进入时间', 'Entry closes')),
      maxPerHour: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .optional()
        .meta(label('每小时最多进入人数', 'At most entries per hour')),
    })
    .refine((e) => !e.startAt || !e.endAt || Date.parse(e.startAt) < Date.parse(e.endAt), {
      message: 'entry closes after it opens',
      path: ['endAt'],
    })
    .optional()
    .meta(label('进入设置', 'Entry')),
  priority: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .meta(
      label('优先级（1–10，频控名额紧张时高者优先）', 'Priority (1–10, wins a frequency cap’s last slot)'),
    ),
});

export type JourneySettings = z.output<typeof journeySettingsSchema>;

export function exitLabel(e: JourneySettings['exits'][number]): string {
  if (e.kind === 'event') return `event:${e.event}`;
  if (e.kind === 'tag') return `tag:${e.tag}`;
  if (e.kind === 'segment') return `left_segment:${e.segmentId}`;
  return `attribute:${e.key} ${e.op}${e.value === undefined ? '' : ` ${String(e.value)}`}`;
}

export function settingsChecks(s: JourneySettings): { field: string; message: string }[] {
  return s.exits.flatMap((e, i) =>
    e.kind === 'attribute' && e.op !== 'exists' && e.value === undefined
      ? [{ field: `exits.${i}.value`, message: 'a value is needed for this comparison' }]
      : [],
  );
}

export function compileJourneyRules(s: JourneySettings): JourneyRules {
  const exits: ExitCriterion[] = s.exits.map((e, i) => {
    const id = String(i + 1);
    const labelText = exitLabel(e);
    if (e.kind === 'event')
      return { id, label: labelText, kind: 'event', match: { event: e.event, where: e.where } };
    const when: Condition =
      e.kind === 'tag'
        ? { kind: 'tag', op: 'has', tag: e.tag }
        : e.kind === 'segment'
          ? { kind: 'segment', op: 'not_in', segmentId: e.segmentId }
          : { kind: 'attribute', key: e.key, op: e.op, value: e.value };
    return { id, label: labelText, kind: 'member', when };
  });
  return {
    goal: s.goal
      ? {
          match: { event: s.goal.event, where: s.goal.where },
          windowMs: s.goal.windowDays ? s.goal.windowDays * DAY : null,
          value: s.goal.value ?? null,
          attributionMs: s.goal.attributionDays * DAY,
        }
      : null,
    exits,
    priority: s.priority,
    ...(s.entry
      ? {
          entry: {
            startAt: s.entry.startAt ? Date.parse(s.entry.startAt) : null,
            endAt: s.entry.endAt ? Date.parse(s.entry.endAt) : null,
            maxPerHour: s.entry.maxPerHour ?? null,
          },
        }
      : {}),
  };
}
