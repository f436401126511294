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
  /** attribute keys removed after the merge (an edit that takes an attribute away) */
  unsetAttributes?: string[];
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
    if (patch.attributes || patch.unsetAttributes?.length) {
      // merged here rather than with jsonb `||`, to hold the merged attributes to the same 32 KB limit
      const { attributes } = await trx
        .selectFrom('members')
        .select('attributes')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const next: Record<string, unknown> = { ...attributes, ...patch.attributes };
      for (const key of patch.unsetAttributes ?? []) delete next[key];
      const merged = JSON.stringify(next);
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

/** The member's id; with `live`, null for an erased member (whose runs and counts stay under `deleted-<id>`). */
export async function findMemberIdByExternalId(
  db: Kysely<Database>,
  workspaceId: string,
  externalId: string,
  opts: { live?: boolean } = {},
) {
  let q = db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId);
  if (opts.live) q = q.where('erased_at', 'is', null);
  const row = await q.executeTakeFirst();
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

export interface MemberImportRow extends MemberPatch {
  /** the brand's member id */
  id: string;
  /** when they registered with the brand (counts for "registered N days ago" audiences) */
  registeredAt?: Date;
}

/**
 * Rows of an import whose attributes, merged with the stored ones, would pass the limit a single update is
 * held to: the import refuses just those rows.
 */
export async function oversizedAttributeMerges(
  db: Kysely<Database>,
  workspaceId: string,
  rows: { id: string; attributes?: Record<string, unknown> }[],
): Promise<Set<string>> {
  const withAttributes = rows.filter((r) => r.attributes && Object.keys(r.attributes).length);
  if (!withAttributes.length) return new Set();
  const { rows: tooBig } = await sql<{ id: string }>`
    select r.id from jsonb_to_recordset(${JSON.stringify(withAttributes.map((r) => ({ id: r.id, attributes: r.attributes })))}::jsonb)
      as r(id text, attributes jsonb)
    join members m on m.workspace_id = ${workspaceId} and m.external_id = r.id
    where octet_length((m.attributes || r.attributes)::text) > ${PAYLOAD_MAX_BYTES}`.execute(db);
  return new Set(tooBig.map((r) => r.id));
}

/**
 * Create or update many members in one statement (a brand bringing its members): fields given replace
 * (an import does not clear a field: leave it out), attributes and consent merge, tags (when given)
 * replace. Inside the caller's transaction. Returns the members' ids by external id.
 */
export async function upsertMembers(
  trx: Kysely<Database>,
  workspaceId: string,
  rows: MemberImportRow[],
): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  // One row per member id (the last one given wins, as sequential upserts would): Postgres refuses to
  // update a row twice in one statement.
  const byId = new Map<string, MemberImportRow>();
  for (const r of rows) byId.set(r.id, { ...byId.get(r.id), ...r });
  const input = [...byId.values()].map((r) => ({
    id: r.id,
    name: r.name ?? null,
    phone: r.phone ?? null,
    email: r.email ?? null,
    timezone: r.timezone ?? null,
    attributes: r.attributes ?? {},
    consent: r.consent ?? {},
    registered_at: r.registeredAt?.toISOString() ?? null,
  }));
  const { rows: ids } = await sql<{ id: string; external_id: string }>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as r(
        id text, name text, phone text, email text, timezone text, attributes jsonb, consent jsonb, registered_at timestamptz)
    )
    insert into members (workspace_id, external_id, name, phone, email, timezone, attributes, consent, created_at)
    select ${workspaceId}, id, name, phone, email, timezone, attributes, consent, coalesce(registered_at, now()) from input
    on conflict (workspace_id, external_id) do update set
      name = coalesce(excluded.name, members.name),
      phone = coalesce(excluded.phone, members.phone),
      email = coalesce(excluded.email, members.email),
      timezone = coalesce(excluded.timezone, members.timezone),
      attributes = members.attributes || excluded.attributes,
      consent = members.consent || excluded.consent,
      created_at = case when (select i.registered_at from input i where i.id = excluded.external_id) is not null
        then excluded.created_at else members.created_at end,
      updated_at = now()
    returning id, external_id`.execute(trx);
  const idOf = new Map(ids.map((r) => [r.external_id, r.id]));
  const withTags = [...byId.values()].filter((r) => r.tags);
  if (withTags.length) {
    await trx
      .deleteFrom('member_tags')
      .where(
        'member_id',
        'in',
        withTags.map((r) => idOf.get(r.id)!),
      )
      .execute();
    const tagRows = withTags.flatMap((r) =>
      [...new Set(r.tags)].map((tag) => ({ workspace_id: workspaceId, member_id: idOf.get(r.id)!, tag })),
    );
    for (let i = 0; i < tagRows.length; i += 5000)
      await trx
        .insertInto('member_tags')
        .values(tagRows.slice(i, i + 5000))
        .execute();
  }
  return idOf;
}

/**
 * A data-rights request: the member's personal data goes — profile, contacts, tags, events, audience
 * stays, SDK device links, message addresses and texts — and their id is replaced, so nothing ties the remaining counts
 * (runs, sends, coupons) to the person. Inside the caller's transaction; their runs are cancelled first
 * by the caller.
 */
export async function eraseMember(trx: Kysely<Database>, memberId: string): Promise<void> {
  await trx
    .updateTable('members')
    .set({
      external_id: sql`'deleted-' || id`,
      name: null,
      phone: null,
      email: null,
      timezone: null,
      attributes: '{}',
      consent: '{}',
      guide_id: null,
      updated_at: sql`now()`,
      erased_at: sql`coalesce(erased_at, now())`,
    })
    .where('id', '=', memberId)
    .execute();
  await trx.deleteFrom('member_tags').where('member_id', '=', memberId).execute();
  await trx.deleteFrom('events').where('member_id', '=', memberId).execute();
  await trx.deleteFrom('member_event_stats').where('member_id', '=', memberId).execute();
  await trx.deleteFrom('segment_members').where('member_id', '=', memberId).execute();
  // identifiers other systems know the person by (SDK anonymous ids): a later event under one makes a new member
  await trx.deleteFrom('member_identities').where('member_id', '=', memberId).execute();
  // the SDK device ids linked to them (Segment anonymousId, Sensors cookie ids) identify the person too
  await trx.deleteFrom('member_identities').where('member_id', '=', memberId).execute();
  await trx
    .updateTable('messages')
    .set({ to_address: null, title: null, body: '[erased]' })
    .where('member_id', '=', memberId)
    .execute();
  // a guide's notes and scripts are about the person (a script may carry their name); the tasks themselves
  // stay for the guides' figures, and so do the reminders, without their text
  await trx
    .updateTable('guide_tasks')
    .set({ note: null, script: '' })
    .where('member_id', '=', memberId)
    .execute();
  await trx
    .updateTable('guide_reminders')
    .set({ text: '[erased]' })
    .where('task_id', 'in', trx.selectFrom('guide_tasks').select('id').where('member_id', '=', memberId))
    .execute();
}
