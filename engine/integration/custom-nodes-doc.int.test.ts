import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from '../testing/app-process.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The example of docs/custom-nodes.md: the code block under `<!-- example: <path> -->`, as written. */
function docExample(): { path: string; code: string } {
  const doc = readFileSync(join(repoRoot, 'docs/custom-nodes.md'), 'utf8');
  const m = /<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)\n```/.exec(doc);
  if (!m) throw new Error('docs/custom-nodes.md has no example block');
  return { path: m[1], code: `${m[2]}\n` };
}

/**
 * docs/custom-nodes.md, followed literally: the example file dropped into a project's nodes/ folder, the app
 * restarted (the real process entry), the node type served, a journey with it published, and its effect
 * exactly once per member although every step's activity fails twice after the effect
 * (YUTANG_FAIL_AFTER_EFFECT: as if the worker died right after the write).
 */
describe('docs/custom-nodes.md', () => {
  let stack: Stack;
  let app: AppProcess | undefined;
  let project: string;
  const members = ['doc-a', 'doc-b', 'doc-c'];

  const env = () => ({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    YUTANG_AUDIENCE_PASS_SECONDS: '3600',
    YUTANG_NODES_DIR: join(project, 'nodes'),
    YUTANG_FAIL_AFTER_EFFECT: 'acme.stamp:2',
  });
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${app!.baseUrl}/api${path}`, {
      method,
      headers: stack.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    // A brand's project: a nodes/ folder, and Yutang installed as the `yutang` package (a link to this repo).
    project = mkdtempSync(join(tmpdir(), 'yutang-doc-'));
    mkdirSync(join(project, 'nodes'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(repoRoot, join(project, 'node_modules', 'yutang'), 'dir');
  });
  afterAll(async () => {
    await app?.stop(5000);
    await stack?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  it('a node file dropped into nodes/ is served after a restart, and runs once per member through retries', async () => {
    app = await startAppProcess({ mode: 'all', env: env() });
    const before = await api('GET', '/node-types');
    expect(before.nodeTypes.map((t: { type: string }) => t.type)).not.toContain('acme.stamp');
    await app.stop(5000);

    const example = docExample();
    expect(example.path).toMatch(/^nodes\//);
    writeFileSync(join(project, example.path), example.code);
    // A broken file and one that takes a built-in's id beside it: reported, and the example still loads.
    writeFileSync(join(project, 'nodes', 'broken.node.ts'), 'export default {');
    writeFileSync(
      join(project, 'nodes', 'copycat.node.ts'),
      example.code.replace("type: 'acme.stamp'", "type: 'tag'"),
    );
    app = await startAppProcess({ mode: 'all', env: env() });

    const after = await api('GET', '/node-types');
    const stamp = after.nodeTypes.find((t: { type: string }) => t.type === 'acme.stamp');
    expect(stamp).toMatchObject({
      version: 1,
      category: 'action',
      title: { zh: '集点卡盖章', en: 'Stamp the card' },
      outputs: [{ id: 'next' }, { id: 'full' }],
      defaults: { cardSize: 10 },
    });
    expect(stamp.configSchema.properties.cardSize['x-label']).toEqual({
      zh: '集满章数',
      en: 'Stamps per card',
    });
    expect(after.problems).toEqual([
      expect.objectContaining({ source: expect.stringMatching(/broken\.node\.ts$/), code: 'load_failed' }),
      expect.objectContaining({
        source: expect.stringMatching(/copycat\.node\.ts$/),
        code: 'duplicate_type',
      }),
    ]);
    expect(app.lines().filter((l) => String(l.msg).startsWith('node type not loaded'))).toHaveLength(2);
    expect(basename(example.path)).toBe('stamp-card.node.ts');

    const journey = await api('POST', '/journeys', {
      name: '集点卡',
      document: {
        nodes: [
          node('visit', 'trigger.event', { event: 'store_visit' }),
          node('stamp', 'acme.stamp', { cardSize: 10 }, 100),
          node('end', 'exit', {}, 200),
        ],
        edges: [edge('visit', 'stamp'), edge('stamp', 'end', 'next'), edge('stamp', 'end', 'full')],
      },
    });
    await api('POST', `/journeys/${journey.id}/publish`, {});
    for (const m of members) {
      await api('PUT', `/members/${m}`, { name: m });
      await api('POST', '/events', { memberId: m, name: 'store_visit', id: `visit-${m}` });
    }

    const runs = await eventually(
      async () => {
        const rows = await stack.db
          .selectFrom('runs')
          .select(['id', 'status', 'error'])
          .where('journey_id', '=', journey.id)
          .execute();
        return rows.length === members.length && rows.every((r) => r.status === 'completed') && rows;
      },
      120_000,
      'every run to complete',
    );

    // Each member: one stamp, although each step's activity failed twice after stamping.
    const stamped = await stack.db
      .selectFrom('members')
      .select(['external_id', sql<number>`(attributes->>'stamps')::int`.as('stamps')])
      .where('workspace_id', '=', stack.workspaceId)
      .where('external_id', 'in', members)
      .orderBy('external_id')
      .execute();
    expect(stamped).toEqual(members.map((m) => ({ external_id: m, stamps: 1 })));
    const steps = await stack.db
      .selectFrom('run_steps')
      .select(['output', 'detail'])
      .where(
        'run_id',
        'in',
        runs.map((r) => r.id),
      )
      .where('node_id', '=', 'stamp')
      .execute();
    expect(steps).toHaveLength(members.length);
    for (const s of steps) expect(s).toMatchObject({ output: 'next', detail: { stamps: 1 } });
    const failures = app
      .lines()
      .filter(
        (l) =>
          l.msg === 'activity failed' &&
          l.nodeType === 'acme.stamp' &&
          /injected failure/.test(l.error?.message),
      );
    expect(failures.map((l) => l.attempt).sort()).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('the example type-checks against the SDK (config typed from its schema)', async () => {
    const example = docExample();
    const dir = mkdtempSync(join(tmpdir(), 'yutang-doc-types-'));
    try {
      mkdirSync(join(dir, 'nodes'));
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(repoRoot, join(dir, 'node_modules', 'yutang'), 'dir');
      writeFileSync(join(dir, example.path), example.code);
      // the same code with a type error: proves the check sees the SDK's types, not `any`
      writeFileSync(
        join(dir, 'nodes', 'wrong.node.ts'),
        example.code.replace('stamps >= config.cardSize', 'stamps >= config.cardSize.length'),
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(repoRoot, 'tsconfig.json'),
          include: ['nodes'],
          compilerOptions: { types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')] },
        }),
      );
      const tsc = join(repoRoot, 'node_modules/.bin/tsc');
      const result = await promisify(execFile)(tsc, ['--noEmit', '-p', dir]).catch((err) => err);
      const lines = String(result.stdout ?? '')
        .trim()
        .split('\n');
      expect(lines).toEqual([
        expect.stringMatching(/nodes\/wrong\.node\.ts.*Property 'length' does not exist on type 'number'/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
