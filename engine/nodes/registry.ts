import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Localized, NodeDefinition, NodeOutput } from './define-node.js';

/** What `GET /api/node-types` serves for one node type: everything the canvas needs to draw and edit it. */
export interface NodeTypeInfo {
  type: string;
  version: number;
  category: NodeDefinition['category'];
  /** palette position within the category */
  order: number;
  title: Localized;
  description: Localized;
  icon: string;
  color: string;
  configSchema: Record<string, unknown>;
  defaults: Record<string, unknown>;
  outputs: NodeOutput[];
  dynamicOutputs: { from: string; id: string; label: string; extra: NodeOutput[] } | null;
  summary: Localized;
}

export class NodeRegistry {
  private readonly byKey = new Map<string, NodeDefinition>();
  private readonly latestByType = new Map<string, NodeDefinition>();

  constructor(definitions: NodeDefinition[]) {
    for (const def of definitions) {
      const key = `${def.type}@${def.version}`;
      if (this.byKey.has(key)) throw new Error(`node type ${key} is defined twice`);
      this.byKey.set(key, def);
      const latest = this.latestByType.get(def.type);
      if (!latest || latest.version < def.version) this.latestByType.set(def.type, def);
    }
  }

  /** The definition of a type: a given version (what a run started with), else the latest. */
  get(type: string, version?: number): NodeDefinition | undefined {
    return version === undefined ? this.latestByType.get(type) : this.byKey.get(`${type}@${version}`);
  }

  getOrThrow(type: string, version?: number): NodeDefinition {
    const def = this.get(type, version);
    if (!def) throw new Error(`unknown node type ${type}${version ? `@${version}` : ''}`);
    return def;
  }

  latest(): NodeDefinition[] {
    return [...this.latestByType.values()];
  }

  /** The outputs of a node with this config: static ones, or one per item of a config array. */
  outputsOf(def: NodeDefinition, config: Record<string, unknown>): NodeOutput[] {
    if (Array.isArray(def.outputs)) return def.outputs;
    const { from, id, label, extra = [] } = def.outputs;
    const items = Array.isArray(config[from]) ? (config[from] as Record<string, unknown>[]) : [];
    const dynamic = items
      .filter((item) => typeof item?.[id] === 'string')
      .map((item) => {
        const text = String(item[label] ?? item[id]);
        return { id: String(item[id]), label: { zh: text, en: text } };
      });
    return [...dynamic, ...extra];
  }

  describe(): NodeTypeInfo[] {
    const group = { trigger: 0, flow: 1, action: 2 };
    const order = (d: NodeDefinition) => d.order ?? 1000;
    return this.latest()
      .sort(
        (a, b) =>
          group[a.category] - group[b.category] ||
          order(a) - order(b) ||
          a.title.en.localeCompare(b.title.en),
      )
      .map((def) => ({
        type: def.type,
        version: def.version,
        category: def.category,
        order: order(def),
        title: def.title,
        description: def.description,
        icon: def.icon,
        color: def.color,
        configSchema: z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as Record<
          string,
          unknown
        >,
        defaults: def.defaults as Record<string, unknown>,
        outputs: Array.isArray(def.outputs) ? def.outputs : [],
        dynamicOutputs: Array.isArray(def.outputs) ? null : { extra: [], ...def.outputs },
        summary: def.summary,
      }));
  }
}

const nodesDir = dirname(fileURLToPath(import.meta.url));

function nodeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return nodeFiles(path);
    return /\.node\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Every `*.node.ts` under engine/nodes (built-in and `custom/`) is a node type: adding one is adding a file.
 * Extra folders (e.g. a brand's own plug-ins) can be passed in.
 */
export async function loadNodeRegistry(extraDirs: string[] = []): Promise<NodeRegistry> {
  const files = [nodesDir, ...extraDirs].flatMap(nodeFiles).sort();
  const defs: NodeDefinition[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as { default?: NodeDefinition };
    if (!mod.default?.type) throw new Error(`${file} must default-export defineNode({...})`);
    defs.push(mod.default);
  }
  return new NodeRegistry(defs);
}
