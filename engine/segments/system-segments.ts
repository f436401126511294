import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { ruleColumns, type SegmentRule } from './rules.js';

/**
 * Audiences every workspace gets on first start, so the lifecycle templates (activation, win-back) start
 * from what the product itself sees, not from events a CRM must send. Templates refer to them as
 * `"$segment:<key>"`.
 */
export const SYSTEM_SEGMENTS: { key: string; name: string; description: string; rule: SegmentRule }[] = [
  {
    key: 'registered_7d_no_order',
    name: '注册 7 天未下单',
    description: '注册满 7 天、从未下单（order_paid）的会员',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'registered', op: 'more_than_days_ago', days: 7 },
        { kind: 'last_event', event: 'order_paid', op: 'never' },
      ],
    },
  },
  {
    key: 'inactive_30d',
    name: '30 天未活跃',
    description: '注册满 30 天，最近 30 天既没打开 App 也没有下单的会员',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'registered', op: 'more_than_days_ago', days: 30 },
        { kind: 'last_event', event: 'app_open', op: 'none_within_days', days: 30 },
        { kind: 'last_event', event: 'order_paid', op: 'none_within_days', days: 30 },
      ],
    },
  },
  {
    key: 'no_order_90d',
    name: '90 天未购买',
    description: '下过单，但最近 90 天没有再下单的会员（流失召回）',
    rule: { kind: 'last_event', event: 'order_paid', op: 'more_than_days_ago', days: 90 },
  },
];

/** Create the workspace's system audiences that are missing (idempotent; a renamed one is left alone). */
export async function ensureSystemSegments(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<Map<string, string>> {
  for (const s of SYSTEM_SEGMENTS) {
    await db
      .insertInto('segments')
      .values({
        workspace_id: workspaceId,
        name: s.name,
        description: s.description,
        ...ruleColumns(s.rule),
        system_key: s.key,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const rows = await db
    .selectFrom('segments')
    .select(['id', 'system_key'])
    .where('workspace_id', '=', workspaceId)
    .where('system_key', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.system_key as string, r.id]));
}

/** Every workspace's system audiences (at start-up). */
export async function ensureAllSystemSegments(db: Kysely<Database>): Promise<void> {
  const workspaces = await db.selectFrom('workspaces').select('id').execute();
  for (const w of workspaces) await ensureSystemSegments(db, w.id);
}

/** A template's document with `"$segment:<key>"` replaced by the workspace's audience ids. */
export function resolveSegmentRefs<T>(document: T, ids: Map<string, string>): T {
  return JSON.parse(
    JSON.stringify(document).replace(/"\$segment:([a-z0-9_]+)"/g, (whole, key: string) =>
      ids.has(key) ? JSON.stringify(ids.get(key)) : whole,
    ),
  ) as T;
}
