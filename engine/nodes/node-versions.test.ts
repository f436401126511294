import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { edge, node } from '../testing/documents.js';
import { defineNode } from './define-node.js';
import { migrateConfig, migrateDocument } from './migrate-config.js';
import { loadNodeRegistry, type NodeRegistry } from './registry.js';

const common = {
  type: 'acme.greet',
  category: 'action' as const,
  title: { zh: '问候', en: 'Greet' },
  description: { zh: '', en: '' },
  icon: 'SmileOutlined',
  color: '#000000',
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '', en: '' },
};

// v1 said hello in one string; v2 split it into a greeting and a channel; v3 renamed `greeting` to `text`.
const v1 = defineNode({
  ...common,
  version: 1,
  config: z.object({ hello: z.string() }),
  defaults: { hello: '' },
  run: async () => ({ output: 'next', detail: { ran: 1 } }),
});
const v3 = defineNode({
  ...common,
  version: 3,
  config: z.object({ text: z.string().min(1), channel: z.enum(['sms', 'email']) }),
  defaults: { text: '', channel: 'sms' },
  migrate: {
    1: (c) => ({ greeting: c.hello, channel: 'sms' }),
    2: ({ greeting, ...rest }) => ({ ...rest, text: greeting }),
  },
  run: async () => ({ output: 'next', detail: { ran: 3 } }),
});

const doc = (version: number | undefined, data: Record<string, unknown>): JourneyDocument => ({
  nodes: [
    node('t', 'trigger.event', { event: 'signed_up' }),
    { ...node('g', 'acme.greet', data, 100), ...(version ? { version } : {}) },
    node('end', 'exit', {}, 200),
  ],
  edges: [edge('t', 'g'), edge('g', 'end')],
});

describe('node type versions', () => {
  let registry: NodeRegistry;
  beforeAll(async () => {
    registry = (await loadNodeRegistry()).with([v1, v3]);
  });

  it('migrates a config step by step to the installed version', () => {
    expect(migrateConfig(v3, { hello: '你好' }, 1)).toEqual({
      ok: true,
      config: { text: '你好', channel: 'sms' },
    });
    expect(migrateConfig(v3, { greeting: 'hi', channel: 'email' }, 2)).toEqual({
      ok: true,
      config: { text: 'hi', channel: 'email' },
    });
    expect(migrateConfig(v3, { text: 'x', channel: 'sms' }, 3)).toEqual({
      ok: true,
      config: { text: 'x', channel: 'sms' },
    });
    expect(migrateConfig(v3, {}, 4)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/newer than the installed/),
    });
  });

  it('the registry serves the latest version and keeps older ones for running members', () => {
    expect(registry.get('acme.greet')?.version).toBe(3);
    expect(registry.get('acme.greet', 1)).toBe(v1);
    expect(registry.describe().filter((t) => t.type === 'acme.greet')).toHaveLength(1);
  });

  it('opening an old journey migrates its node and stamps the version', () => {
    const { document, problems, changed } = migrateDocument(doc(1, { hello: '欢迎' }), registry);
    expect(problems).toEqual([]);
    expect(changed).toBe(true);
    expect(document.nodes.find((n) => n.id === 'g')).toMatchObject({
      version: 3,
      data: { text: '欢迎', channel: 'sms' },
    });
    // nodes without a version are taken as today's and stamped
    expect(
      migrateDocument(doc(undefined, { text: 'a', channel: 'sms' }), registry).document.nodes[0].version,
    ).toBe(1);
  });

  it('publishing an old journey compiles the migrated config at the new version', () => {
    const result = compileJourney(doc(1, { hello: '欢迎' }), registry);
    expect(result.errors).toEqual([]);
    expect(result.plan?.nodes.g).toMatchObject({ typeVersion: 3, config: { text: '欢迎', channel: 'sms' } });
  });

  it('a node saved by a newer version, or a failing migration, is a problem of that node', () => {
    const newer = compileJourney(doc(7, { text: 'x', channel: 'sms' }), registry);
    expect(newer.errors).toContainEqual(expect.objectContaining({ nodeId: 'g', code: 'node_version' }));
    const broken = defineNode({
      ...common,
      type: 'acme.broken',
      version: 2,
      config: z.object({ a: z.string() }),
      defaults: {},
      migrate: {
        1: () => {
          throw new Error('cannot read the old shape');
        },
      },
      run: async () => ({ output: 'next' }),
    });
    const r = compileJourney(
      {
        ...doc(1, {}),
        nodes: [
          ...doc(1, {}).nodes.filter((n) => n.id !== 'g'),
          { ...node('g', 'acme.broken', {}), version: 1 },
        ],
      },
      registry.with([broken]),
    );
    expect(r.errors).toContainEqual(
      expect.objectContaining({
        nodeId: 'g',
        code: 'node_version',
        message: expect.stringMatching(/cannot read the old shape/),
      }),
    );
  });

  it('refuses a definition whose migrate steps have a gap', () => {
    expect(() => defineNode({ ...v3, migrate: { 1: (c) => c } })).toThrow(/no step from version 2 to 3/);
  });
});
