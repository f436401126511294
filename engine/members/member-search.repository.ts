import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { likePrefix, type SearchKind, searchPlan } from './search-plan.js';

/** At most this many members per kind; more is said, not listed (ops narrow the search). */
export const SEARCH_LIMIT = 20;

export interface MemberMatch {
  id: string;
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** how the text matched this member, in the order the kinds were tried */
  matchedBy: SearchKind[];
  updatedAt: Date;
}

export interface MemberSearchResult {
  query: string;
  kinds: SearchKind[];
  members: MemberMatch[];
  /** a kind had more matches than were listed */
  more: boolean;
}

/*
 * Each condition is written exactly as its index in db/migrations/0020-member-search.ts: Postgres matches
 * an expression index by the expression's text.
 */
const PHONE_DIGITS = sql`regexp_replace(phone, '[^0-9]', '', 'g')`;

function condition(kind: SearchKind, text: string, digits: string | null) {
  switch (kind) {
    case 'external_id':
      return sql`lower(external_id) = lower(${text})`;
    case 'phone':
      return sql`phone is not null and ${PHONE_DIGITS} in (${digits}, ${`86${digits}`})`;
    case 'phone_last4':
      return sql`phone is not null and right(${PHONE_DIGITS}, 4) = ${digits}`;
    case 'name':
      return sql`name is not null and lower(name) like ${likePrefix(text.toLowerCase())}`;
    case 'wechat_openid':
      return sql`attributes ? 'wechat_openid' and attributes->>'wechat_openid' = ${text}`;
    case 'wecom_external_userid':
      return sql`attributes ? 'wecom_external_userid' and attributes->>'wecom_external_userid' = ${text}`;
  }
}

/**
 * One search, one statement: a branch per kind the text can be (see search-plan.ts), each an index lookup
 * limited to SEARCH_LIMIT + 1 rows, then the members they found. Erased members are never found.
 */
export async function searchMembers(
  db: Kysely<Database>,
  workspaceId: string,
  input: string,
): Promise<MemberSearchResult> {
  const plan = searchPlan(input);
  // each branch reads the row it found from its index scan (no second lookup by id)
  const branches = plan.kinds.map(
    (
      kind,
      order,
    ) => sql`(select id, ${kind}::text as kind, ${order}::int as ord, external_id, name, phone, email,
        updated_at from members
      where workspace_id = ${workspaceId} and erased_at is null and ${condition(kind, plan.text, plan.digits)}
      limit ${SEARCH_LIMIT + 1})`,
  );
  const { rows } = await sql<{
    id: string;
    kind: SearchKind;
    ord: number;
    external_id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    updated_at: Date;
  }>`${sql.join(branches, sql` union all `)} order by ord, name nulls last, external_id`.execute(db);
  const perKind = new Map<SearchKind, number>();
  const byId = new Map<string, MemberMatch>();
  for (const r of rows) {
    const n = (perKind.get(r.kind) ?? 0) + 1;
    perKind.set(r.kind, n);
    if (n > SEARCH_LIMIT) continue;
    const seen = byId.get(r.id);
    if (seen) {
      if (!seen.matchedBy.includes(r.kind)) seen.matchedBy.push(r.kind);
      continue;
    }
    byId.set(r.id, {
      id: r.id,
      externalId: r.external_id,
      name: r.name,
      phone: r.phone,
      email: r.email,
      matchedBy: [r.kind],
      updatedAt: r.updated_at,
    });
  }
  return {
    query: plan.text,
    kinds: plan.kinds,
    members: [...byId.values()],
    more: [...perKind.values()].some((n) => n > SEARCH_LIMIT),
  };
}
