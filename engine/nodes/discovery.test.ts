import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverNodeRegistry, type NodeRegistry } from './registry.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const nodeFile = (type: string, extra = '') => `import { defineNode, z } from 'yutang/sdk';
${extra}
export default defineNode({
  type: '${type}',
  version: 1,
  category: 'action',
  title: { zh: '${type}', en: '${type}' },
  description: { zh: '', en: '' },
  icon: 'ApiOutlined',
  color: '#000000',
  config: z.object({ n: z.number().default(1) }),
  defaults: { n: 1 },
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '', en: '' },
  async run() {
    return { output: 'next' };
  },
});
`;

/**
 * A brand's project as a developer lays it out: node files in nodes/, a dependency that declares nodes in
 * its package.json, and Yutang itself installed as `yutang` (here a link to this repository).
 */
describe('node discovery', () => {
  let project: string;
  let registry: NodeRegistry;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'yutang-discovery-'));
    mkdirSync(join(project, 'nodes', 'loyalty'), { recursive: true });
    mkdirSync(join(project, 'node_modules', 'acme-nodes', 'dist'), { recursive: true });
    mkdirSync(join(project, 'node_modules', 'bad-nodes'), { recursive: true });
    symlinkSync(repoRoot, join(project, 'node_modules', 'yutang'), 'dir');
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ dependencies: { 'acme-nodes': '1.0.0', 'bad-nodes': '1.0.0', yutang: '*' } }),
    );
    writeFileSync(join(project, 'nodes', 'good.node.ts'), nodeFile('acme.good'));
    writeFileSync(join(project, 'nodes', 'loyalty', 'nested.node.ts'), nodeFile('acme.nested'));
    writeFileSync(join(project, 'nodes', 'broken.node.ts'), `${nodeFile('acme.broken')}\nexport const x = ;`);
    writeFileSync(
      join(project, 'nodes', 'throws.node.ts'),
      nodeFile('acme.throws', "throw new Error('no API key');"),
    );
    writeFileSync(join(project, 'nodes', 'tag.node.ts'), nodeFile('tag'));
    writeFileSync(join(project, 'nodes', 'plain.node.ts'), 'export const nothing = 1;');
    writeFileSync(join(project, 'nodes', 'helper.ts'), 'throw new Error("not a node file: never imported");');
    writeFileSync(
      join(project, 'node_modules', 'acme-nodes', 'package.json'),
      JSON.stringify({ name: 'acme-nodes', type: 'module', yutang: { nodes: ['./dist/crm.node.mjs'] } }),
    );
    // A package's compiled file. The test runner loads node_modules with plain Node (no TypeScript), so this
    // one takes zod directly rather than the SDK's .ts entry; under the app (tsx) `yutang/sdk` works as well.
    symlinkSync(join(repoRoot, 'node_modules', 'zod'), join(project, 'node_modules', 'zod'), 'dir');
    writeFileSync(
      join(project, 'node_modules', 'acme-nodes', 'dist', 'crm.node.mjs'),
      nodeFile('acme.crm').replace(
        "import { defineNode, z } from 'yutang/sdk';",
        "import { z } from 'zod';\nconst defineNode = (d) => d;",
      ),
    );
    writeFileSync(
      join(project, 'node_modules', 'bad-nodes', 'package.json'),
      JSON.stringify({ name: 'bad-nodes', yutang: { nodes: ['../../nodes/good.node.ts'] } }),
    );
    registry = await discoverNodeRegistry({ projectRoot: project });
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('loads built-ins, the nodes/ folder (nested too) and packages that declare nodes', () => {
    const types = registry.latest().map((d) => d.type);
    expect(types).toEqual(
      expect.arrayContaining(['tag', 'webhook', 'points', 'acme.good', 'acme.nested', 'acme.crm']),
    );
    expect(registry.describe().find((t) => t.type === 'acme.good')).toMatchObject({ category: 'action' });
  });

  it('reports a broken file, a throwing one, a non-node, a duplicate id and a bad package; the rest still load', () => {
    const byFile = Object.fromEntries(
      registry.problems.map((p) => [p.source.replace(`${project}/`, ''), `${p.code}: ${p.message}`]),
    );
    expect(byFile).toEqual({
      'nodes/broken.node.ts': expect.stringMatching(/^load_failed: could not load/),
      'nodes/throws.node.ts': expect.stringMatching(/^load_failed: .*no API key/),
      'nodes/plain.node.ts': expect.stringMatching(/^not_a_node/),
      'nodes/tag.node.ts': expect.stringMatching(/^duplicate_type: node type "tag" is already defined/),
      'npm:bad-nodes': expect.stringMatching(/^package_invalid: .*outside the package/),
    });
    // the built-in keeps its id: a plug-in cannot take it over
    expect(registry.get('tag')?.title.en).not.toBe('tag');
  });

  it('reports a YUTANG_NODES_DIR that does not exist', async () => {
    const r = await discoverNodeRegistry({ projectRoot: project, nodesDir: 'missing', packages: false });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'load_failed', message: expect.stringMatching(/does not exist/) }),
    ]);
    expect(r.get('webhook')).toBeDefined();
  });
});
