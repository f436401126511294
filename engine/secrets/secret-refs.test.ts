import { beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../compiler/compile.js';
import { migrateConfig } from '../nodes/migrate-config.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { edge, node } from '../testing/documents.js';
import { HIDDEN, hideLegacySecrets, secretRefsOfPlan } from './secret-refs.js';

/** Issue 14, M2/L2: webhook nodes name a workspace secret; version 1 configs open without their key. */
describe('secret references', () => {
  let registry: NodeRegistry;
  beforeAll(async () => {
    registry = await loadNodeRegistry();
  });
  const webhookDoc = (data: Record<string, unknown>, version?: number) => ({
    nodes: [
      node('t', 'trigger.event', { event: 'e' }),
      {
        ...node('w', 'webhook', { url: 'https://crm.example/hook', ...data }, 100),
        ...(version ? { version } : {}),
      },
      node('x', 'exit', {}, 200),
    ],
    edges: [edge('t', 'w'), edge('w', 'x')],
  });

  it('version 1 → 2: env:NAME becomes the workspace secret NAME; a key itself is cleared, never carried over', () => {
    const def = registry.get('webhook');
    if (!def) throw new Error('no webhook node');
    expect(def.version).toBe(2);
    expect(migrateConfig(def, { url: 'u', secret: 'env:CRM_KEY' }, 1)).toEqual({
      ok: true,
      config: { url: 'u', secret: 'CRM_KEY' },
    });
    const literal = migrateConfig(def, { url: 'u', secret: 'a-literal-key-of-some-length' }, 1);
    expect(literal).toEqual({ ok: true, config: { url: 'u', secret: '' } });
  });

  it('a cleared or non-name secret is a problem of the node’s secret field', () => {
    const cleared = compileJourney(webhookDoc({ secret: 'a-literal-key-of-some-length' }, 1), registry);
    expect(cleared.errors).toContainEqual(
      expect.objectContaining({
        nodeId: 'w',
        field: 'secret',
        message: 'choose a workspace secret to sign with',
      }),
    );
    const env = compileJourney(webhookDoc({ secret: 'env:PATH' }), registry);
    expect(env.errors).toContainEqual(expect.objectContaining({ nodeId: 'w', field: 'secret' }));
    const ok = compileJourney(webhookDoc({ secret: 'crm_signing' }), registry);
    expect(ok.errors).toEqual([]);
    if (!ok.ok) throw new Error('expected a plan');
    expect(secretRefsOfPlan(ok.plan, registry)).toEqual([
      { nodeId: 'w', field: 'secret', name: 'crm_signing' },
    ]);
  });

  it('version-1 plans: env:NAME names NAME, a key itself names nothing and is hidden when shown', () => {
    const plan = (secret: string) => ({
      nodes: { w: { id: 'w', type: 'webhook', typeVersion: 1, config: { url: 'u', secret } } },
    });
    expect(secretRefsOfPlan(plan('env:CRM_KEY'), registry)).toEqual([
      { nodeId: 'w', field: 'secret', name: 'CRM_KEY' },
    ]);
    expect(secretRefsOfPlan(plan('crm_signing_literal_key'), registry)).toEqual([]);
    const doc = webhookDoc({ secret: 'crm_signing_literal_key' }, 1);
    const shown = hideLegacySecrets(doc, plan('crm_signing_literal_key'), registry);
    expect(JSON.stringify(shown)).not.toContain('crm_signing_literal_key');
    expect(shown.plan.nodes.w.config.secret).toBe(HIDDEN);
    expect(shown.document.nodes[1].data.secret).toBe(HIDDEN);
    // env:NAME names something and is shown; version 2 nodes hold names only and are left as they are
    expect(hideLegacySecrets(doc, plan('env:CRM_KEY'), registry).plan.nodes.w.config.secret).toBe(
      'env:CRM_KEY',
    );
    const v2 = webhookDoc({ secret: 'crm_signing' }, 2);
    expect(hideLegacySecrets(v2, {}, registry).document).toEqual(v2);
  });
});
