import type { JourneyDocument } from '../compiler/document.schema.js';
import type { Problem } from '../compiler/problem.js';
import type { NodeDefinition } from './define-node.js';
import type { NodeRegistry } from './registry.js';

export type MigrateResult = { ok: true; config: Record<string, unknown> } | { ok: false; message: string };

/**
 * A config written for `from` brought to the definition's version through its `migrate` steps. Steps are
 * pure functions of the old config: the same document always migrates to the same config.
 */
export function migrateConfig(
  def: NodeDefinition,
  config: Record<string, unknown>,
  from: number,
): MigrateResult {
  if (from === def.version) return { ok: true, config };
  if (from > def.version) {
    return {
      ok: false,
      message: `this node was saved with version ${from} of "${def.type}", newer than the installed version ${def.version}`,
    };
  }
  let current = config;
  for (let v = from; v < def.version; v++) {
    const step = def.migrate?.[v];
    if (!step) {
      return {
        ok: false,
        message: `"${def.type}" cannot bring a version ${v} config up to version ${v + 1} (no migrate step)`,
      };
    }
    try {
      current = step(structuredClone(current));
    } catch (err) {
      return {
        ok: false,
        message: `migrating "${def.type}" from version ${v}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
  return { ok: true, config: current };
}

/**
 * Every node of a document at its type's installed version: configs of older versions migrated, each node
 * stamped with the version its config now has. A node without a version is taken as written for the
 * installed one (clients that do not know versions; stored documents were stamped by migration 0014).
 * Unknown types and failed migrations are left as they are and reported.
 */
export function migrateDocument(
  doc: JourneyDocument,
  registry: NodeRegistry,
): { document: JourneyDocument; problems: Problem[]; changed: boolean } {
  const problems: Problem[] = [];
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    const def = registry.get(node.type);
    if (!def) return node;
    const from = node.version ?? def.version;
    if (from === def.version) {
      if (node.version === undefined) changed = true;
      return node.version === undefined ? { ...node, version: def.version } : node;
    }
    const result = migrateConfig(def, (node.data ?? {}) as Record<string, unknown>, from);
    if (!result.ok) {
      problems.push({ nodeId: node.id, code: 'node_version', message: result.message });
      return node;
    }
    changed = true;
    return { ...node, version: def.version, data: result.config };
  });
  return { document: changed ? { ...doc, nodes } : doc, problems, changed };
}
