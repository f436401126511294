import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../api/app-error.js';
import { PAYLOAD_MAX_BYTES } from '../api/validate.js';
import type { MemberSnapshot } from '../nodes/define-node.js';

export interface MemberPatch {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  timezone?: string | null;
  attributes?: Record<string, unknown>;
  consent?: Record<string, boolean>;
  /** replaces the member's tags when given */
  tags?: string[];
}

/** Members are created on first sight: an event for an unknown member id creates the member. */
export async function ensureMember(
  db: Kysely<Database>,
  workspaceId: string,
  externalId: string,
): Promise<string> {
  const inserted = await db
    .insertInto('members')
    .values({ workspace_id: workspaceId, external_id: externalId, attributes: '{}', consent: '{}' })
    .onConflict((oc) => oc.columns(['workspace_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The internal ids of many members by external id, creating those not seen before. Inserted in sorted order,
 * so two batches naming the same new members take their locks in the same order (no deadlock).
 */
export async function ensureMembers(
  db: Kysely<Database>,
  workspaceId: string,
  externalIds: string[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds)].sort();
  const ids = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 1000) {
    const chunk = wanted.slice(i, i + 1000);
    await db
      .insertInto('members')
      .values(
        chunk.map((external_id) => ({
          workspace_id: workspaceId,
          external_id,
          attributes: '{}',
          consent: '{}',
        })),
      )
      .onConflict((oc) => oc.columns(['workspace_id', 'external_id']).doNothing())
      .execute();
    const rows = await db
      .selectFrom('members')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', workspaceId)
      .where('external_id', 'in', chunk)
      .execute();
    for (const r of rows) ids.set(r.external_id, r.id);
  }
  return ids;
}

/** Create or update; attributes and consent merge into what is there, tags (when given) replace. */
export async function upsertMember(
  db: Kysely<Database>,
  workspaceId: string,
  externalId: string,
  patch: MemberPatch,
): Promise<string> {
  // inside the caller's transaction when given one (the audit record commits with the change)
  const inTransaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
    db.isTransaction ? fn(db) : db.transaction().execute(fn);
  return inTransaction(async (trx) => {
    const id = await ensureMember(trx, workspaceId, externalId);
    const set: Record<string, unknown> = { updated_at: sql`now()` };
    for (const key of ['name', 'phone', 'email', 'timezone'] as const)
      if (key in patch) set[key] = patch[key] ?? null;
    if (patch.attributes) {
      // merged here rather than with jsonb `||`, to hold the merged attributes to the same 32 KB limit
      const { attributes } = await trx
        .selectFrom('members')
        .select('attributes')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const merged = JSON.stringify({ ...attributes, ...patch.attributes });
      const bytes = Buffer.byteLength(merged);
      if (bytes > PAYLOAD_MAX_BYTES)
        throw new AppError(
          'invalid_input',
          `attributes: with the stored ones they would be ${bytes} bytes as JSON; at most ${PAYLOAD_MAX_BYTES}`,
          { field: 'attributes' },
        );
      set.attributes = merged;
    }
    if (patch.consent) set.consent = sql`consent || ${JSON.stringify(patch.consent)}::jsonb`;
    await trx.updateTable('members').set(set).where('id', '=', id).execute();
    if (patch.tags) {
      await trx.deleteFrom('member_tags').where('member_id', '=', id).execute();
      if (patch.tags.length) {
        await trx
          .insertInto('member_tags')
          .values([...new Set(patch.tags)].map((tag) => ({ workspace_id: workspaceId, member_id: id, tag })))
          .execute();
      }
    }
    return id;
  });
}

export async function findMemberIdByExternalId(
  db: Kysely<Database>,
  workspaceId: string,
  externalId: string,
) {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function memberSnapshot(db: Kysely<Database>, memberId: string): Promise<MemberSnapshot | null> {
  const row = await db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirst();
  if (!row) return null;
  const tags = await db
    .selectFrom('member_tags')
    .select('tag')
    .where('member_id', '=', memberId)
    .orderBy('tag')
    .execute();
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    timezone: row.timezone,
    attributes: row.attributes ?? {},
    consent: row.consent ?? {},
    tags: tags.map((t) => t.tag),
  };
}
