import { type Kysely, sql } from 'kysely';

/**
 * Ops find any member in one box (issue 19): by external id without case, by phone (all digits or the last
 * four), by name prefix (Chinese included) and by WeChat openid / WeCom external userid, which the channels
 * keep as member attributes. Each kind has its own index, led by the workspace, so a search at a million
 * members reads a handful of index pages. The expressions are written exactly as the search repository
 * (engine/members/member-search.repository.ts) writes them: Postgres uses an expression index only for the
 * same expression. btree `text_pattern_ops` serves `like 'prefix%'` under any collation; no extension is
 * needed (pg_trgm would need `create extension`, which a managed database may refuse).
 *
 * An erased member (个人信息保护法 request) keeps its row for the counts, marked `erased_at`; searches skip
 * it. `member_erasures` remembers that an external id was erased — as a SHA-256 of workspace and id, not
 * the id — so a retried erase answers "already erased" instead of 404, and the audit can name the request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').addColumn('erased_at', 'timestamptz').execute();
  await sql`create index members_external_lower_idx on members (workspace_id, lower(external_id) text_pattern_ops)`.execute(
    db,
  );
  await sql`create index members_phone_digits_idx on members (workspace_id, (regexp_replace(phone, '[^0-9]', '', 'g')))
    where phone is not null`.execute(db);
  await sql`create index members_phone_last4_idx on members (workspace_id, (right(regexp_replace(phone, '[^0-9]', '', 'g'), 4)))
    where phone is not null`.execute(db);
  await sql`create index members_name_prefix_idx on members (workspace_id, lower(name) text_pattern_ops)
    where name is not null`.execute(db);
  await sql`create index members_wechat_openid_idx on members (workspace_id, (attributes->>'wechat_openid'))
    where attributes ? 'wechat_openid'`.execute(db);
  await sql`create index members_wecom_userid_idx on members (workspace_id, (attributes->>'wecom_external_userid'))
    where attributes ? 'wecom_external_userid'`.execute(db);
  await db.schema
    .createTable('member_erasures')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('external_id_hash', 'text', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('runs_cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('erased_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('erased_by', 'text')
    .addPrimaryKeyConstraint('member_erasures_pk', ['workspace_id', 'external_id_hash'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_erasures').ifExists().execute();
  for (const idx of [
    'members_external_lower_idx',
    'members_phone_digits_idx',
    'members_phone_last4_idx',
    'members_name_prefix_idx',
    'members_wechat_openid_idx',
    'members_wecom_userid_idx',
  ])
    await db.schema.dropIndex(idx).ifExists().execute();
  await db.schema.alterTable('members').dropColumn('erased_at').execute();
}
