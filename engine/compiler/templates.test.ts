import { beforeAll, describe, expect, it } from 'vitest';
import { loadJourneyTemplates } from '../api/routes/journeys.routes.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
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
      const doc = structuredClone(template.document);
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
