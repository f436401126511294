import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** A node file or package that could not be loaded, or a type id defined twice: reported at start, never fatal. */
export interface NodeLoadProblem {
  /** the file or package it concerns */
  source: string;
  code: 'load_failed' | 'not_a_node' | 'duplicate_type' | 'package_invalid';
  message: string;
}

export class NodeRegistry {
  private readonly byKey = new Map<string, NodeDefinition>();
  private readonly latestByType = new Map<string, NodeDefinition>();
  /** what discovery could not load (shown by GET /api/node-types and logged at start) */
  readonly problems: NodeLoadProblem[];

  constructor(definitions: NodeDefinition[], problems: NodeLoadProblem[] = []) {
    this.problems = problems;
    for (const def of definitions) {
      const key = `${def.type}@${def.version}`;
      if (this.byKey.has(key)) throw new Error(`node type ${key} is defined twice`);
      this.byKey.set(key, def);
      const latest = this.latestByType.get(def.type);
      if (!latest || latest.version < def.version) this.latestByType.set(def.type, def);
    }
  }

  /** This registry plus more definitions (a test's own node types), e.g. `(await loadNodeRegistry()).with([myNode])`. */
  with(definitions: NodeDefinition[]): NodeRegistry {
    return new NodeRegistry([...this.byKey.values(), ...definitions], this.problems);
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

const NODE_FILE = /\.node\.(ts|mts|js|mjs)$/;

function nodeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : nodeFiles(path);
    return NODE_FILE.test(entry.name) && !/\.test\./.test(entry.name) ? [path] : [];
  });
}

/** Where node types come from; each source's files load in name order, sources in this order. */
export interface NodeSource {
  /** `built-in`, `nodes/` or `npm:<package>`: a type id belongs to the first source that defines it */
  name: string;
  files: string[];
}

export interface DiscoverOptions {
  /** the project whose `nodes/` folder and package.json dependencies are searched (default: cwd) */
  projectRoot?: string;
  /** the project's node folder (default `<projectRoot>/nodes`; YUTANG_NODES_DIR in main) */
  nodesDir?: string;
  /** look in the dependencies of `<projectRoot>/package.json` for `"yutang": { "nodes": [...] }` (default true) */
  packages?: boolean;
}

/**
 * The node sources of a project: the built-ins, its `nodes/` folder, and every dependency whose
 * package.json declares `"yutang": { "nodes": ["./dist/x.node.js"] }`. A package that cannot be read is a
 * problem of its own, not a failed start.
 */
export function nodeSources(opts: DiscoverOptions = {}): {
  sources: NodeSource[];
  problems: NodeLoadProblem[];
} {
  const root = resolve(opts.projectRoot ?? process.cwd());
  const sources: NodeSource[] = [{ name: 'built-in', files: nodeFiles(nodesDir).sort() }];
  const problems: NodeLoadProblem[] = [];
  const dir = resolve(root, opts.nodesDir ?? 'nodes');
  if (existsSync(dir) && statSync(dir).isDirectory() && dir !== nodesDir) {
    sources.push({ name: 'nodes/', files: nodeFiles(dir).sort() });
  } else if (opts.nodesDir) {
    problems.push({ source: dir, code: 'load_failed', message: `node folder ${dir} does not exist` });
  }
  if (opts.packages !== false) {
    const pkgPath = join(root, 'package.json');
    const pkg = existsSync(pkgPath) ? readJson(pkgPath) : null;
    const deps = Object.keys({ ...(pkg?.dependencies ?? {}), ...(pkg?.optionalDependencies ?? {}) }).sort();
    for (const dep of deps) {
      const depDir = join(root, 'node_modules', dep);
      const depPkg = existsSync(join(depDir, 'package.json')) ? readJson(join(depDir, 'package.json')) : null;
      const declared = (depPkg?.yutang as { nodes?: unknown } | undefined)?.nodes;
      if (declared === undefined) continue;
      if (!Array.isArray(declared) || !declared.every((f) => typeof f === 'string')) {
        problems.push({
          source: `npm:${dep}`,
          code: 'package_invalid',
          message: `${dep}/package.json: "yutang.nodes" must be a list of file paths`,
        });
        continue;
      }
      // a declared path stays inside its package: a package names its own files, nothing else on disk
      const files = declared.map((f) => resolve(depDir, f));
      const outside = files.find((f) => !f.startsWith(`${resolve(depDir)}/`));
      if (outside) {
        problems.push({
          source: `npm:${dep}`,
          code: 'package_invalid',
          message: `${dep}/package.json: "yutang.nodes" names ${outside}, outside the package`,
        });
        continue;
      }
      sources.push({ name: `npm:${dep}`, files });
    }
  }
  return { sources, problems };
}

function readJson(path: string): Record<string, any> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Import every node file of every source into one registry. A file that fails to load, exports no node
 * type, or defines a type id another source (or file) already has, is left out and reported in
 * `registry.problems`; the others load regardless. A type may have several versions (old ones kept for
 * running members) only within one source.
 */
export async function loadNodeSources(
  sources: NodeSource[],
  problems: NodeLoadProblem[] = [],
): Promise<NodeRegistry> {
  const defs: NodeDefinition[] = [];
  const owner = new Map<string, string>(); // type → source that defines it
  const keys = new Map<string, string>(); // type@version → file
  for (const source of sources) {
    for (const file of source.files) {
      let def: NodeDefinition | undefined;
      try {
        const mod = (await import(pathToFileURL(file).href)) as { default?: NodeDefinition };
        def = mod.default;
      } catch (err) {
        problems.push({ source: file, code: 'load_failed', message: `could not load: ${errorText(err)}` });
        continue;
      }
      if (!def || typeof def.type !== 'string' || typeof def.version !== 'number' || !def.config) {
        problems.push({
          source: file,
          code: 'not_a_node',
          message: 'a node file must `export default defineNode({ … })`',
        });
        continue;
      }
      const key = `${def.type}@${def.version}`;
      const first = owner.get(def.type);
      if ((first && first !== source.name) || keys.has(key)) {
        problems.push({
          source: file,
          code: 'duplicate_type',
          message: `node type "${def.type}" is already defined by ${keys.get(key) ?? first}; this file is ignored`,
        });
        continue;
      }
      owner.set(def.type, source.name);
      keys.set(key, file);
      defs.push(def);
    }
  }
  return new NodeRegistry(defs, problems);
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 500);
}

/**
 * Every `*.node.ts` under engine/nodes (built-in and `custom/`) is a node type: adding one is adding a file.
 * Extra folders can be passed in (tests); `discoverNodeRegistry` adds a project's folder and packages.
 */
export async function loadNodeRegistry(extraDirs: string[] = []): Promise<NodeRegistry> {
  const registry = await loadNodeSources([
    { name: 'built-in', files: nodeFiles(nodesDir).sort() },
    ...extraDirs.map((dir) => ({ name: dir, files: nodeFiles(dir).sort() })),
  ]);
  // Tests and tools load the built-ins: a broken one is a bug to stop at, not a plug-in to skip.
  const problem = registry.problems[0];
  if (problem) throw new Error(`${problem.source}: ${problem.message}`);
  return registry;
}

/** The registry the app starts with: built-ins, the project's `nodes/` folder and node packages. */
export async function discoverNodeRegistry(opts: DiscoverOptions = {}): Promise<NodeRegistry> {
  const { sources, problems } = nodeSources(opts);
  return loadNodeSources(sources, problems);
}
