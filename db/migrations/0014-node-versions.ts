import { type Kysely, sql } from 'kysely';

/**
 * Journey documents now store each node's type version (a later version bump migrates older configs).
 * Every node type was at version 1 until now, so nodes saved without one are stamped 1 — in drafts and in
 * published versions alike, which keeps the "unpublished changes" comparison of the two exact.
 */
const stamp = (column: string) => sql`jsonb_set(${sql.ref(column)}, '{nodes}', coalesce((
  select jsonb_agg(case when n ? 'version' then n else n || '{"version":1}'::jsonb end order by i)
  from jsonb_array_elements(${sql.ref(column)}->'nodes') with ordinality as t(n, i)
), '[]'::jsonb))`;

const hasNodes = (column: string) => sql<boolean>`jsonb_typeof(${sql.ref(column)}->'nodes') = 'array'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('journeys')
    .set({ draft: stamp('draft') })
    .where(hasNodes('draft'))
    .execute();
  await db
    .updateTable('journey_versions')
    .set({ document: stamp('document') })
    .where(hasNodes('document'))
    .execute();
}

/** Version 1 is what a node without a version meant before: nothing to undo. */
export async function down(_db: Kysely<any>): Promise<void> {}
