import { z } from 'zod';
import { chooseTaskGuide } from '../guides/guide-choice.js';
import { createTaskOnce, findTaskByKey } from '../guides/guide-tasks.repository.js';
import { guideByWecomUserId, memberGuide } from '../guides/guides.repository.js';
import { defineNode } from './define-node.js';
import { enumLabels, label } from './schemas.js';

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** A span in fixed units (seconds are for tests on a shortened clock); at most 90 days. */
const span = (zh: string, en: string) =>
  z
    .object({
      amount: z.number().positive('must be more than 0').meta(label('时长', 'Amount')),
      unit: z
        .enum(['seconds', 'minutes', 'hours', 'days'])
        .default('hours')
        .meta({
          ...label('单位', 'Unit'),
          ...enumLabels({
            seconds: { zh: '秒', en: 'seconds' },
            minutes: { zh: '分钟', en: 'minutes' },
            hours: { zh: '小时', en: 'hours' },
            days: { zh: '天', en: 'days' },
          }),
        }),
    })
    .refine((d) => d.amount * UNIT_MS[d.unit] <= 90 * 86_400_000, {
      message: 'at most 90 days',
      path: ['amount'],
    })
    .meta({ ...label(zh, en), 'x-widget': 'duration' });

const spanMs = (d: { amount: number; unit: keyof typeof UNIT_MS }) => Math.round(d.amount * UNIT_MS[d.unit]);

/** What the run waits for once the task exists: the guide's "done", else the due time. */
const waitFor = (dueAt: Date) => ({
  until: dueAt.getTime(),
  timeoutOutput: 'overdue',
  completionOutputs: ['done'],
});

export default defineNode({
  type: 'guide.task',
  version: 1,
  category: 'action',
  order: 40,
  // the guide reaches the member: never on a holdout group's path
  reachesMember: true,
  skipOutput: 'no_guide',
  title: { zh: '导购任务', en: 'Guide task' },
  description: {
    zh: '给会员的专属导购派一个任务（话术、可选优惠券、截止时间），等导购完成或到期：走“已完成”或“已逾期”；没有导购的会员走“无导购”',
    en: "Give the member's shopping guide a task (script, optional coupon, due time) and wait until they mark it done or it is due; members without a guide take “no guide”",
  },
  icon: 'SolutionOutlined',
  color: '#7c3aed',
  config: z
    .object({
      title: z.string().trim().min(1, 'give the task a title').max(100).meta(label('任务标题', 'Task title')),
      script: z
        .string()
        .max(2000)
        .default('')
        // rendered for the guide when shown, with the messages' renderer (engine/guides/guide-script.ts)
        .meta({
          ...label(
            '话术（可用 {{member.name}}、{{coupon.code}}、{{guide.name}} 等变量）',
            'Script (variables such as {{member.name}}, {{coupon.code}}, {{guide.name}})',
          ),
          'x-widget': 'textarea',
        }),
      couponTemplateId: z
        .string()
        .uuid('choose a coupon template')
        .optional()
        .meta({
          ...label('优惠券（导购发放）', 'Coupon (the guide hands it out)'),
          'x-widget': 'couponTemplate',
        }),
      dueIn: span('完成时限', 'Due in'),
      remindBefore: span('提前提醒', 'Remind before due').optional(),
      /** who gets the task when the member has no (active) guide, e.g. the store manager; else `no_guide` */
      fallbackGuideWecomUserId: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .optional()
        .meta(label('无导购时派给（企业微信 userid）', 'Without a guide, give it to (WeCom userid)')),
    })
    .refine((c) => !c.remindBefore || spanMs(c.remindBefore) < spanMs(c.dueIn), {
      message: 'the reminder must come before the due time',
      path: ['remindBefore'],
    }),
  defaults: {
    title: '',
    script: '',
    dueIn: { amount: 24, unit: 'hours' },
    remindBefore: { amount: 2, unit: 'hours' },
  },
  outputs: [
    { id: 'done', label: { zh: '已完成', en: 'Done' } },
    { id: 'overdue', label: { zh: '已逾期', en: 'Overdue' } },
    { id: 'no_guide', label: { zh: '无导购', en: 'No guide' } },
  ],
  summary: {
    zh: '导购任务「{{title}}」，{{dueIn.amount}} {{dueIn.unit}} 内完成',
    en: 'Guide task “{{title}}”, due in {{dueIn.amount}} {{dueIn.unit}}',
  },
  // The same decision as `run`, over the member's real guide (or the made-up member's): no guide → 无导购,
  // decided, whatever outcome the preview assumes; with one, the task is created and waits for the guide.
  simulate(config, sim) {
    const fallback = config.fallbackGuideWecomUserId
      ? (sim.guideByWecomUserId?.(config.fallbackGuideWecomUserId) ?? null)
      : null;
    const choice = chooseTaskGuide(sim.member.guide ?? null, fallback);
    if (!choice.guide) return { output: 'no_guide', detail: { reason: choice.reason }, decided: true };
    return {
      output: 'created',
      detail: { guideName: choice.guide.name, ...(choice.fallback ? { fallback: true } : {}) },
      wait: { afterMs: spanMs(config.dueIn), timeoutOutput: 'overdue', completionOutputs: ['done'] },
    };
  },
  async run(ctx, config) {
    // A retried attempt finds the task the first one made (same idempotency key): one task per visit.
    const existing = await findTaskByKey(ctx.db, ctx.idempotencyKey);
    if (existing) {
      const detail = {
        taskId: existing.id,
        guideId: existing.guide_id,
        dueAt: existing.due_at.toISOString(),
      };
      // settled while the run did not hear of it yet (the attempt's answer was lost): take its outcome now
      if (existing.status === 'done' || existing.status === 'overdue')
        return { output: existing.status, detail };
      return { output: 'created', detail, wait: waitFor(existing.due_at) };
    }
    const own = await memberGuide(ctx.db, ctx.member.id);
    const fallback =
      !own?.active && config.fallbackGuideWecomUserId
        ? await guideByWecomUserId(ctx.db, ctx.workspaceId, config.fallbackGuideWecomUserId)
        : null;
    const choice = chooseTaskGuide(own, fallback);
    if (!choice.guide) return { output: 'no_guide', detail: { reason: choice.reason } };
    const guide = choice.guide;
    const now = ctx.now().getTime();
    const dueAt = new Date(now + spanMs(config.dueIn));
    const remindAt = config.remindBefore ? new Date(dueAt.getTime() - spanMs(config.remindBefore)) : null;
    const task = await createTaskOnce(ctx.db, {
      workspaceId: ctx.workspaceId,
      guideId: guide.id,
      memberId: ctx.member.id,
      journeyId: ctx.journeyId,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      idempotencyKey: ctx.idempotencyKey,
      title: config.title,
      script: config.script,
      couponTemplateId: config.couponTemplateId ?? null,
      dueAt,
      remindAt,
    });
    if (!task) throw new Error('the guide task was not stored');
    return {
      output: 'created',
      detail: {
        taskId: task.id,
        guideId: task.guide_id,
        guideName: guide.name,
        dueAt: task.due_at.toISOString(),
        ...(choice.fallback ? { fallback: true } : {}),
      },
      wait: waitFor(task.due_at),
    };
  },
});
