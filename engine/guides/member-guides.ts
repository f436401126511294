import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { safeText } from '../api/validate.js';
import type { MemberGuideView } from './guide-views.js';
import { resolveGuideRefs, setMemberGuides } from './guides.repository.js';

/**
 * The fields a member upsert or import names its owning guide with: the guide's id, or their WeCom user id
 * (what a brand's CRM export has). `null` clears the guide; leaving both out keeps it.
 */
export const memberGuideFields = {
  guideId: z.uuid().nullable().optional(),
  guideWecomUserId: safeText(64, { min: 1, trim: true, line: true }).nullable().optional(),
};

export interface GuideRef {
  guideId?: string | null;
  guideWecomUserId?: string | null;
}

export interface GuideRefProblem {
  index: number;
  field: 'guideId' | 'guideWecomUserId';
  message: string;
}

/**
 * Each row's guide, as a guide id (null: clear; absent: the row names no guide), and the rows that name
 * a guide this workspace does not have.
 */
export async function resolveMemberGuides(
  db: Kysely<Database>,
  workspaceId: string,
  rows: GuideRef[],
): Promise<{ guides: (string | null | undefined)[]; problems: GuideRefProblem[] }> {
  const refs = await resolveGuideRefs(db, workspaceId, {
    ids: [...new Set(rows.flatMap((r) => (r.guideId ? [r.guideId] : [])))],
    wecomUserIds: [...new Set(rows.flatMap((r) => (r.guideWecomUserId ? [r.guideWecomUserId] : [])))],
  });
  const problems: GuideRefProblem[] = [];
  const guides = rows.map((r, index) => {
    if (r.guideId !== undefined && r.guideWecomUserId !== undefined) {
      problems.push({
        index,
        field: 'guideWecomUserId',
        message: 'name the guide by guideId or guideWecomUserId, not both',
      });
      return undefined;
    }
    if (r.guideId !== undefined) {
      if (r.guideId !== null && !refs.byId.has(r.guideId)) {
        problems.push({ index, field: 'guideId', message: 'no such guide in this workspace' });
        return undefined;
      }
      return r.guideId;
    }
    if (r.guideWecomUserId !== undefined) {
      if (r.guideWecomUserId === null) return null;
      const id = refs.byWecom.get(r.guideWecomUserId);
      if (!id)
        problems.push({ index, field: 'guideWecomUserId', message: 'no guide with this WeCom user id' });
      return id;
    }
    return undefined;
  });
  return { guides, problems };
}

/** Give members their guides (inside the caller's transaction); rows with `undefined` are left as they are. */
export async function assignMemberGuides(
  trx: Kysely<Database>,
  assignments: { memberId: string; guideId: string | null | undefined }[],
) {
  await setMemberGuides(
    trx,
    assignments.flatMap((a) =>
      a.guideId === undefined ? [] : [{ memberId: a.memberId, guideId: a.guideId }],
    ),
  );
}

/** The member's guide as the member API shows it. */
export async function memberGuideView(
  db: Kysely<Database>,
  memberId: string,
): Promise<MemberGuideView | null> {
  const row = await db
    .selectFrom('members as m')
    .innerJoin('guides as g', 'g.id', 'm.guide_id')
    .select(['g.id', 'g.name', 'g.wecom_userid as wecomUserId', 'g.store', 'g.active'])
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  return row ?? null;
}
