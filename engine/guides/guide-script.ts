import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { CouponKind } from '../../db/tables/coupon.table.js';
import { maskContacts } from '../auth/mask.js';
import { couponWords } from '../coupons/coupon-words.js';
import type { MemberSnapshot } from '../nodes/define-node.js';
import { renderTemplate } from '../render/template.js';
import type { GuideTaskView } from './guide-views.js';

type Db = Kysely<Database>;

/**
 * What a guide task's script (话术) may name, the message scope plus the guide:
 * `{{member.name}}`, `{{member.attributes.city}}`, `{{coupon.code}}` (the coupon the run issued before the task,
 * as a message after a 发优惠券 node sees it), `{{guide.name}}`, `{{guide.store}}`.
 */
export interface GuideScriptScope {
  member: MemberSnapshot;
  guide: { name: string; store: string | null };
  coupon: RunCoupon | null;
}

export interface RunCoupon {
  code: string;
  kind: CouponKind;
  value: number;
  threshold: number | null;
  /** 「满 199 减 20」, 「8 折」: the same `{{coupon.words}}` a message renders */
  words: string;
  expiresAt: string | null;
  templateId: string;
  name: string;
}

/**
 * The script as the guide reads it, rendered with the messages' renderer (engine/render/template.ts).
 *
 * Rendered when shown, not when the task is made: the guide sees the member as they are now (a name corrected
 * since, an erased member's data gone) and as the viewer may see them — a caller without `members.pii` gets the
 * member masked before rendering (`{{member.phone}}` → `139****5678`), since the answer's own masking works on
 * JSON keys and cannot see into a sentence. The task row keeps only the template: no personal data is copied
 * into it.
 */
export function renderGuideScript(
  template: string,
  scope: GuideScriptScope,
  mask: { personalAttributes: readonly string[] } | null,
): string {
  const member = mask
    ? (maskContacts(scope.member, mask.personalAttributes) as MemberSnapshot)
    : scope.member;
  return renderTemplate(template, { member, guide: scope.guide, coupon: scope.coupon });
}

/** The tasks with `script` rendered for this viewer (`scriptTemplate` keeps the text as written). */
export async function withRenderedScripts(
  db: Db,
  workspaceId: string,
  tasks: GuideTaskView[],
  mask: { personalAttributes: readonly string[] } | null,
): Promise<GuideTaskView[]> {
  const needs = tasks.filter((t) => t.scriptTemplate.includes('{{'));
  if (needs.length === 0) return tasks.map((t) => ({ ...t, script: t.scriptTemplate }));
  const [members, coupons] = await Promise.all([
    membersByExternalId(
      db,
      workspaceId,
      needs.map((t) => t.member.externalId),
    ),
    runCoupons(db, needs),
  ]);
  return tasks.map((t) => {
    const member = members.get(t.member.externalId);
    if (!member || !t.scriptTemplate.includes('{{')) return { ...t, script: t.scriptTemplate };
    const scope = {
      member,
      guide: { name: t.guide.name, store: t.guide.store },
      coupon: coupons.get(t.id) ?? null,
    };
    return { ...t, script: renderGuideScript(t.scriptTemplate, scope, mask) };
  });
}

async function membersByExternalId(
  db: Db,
  workspaceId: string,
  externalIds: string[],
): Promise<Map<string, MemberSnapshot>> {
  const rows = await db
    .selectFrom('members')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', [...new Set(externalIds)])
    .execute();
  const tags = rows.length
    ? await db
        .selectFrom('member_tags')
        .select(['member_id', 'tag'])
        .where(
          'member_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('tag')
        .execute()
    : [];
  const tagsOf = new Map<string, string[]>();
  for (const t of tags) tagsOf.set(t.member_id, [...(tagsOf.get(t.member_id) ?? []), t.tag]);
  return new Map(
    rows.map((r) => [
      r.external_id,
      {
        id: r.id,
        externalId: r.external_id,
        name: r.name,
        phone: r.phone,
        email: r.email,
        timezone: r.timezone,
        attributes: r.attributes ?? {},
        consent: r.consent ?? {},
        tags: tagsOf.get(r.id) ?? [],
      },
    ]),
  );
}

/**
 * Per task, the coupon its run issued last before the task was made — what `{{coupon.code}}` meant to a
 * message at that point of the journey.
 */
async function runCoupons(db: Db, tasks: GuideTaskView[]): Promise<Map<string, RunCoupon>> {
  const runIds = [...new Set(tasks.flatMap((t) => (t.runId ? [t.runId] : [])))];
  if (runIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('coupons as c')
    .innerJoin('coupon_templates as ct', 'ct.id', 'c.template_id')
    .select([
      'c.run_id',
      'c.code',
      'c.issued_at',
      'c.expires_at',
      'ct.id as templateId',
      'ct.kind',
      'ct.value',
      'ct.threshold',
      'ct.name',
    ])
    .where('c.run_id', 'in', runIds)
    .orderBy('c.issued_at', 'desc')
    .execute();
  const out = new Map<string, RunCoupon>();
  for (const t of tasks) {
    const c = rows.find((r) => r.run_id === t.runId && r.issued_at.getTime() <= t.createdAt.getTime());
    if (c)
      out.set(t.id, {
        code: c.code,
        kind: c.kind,
        value: c.value,
        threshold: c.threshold,
        words: couponWords(c),
        expiresAt: c.expires_at ? c.expires_at.toISOString() : null,
        templateId: c.templateId,
        name: c.name,
      });
  }
  return out;
}
