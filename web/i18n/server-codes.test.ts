import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_STATUSES } from '../../db/tables/event.table';
import { GUIDE_TASK_STATUSES } from '../../db/tables/guide.table';
import { JOURNEY_STATUSES } from '../../db/tables/journey.table';
import { DELIVERY_STATUSES, MESSAGE_STATUSES } from '../../db/tables/message.table';
import { BROADCAST_STATUSES } from '../../db/tables/segment.table';
import { createApi } from '../../engine/api/app';
import type { AppDeps } from '../../engine/api/deps';
import { documentedRoutes } from '../../engine/api/openapi';
import { DIRECT_AUDIT_ACTIONS } from '../../engine/auth/audit-actions';
import { ROLES } from '../../engine/auth/permissions';
import { SKIP_REASONS } from '../../engine/guard/skip-reasons';
import { loadNodeRegistry } from '../../engine/nodes/registry';
import { RUN_STATUSES } from '../../workflows/core/interpreter';
import en from './en.json';
import zh from './zh.json';

const root = join(import.meta.dirname, '../..');

/** The words at a dotted key, or undefined. */
function at(dict: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as any)[k] : undefined), dict);
}

/** Keys (of `codes` under `prefix`) that zh or en has no words for. */
function missing(prefix: string, codes: readonly string[], key = (c: string) => c): string[] {
  return codes.flatMap((c) =>
    (['zh', 'en'] as const).flatMap((lang) => {
      const words = at(lang === 'zh' ? zh : en, `${prefix}.${key(c)}`);
      return typeof words === 'string' && words.trim() ? [] : [`${lang}: ${prefix}.${key(c)}`];
    }),
  );
}

/** Non-test TypeScript files of the server folders. */
function serverSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : serverSources(path);
    return e.name.endsWith('.ts') && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}
const sources = ['engine', 'workflows'].flatMap((d) => serverSources(join(root, d)));
const literals = (re: RegExp) =>
  [...new Set(sources.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(re)].map((m) => m[1])))].sort();

/**
 * Every code the server sends that the UI shows — audit actions, skip reasons, statuses, roles — has zh and
 * en words. A new code without them fails here, not on a marketer's screen as `guide_task.complete`.
 */
describe('server codes have words in both languages', () => {
  it('audit actions: every route’s and every direct write’s (the audit page shows them)', async () => {
    // building the app registers every route's documented entry; nothing is called
    createApi({ db: {}, temporal: {}, registry: await loadNodeRegistry() } as unknown as AppDeps);
    const routeActions = documentedRoutes().flatMap((r) => (typeof r.audit === 'string' ? [r.audit] : []));
    expect(routeActions).toContain('guide_task.complete');
    expect(routeActions).toContain('segment.create');
    const actions = [...new Set([...routeActions, ...DIRECT_AUDIT_ACTIONS])];
    // the audit page's key: the first dot becomes _ (coupon_template.create → coupon_template_create)
    expect(missing('audit.action', actions, (a) => a.replace('.', '_'))).toEqual([]);
  });

  it('every audit action written directly is on the list above', () => {
    expect(
      literals(/\baction: '([a-z_]+\.[a-z_.]+)'/g).filter(
        (a) => !(DIRECT_AUDIT_ACTIONS as readonly string[]).includes(a),
      ),
    ).toEqual([]);
  });

  it('skip and deferral reasons (runs, outbox, simulator)', () => {
    expect(missing('reason', SKIP_REASONS)).toEqual([]);
    // every skip the server code decides (a guard's, a node's, a provider's) is on the list
    const named = literals(
      /(?:kind: '(?:skip|defer)',\s*reason|\bskip|output: '\w+', detail: \{ reason): '([a-z_]+)'/g,
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((r) => !(SKIP_REASONS as readonly string[]).includes(r))).toEqual([]);
  });

  it('why a run ended (the runs page and the simulator say it)', () => {
    const written = literals(/(?:exit_reason: |finish\('\w+', )'([a-z_]+)'/g);
    expect(written).toContain('end_of_path');
    const known = ['goal', 'exit_node', 'cancelled_by_ops', 'cancelled'];
    expect(missing('exitReason', [...new Set([...written, ...known])])).toEqual([]);
  });

  it('statuses: runs, journeys, events, messages, deliveries, guide tasks, broadcasts', () => {
    expect(missing('runStatus', RUN_STATUSES)).toEqual([]);
    expect(missing('status', JOURNEY_STATUSES)).toEqual([]);
    expect(missing('delivery.status', EVENT_STATUSES)).toEqual([]);
    expect(missing('msgStatus', MESSAGE_STATUSES)).toEqual([]);
    expect(missing('deliveryStatus', DELIVERY_STATUSES)).toEqual([]);
    expect(missing('guide.status', GUIDE_TASK_STATUSES)).toEqual([]);
    expect(missing('broadcast.status', BROADCAST_STATUSES)).toEqual([]);
  });

  it('roles, with what each may do', () => {
    expect(missing('role', ROLES, (r) => `${r}.name`)).toEqual([]);
    expect(missing('role', ROLES, (r) => `${r}.what`)).toEqual([]);
  });
});
