import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';

type Db = Kysely<Database>;

export interface TagCount {
  tag: string;
  members: number;
}

/** Every tag members hold, with how many hold it (an index-only scan of member_tags (workspace_id, tag)). */
export async function listTagCounts(db: Db, workspaceId: string, limit = 2000): Promise<TagCount[]> {
  const rows = await db
    .selectFrom('member_tags')
    .select(['tag', sql<number>`count(*)::int`.as('members')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('tag')
    .orderBy('tag')
    .limit(limit)
    .execute();
  return rows;
}

export async function countTagMembers(db: Db, workspaceId: string, tag: string): Promise<number> {
  const r = await db
    .selectFrom('member_tags')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .executeTakeFirstOrThrow();
  return r.n;
}

export interface TagUsers {
  journeys: { id: string; name: string }[];
  audiences: { id: string; name: string }[];
}

/**
 * The journeys (draft or live version, not archived) and audiences whose document or rule holds the tag as a
 * string value anywhere: a tag node, a branch or exit condition, a rule. Erring towards "used" is the safe side
 * for a delete (an event named like the tag also counts).
 */
export async function tagUsers(db: Db, workspaceId: string, tag: string): Promise<TagUsers> {
  const vars = sql`jsonb_build_object('tag', ${tag}::text)`;
  const holds = (col: string) =>
    sql<boolean>`jsonb_path_exists(${sql.ref(col)}, '$.** ? (@ == $tag)', ${vars})`;
  const [journeys, audiences] = await Promise.all([
    db
      .selectFrom('journeys as j')
      .leftJoin('journey_versions as v', (join) =>
        join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
      )
      .select(['j.id', 'j.name'])
      .where('j.workspace_id', '=', workspaceId)
      .where('j.status', '!=', 'archived')
      .where((eb) =>
        eb.or([holds('j.draft'), eb.and([eb('v.version', 'is not', null), holds('v.document')])]),
      )
      .orderBy('j.name')
      .limit(50)
      .execute(),
    db
      .selectFrom('segments')
      .select(['id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where(holds('rule'))
      .orderBy('name')
      .limit(50)
      .execute(),
  ]);
  return { journeys, audiences };
}

/**
 * Every member holding one of `from` holds `into` afterwards (rename is a merge into a new name); the `from`
 * tags are gone. Returns the members whose tags changed.
 */
export async function mergeTags(
  trx: Db,
  workspaceId: string,
  from: string[],
  into: string,
): Promise<string[]> {
  const sources = from.filter((t) => t !== into);
  if (!sources.length) return [];
  const moved = await trx
    .deleteFrom('member_tags')
    .where('workspace_id', '=', workspaceId)
    .where('tag', 'in', sources)
    .returning('member_id')
    .execute();
  const members = [...new Set(moved.map((r) => r.member_id))];
  for (let i = 0; i < members.length; i += 5000) {
    const chunk = members.slice(i, i + 5000);
    await trx
      .insertInto('member_tags')
      .values(chunk.map((member_id) => ({ workspace_id: workspaceId, member_id, tag: into })))
      .onConflict((oc) => oc.columns(['member_id', 'tag']).doNothing())
      .execute();
  }
  return members;
}

/** Take the tag off every member who has it; returns those members. */
export async function removeTag(trx: Db, workspaceId: string, tag: string): Promise<string[]> {
  const rows = await trx
    .deleteFrom('member_tags')
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .returning('member_id')
    .execute();
  return rows.map((r) => r.member_id);
}

export interface EventNameCount {
  name: string;
  count: number;
  lastAt: Date;
}

/** Event names the workspace has received, most frequent first, from the rollup the events trigger keeps. */
export async function listEventNameCounts(
  db: Db,
  workspaceId: string,
  limit = 500,
): Promise<EventNameCount[]> {
  return db
    .selectFrom('event_name_counts')
    .select(['name', sql<number>`sum(n)::bigint`.as('count'), sql<Date>`max(last_at)`.as('lastAt')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('name')
    .orderBy(sql`sum(n)`, 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
