import { z } from 'zod';
import type { NodeDefinition } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';

/** A workspace secret's name: what a node's config and `/api/secrets/:name` use (the value is never there). */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/**
 * The name a secret field's value refers to. A field marked `x-secret-legacy` (the webhook node's version 1) held
 * the secret itself, or `env:NAME`: only the latter names something — the workspace secret NAME now, never the
 * server's environment (issue 14, M2).
 */
export function secretNameOf(value: unknown, legacy = false): string | null {
  if (typeof value !== 'string') return null;
  if (legacy && !value.startsWith('env:')) return null;
  const name = legacy ? value.slice(4) : value;
  return SECRET_NAME.test(name) ? name : null;
}

const fieldsByDef = new WeakMap<NodeDefinition, { field: string; legacy: boolean }[]>();

/** Top-level config fields of a node type that name a workspace secret: those with `x-widget: 'secret'`. */
export function secretFieldsOf(def: NodeDefinition): { field: string; legacy: boolean }[] {
  let fields = fieldsByDef.get(def);
  if (!fields) {
    const schema = z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { 'x-widget'?: unknown; 'x-secret-legacy'?: unknown }>;
    };
    fields = Object.entries(schema.properties ?? {})
      .filter(([, p]) => p['x-widget'] === 'secret')
      .map(([field, p]) => ({ field, legacy: p['x-secret-legacy'] === true }));
    fieldsByDef.set(def, fields);
  }
  return fields;
}

export interface SecretRef {
  nodeId: string;
  field: string;
  name: string;
}

/**
 * Every workspace secret a plan's nodes name, at the node type versions the plan was compiled with. Takes a plan
 * as stored (every plan format keeps `nodes` by id with type, typeVersion and config); anything else names nothing.
 */
export function secretRefsOfPlan(plan: unknown, registry: NodeRegistry): SecretRef[] {
  const nodes = (plan as { nodes?: unknown } | null)?.nodes;
  if (!nodes || typeof nodes !== 'object') return [];
  const refs: SecretRef[] = [];
  for (const [nodeId, node] of Object.entries(nodes as Record<string, Record<string, unknown> | null>)) {
    if (typeof node?.type !== 'string') continue;
    const def = registry.get(node.type, Number(node.typeVersion) || undefined) ?? registry.get(node.type);
    if (!def) continue;
    const config = (node.config ?? {}) as Record<string, unknown>;
    for (const { field, legacy } of secretFieldsOf(def)) {
      const name = secretNameOf(config[field], legacy);
      if (name) refs.push({ nodeId, field, name });
    }
  }
  return refs;
}

/** What a legacy secret field shows instead of the key it held. */
export const HIDDEN = '[hidden]';

/**
 * A stored version as an API answer shows it: legacy secret fields (webhook version 1) that held the key itself
 * show `[hidden]` in the document and the plan (issue 14, L2: they were returned to viewers). The stored version
 * is unchanged — runs on it still sign with the key.
 */
export function hideLegacySecrets<D, P>(
  document: D,
  plan: P,
  registry: NodeRegistry,
): { document: D; plan: P } {
  const hide = (type: unknown, version: unknown, config: unknown): unknown => {
    const def = typeof type === 'string' ? registry.get(type, Number(version) || undefined) : undefined;
    if (!def || !config || typeof config !== 'object') return config;
    const legacy = secretFieldsOf(def).filter((f) => f.legacy);
    if (!legacy.length) return config;
    const out = { ...(config as Record<string, unknown>) };
    for (const { field } of legacy)
      if (typeof out[field] === 'string' && secretNameOf(out[field], true) === null) out[field] = HIDDEN;
    return out;
  };
  const doc = document as { nodes?: { type?: unknown; version?: unknown; data?: unknown }[] };
  const p = plan as { nodes?: Record<string, { type?: unknown; typeVersion?: unknown; config?: unknown }> };
  return {
    document: Array.isArray(doc?.nodes)
      ? ({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, data: hide(n.type, n.version ?? 1, n.data) })) } as D)
      : document,
    plan:
      p?.nodes && typeof p.nodes === 'object'
        ? ({
            ...p,
            nodes: Object.fromEntries(
              Object.entries(p.nodes).map(([id, n]) => [
                id,
                { ...n, config: hide(n.type, n.typeVersion, n.config) },
              ]),
            ),
          } as P)
        : plan,
  };
}
