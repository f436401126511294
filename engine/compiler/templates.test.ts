import { beforeAll, describe, expect, it } from 'vitest';
import { loadJourneyTemplates } from '../api/routes/journeys.routes.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { resolveSegmentRefs, SYSTEM_SEGMENTS } from '../segments/system-segments.js';
import { compileJourney } from './compile.js';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});

/** The lifecycle templates are data: each must become a valid journey once its coupon templates are chosen. */
describe('journey templates', () => {
  const templates = loadJourneyTemplates();

  it('ships the four lifecycle templates', () => {
    expect(templates.map((t) => t.id).sort()).toEqual(['activation', 'repurchase', 'welcome', 'winback']);
  });

  it.each(templates.map((t) => [t.id, t] as const))(
    '%s compiles once its coupon templates are chosen',
    (_id, template) => {
      // System audiences resolve to the workspace's own ids when a journey is made from the template.
      const ids = new Map(SYSTEM_SEGMENTS.map((x, i) => [x.key, `5b0c6b1e-6f1a-4a53-9d0f-00000000000${i}`]));
      const doc = resolveSegmentRefs(structuredClone(template.document), ids);
      expect(JSON.stringify(doc)).not.toContain('$segment:');
      const coupons = doc.nodes.filter((n) => n.type === 'coupon');
      expect(template.needs.includes('couponTemplate')).toBe(coupons.length > 0);
      // As shipped, only the unchosen coupon templates are missing.
      const before = compileJourney(doc, registry).errors;
      expect(before.map((e) => `${e.nodeId}.${e.field}`).sort()).toEqual(
        coupons.map((n) => `${n.id}.templateId`).sort(),
      );
      for (const n of coupons) n.data.templateId = '5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10';
      expect(compileJourney(doc, registry).errors).toEqual([]);
    },
  );
});

describe('lifecycle templates start from what the product sees', () => {
  it('activation and win-back enter from the system audiences, not from CRM events', () => {
    const byId = new Map(loadJourneyTemplates().map((t) => [t.id, t]));
    for (const [id, key] of [
      ['activation', 'registered_7d_no_order'],
      ['winback', 'no_order_90d'],
    ]) {
      const trigger = byId.get(id)!.document.nodes.find((n) => n.type.startsWith('trigger.'))!;
      expect(trigger).toMatchObject({ type: 'trigger.segment', data: { segmentId: `$segment:${key}` } });
      expect(SYSTEM_SEGMENTS.map((s) => s.key)).toContain(key);
    }
  });
});

describe('templates keep the promise their description makes', () => {
  it('welcome converts on the first order (its goal), within the 7 days its coupon is good for', () => {
    const welcome = loadJourneyTemplates().find((t) => t.id === 'welcome')!;
    expect(welcome.description.zh).toContain('首单');
    expect(welcome.document.settings?.goal).toEqual({ event: 'order_paid', windowDays: 7 });
    const doc = structuredClone(welcome.document);
    for (const n of doc.nodes.filter((x) => x.type === 'coupon'))
      n.data.templateId = '5b0c6b1e-6f1a-4a53-9d0f-2b7d3c1e9a10';
    const plan = compileJourney(doc, registry).plan!;
    expect(plan.journey.goal?.match.event).toBe('order_paid');
    expect(plan.journey.goal?.windowMs).toBe(7 * 86_400_000);
  });
});
