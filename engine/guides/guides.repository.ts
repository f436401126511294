import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { type Page, paginate } from '../api/pagination.js';
import type { GuideMemberView, GuideView } from './guide-views.js';

// Guides and the members they own. Their tasks: guide-tasks.repository.ts.

type Db = Kysely<Database>;

const guideColumns = [
  'g.id',
  'g.name',
  'g.wecom_userid as wecomUserId',
  'g.store',
  'g.user_id as userId',
  'g.active',
  'g.created_at as createdAt',
] as const;

export async function listGuides(
  db: Db,
  workspaceId: string,
  filter: { active?: boolean; store?: string },
  page: Page,
) {
  let q = db.selectFrom('guides as g').select(guideColumns).where('g.workspace_id', '=', workspaceId);
  if (filter.active !== undefined) q = q.where('g.active', '=', filter.active);
  if (filter.store !== undefined) q = q.where('g.store', '=', filter.store);
  return paginate(q, { at: 'g.created_at', id: 'g.id' }, page);
}

export async function findGuide(db: Db, workspaceId: string, id: string): Promise<GuideView | null> {
  const row = await db
    .selectFrom('guides as g')
    .select(guideColumns)
    .where('g.workspace_id', '=', workspaceId)
    .where('g.id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

export interface GuideInput {
  name: string;
  wecomUserId: string;
  store?: string | null;
  userId?: string | null;
  active?: boolean;
}

export async function insertGuide(db: Db, workspaceId: string, input: GuideInput): Promise<GuideView> {
  const { id } = await db
    .insertInto('guides')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      wecom_userid: input.wecomUserId,
      store: input.store ?? null,
      user_id: input.userId ?? null,
      active: input.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findGuide(db, workspaceId, id))!;
}

export async function updateGuide(
  db: Db,
  workspaceId: string,
  id: string,
  input: Partial<GuideInput>,
): Promise<GuideView | null> {
  const set: Record<string, unknown> = { updated_at: sql`now()` };
  if (input.name !== undefined) set.name = input.name;
  if (input.wecomUserId !== undefined) set.wecom_userid = input.wecomUserId;
  if (input.store !== undefined) set.store = input.store;
  if (input.userId !== undefined) set.user_id = input.userId;
  if (input.active !== undefined) set.active = input.active;
  const row = await db
    .updateTable('guides')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row ? findGuide(db, workspaceId, id) : null;
}

/** The guide a signed-in user is in this workspace, or null. */
export async function guideIdOfUser(db: Db, workspaceId: string, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('guides')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Is `userId` a member of the workspace (a guide's account must be)? */
export async function isWorkspaceUser(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('workspace_members')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return !!row;
}

/** Guides of the workspace by id and by WeCom user id, for member upserts and imports that name one. */
export async function resolveGuideRefs(
  db: Db,
  workspaceId: string,
  refs: { ids: string[]; wecomUserIds: string[] },
): Promise<{ byId: Set<string>; byWecom: Map<string, string> }> {
  const byId = new Set<string>();
  const byWecom = new Map<string, string>();
  if (!refs.ids.length && !refs.wecomUserIds.length) return { byId, byWecom };
  const rows = await db
    .selectFrom('guides')
    .select(['id', 'wecom_userid'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(refs.ids.length ? [eb('id', 'in', refs.ids)] : []),
        ...(refs.wecomUserIds.length ? [eb('wecom_userid', 'in', refs.wecomUserIds)] : []),
      ]),
    )
    .execute();
  for (const r of rows) {
    if (refs.ids.includes(r.id)) byId.add(r.id);
    byWecom.set(r.wecom_userid, r.id);
  }
  return { byId, byWecom };
}

export async function setMemberGuides(db: Db, assignments: { memberId: string; guideId: string | null }[]) {
  if (!assignments.length) return;
  await sql`
    update members m set guide_id = a.guide_id::uuid, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(assignments.map((a) => ({ member_id: a.memberId, guide_id: a.guideId })))}::jsonb)
      as a(member_id uuid, guide_id text)
    where m.id = a.member_id`.execute(db);
}

/** The member's guide (if they have one), for the `guide.task` node. */
export async function memberGuide(db: Db, memberId: string) {
  const row = await db
    .selectFrom('members as m')
    .innerJoin('guides as g', 'g.id', 'm.guide_id')
    .select(['g.id', 'g.name', 'g.active', 'g.wecom_userid as wecomUserId'])
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  return row ?? null;
}

/** A guide of the workspace by WeCom user id (a node's fallback guide). */
export async function guideByWecomUserId(db: Db, workspaceId: string, wecomUserId: string) {
  const row = await db
    .selectFrom('guides as g')
    .select(['g.id', 'g.name', 'g.active', 'g.wecom_userid as wecomUserId'])
    .where('g.workspace_id', '=', workspaceId)
    .where('g.wecom_userid', '=', wecomUserId)
    .executeTakeFirst();
  return row ?? null;
}

/** Members a guide owns (all guides' when `guideId` is undefined), basic profile only. */
export async function listGuideMembers(
  db: Db,
  workspaceId: string,
  guideId: string | undefined,
  page: Page,
): Promise<{ items: GuideMemberView[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('members as m')
    .select(['m.id', 'm.external_id as externalId', 'm.name', 'm.phone'])
    .where('m.workspace_id', '=', workspaceId);
  q = guideId ? q.where('m.guide_id', '=', guideId) : q.where('m.guide_id', 'is not', null);
  const result = await paginate(q, { at: 'm.created_at', id: 'm.id' }, page);
  const ids = result.items.map((r) => r.id);
  const tags = ids.length
    ? await db
        .selectFrom('member_tags')
        .select(['member_id', 'tag'])
        .where('member_id', 'in', ids)
        .orderBy('tag')
        .execute()
    : [];
  return {
    items: result.items.map((r) => ({
      externalId: r.externalId,
      name: r.name,
      phone: r.phone,
      tags: tags.filter((t) => t.member_id === r.id).map((t) => t.tag),
    })),
    nextCursor: result.nextCursor,
  };
}
