import { beforeAll, describe, expect, it } from 'vitest';
import { loadJourneyTemplates } from '../api/routes/journeys.routes.js';
import { compileJourney } from '../compiler/compile.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { resolveSegmentRefs, SYSTEM_SEGMENTS } from '../segments/system-segments.js';
import { plannedDurationMs } from './conversions.js';
import { splitNodes } from './split-config.js';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});

/** The win-back template is the results' showcase: its holdout, goal value and auto-winner as issue 16 asks. */
describe('win-back template for results', () => {
  it('ships 对照组 as a holdout, the order_paid goal with value amount, and the auto-winner off', () => {
    const template = loadJourneyTemplates().find((t) => t.id === 'winback')!;
    const ids = new Map(SYSTEM_SEGMENTS.map((x, i) => [x.key, `5b0c6b1e-6f1a-4a53-9d0f-00000000000${i}`]));
    const doc = resolveSegmentRefs(structuredClone(template.document), ids);
    for (const n of doc.nodes)
      if (n.type === 'coupon') n.data.templateId = '5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10';
    const { plan, errors } = compileJourney(doc, registry);
    expect(errors).toEqual([]);
    const [split] = splitNodes(plan!);
    expect(split.variants.find((v) => v.label === '对照组')).toMatchObject({ holdout: true });
    expect(split.variants.filter((v) => v.holdout)).toHaveLength(1);
    expect(split.autoWinner.enabled).toBe(false);
    expect(plan!.journey.goal).toMatchObject({
      match: { event: 'order_paid' },
      value: 'amount',
      attributionMs: 7 * 86_400_000,
    });
    // the holdout waits for the order like A and B: 14 days, so its window is measured the same way
    expect(plannedDurationMs(plan!)).toBe(14 * 86_400_000);
  });
});
