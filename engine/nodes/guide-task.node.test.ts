import { beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { edge, node } from '../testing/documents.js';
import guideTask from './guide-task.node.js';
import { loadNodeRegistry, type NodeRegistry } from './registry.js';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});

const config = (extra: Record<string, unknown> = {}) => ({
  title: '回访 VIP',
  dueIn: { amount: 24, unit: 'hours' },
  ...extra,
});

const doc = (data: Record<string, unknown>, outputs = ['done', 'overdue', 'no_guide']): JourneyDocument => ({
  nodes: [node('t', 'trigger.event', { event: 'vip' }), node('task', 'guide.task', data), node('x', 'exit')],
  edges: [edge('t', 'task'), ...outputs.map((o) => edge('task', 'x', o))],
});

/** The guide.task node's definition: its config and how a journey compiles with it (its run: guides.int.test.ts). */
describe('guide.task', () => {
  it('takes a title, a script, an optional coupon, a due time and a reminder before it', () => {
    const parsed = guideTask.config.parse(config({ remindBefore: { amount: 2, unit: 'hours' } }));
    expect(parsed).toEqual({
      title: '回访 VIP',
      script: '',
      dueIn: { amount: 24, unit: 'hours' },
      remindBefore: { amount: 2, unit: 'hours' },
    });
    // seconds are allowed: tests run it on a shortened clock
    expect(guideTask.config.safeParse(config({ dueIn: { amount: 5, unit: 'seconds' } })).success).toBe(true);
  });

  it('refuses a reminder that is not before the due time, a task due after 90 days, and no title', () => {
    const late = guideTask.config.safeParse(config({ remindBefore: { amount: 2, unit: 'days' } }));
    expect(late.success).toBe(false);
    expect(late.error?.issues[0].path).toEqual(['remindBefore']);
    expect(guideTask.config.safeParse(config({ dueIn: { amount: 91, unit: 'days' } })).success).toBe(false);
    expect(guideTask.config.safeParse(config({ title: '  ' })).success).toBe(false);
    expect(guideTask.config.safeParse(config({ couponTemplateId: 'not-a-uuid' })).success).toBe(false);
  });

  it('compiles to an action that never runs on a holdout path; every output must lead somewhere', () => {
    const ok = compileJourney(doc(config()), registry);
    expect(ok.errors).toEqual([]);
    expect(ok.plan!.nodes.task.behavior).toEqual({
      kind: 'action',
      skipOutput: 'no_guide',
      reachesMember: true,
    });
    const missing = compileJourney(doc(config(), ['done', 'overdue']), registry);
    expect(missing.errors).toEqual([
      expect.objectContaining({ nodeId: 'task', output: 'no_guide', code: 'output_unconnected' }),
    ]);
  });

  it('is served to the canvas with its three outputs and a textarea for the script', () => {
    const info = registry.describe().find((n) => n.type === 'guide.task')!;
    expect(info.outputs.map((o) => o.id)).toEqual(['done', 'overdue', 'no_guide']);
    const props = (info.configSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(props.script['x-widget']).toBe('textarea');
    expect(props.couponTemplateId['x-widget']).toBe('couponTemplate');
  });
});
