import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { publishedJourneys } from '../repositories/journey.repository.js';

/** The list settings show: names and who/when, never the sealed value. */
export async function listSecretRows(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('workspace_secrets')
    .select(['name', 'created_at', 'created_by_name', 'updated_at', 'updated_by_name'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

/** The sealed value, for the worker that opens it (and for nothing an API returns). */
export async function findSealedSecret(db: Kysely<Database>, workspaceId: string, name: string) {
  const row = await db
    .selectFrom('workspace_secrets')
    .select('sealed')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.sealed ?? null;
}

/** Which of `names` the workspace has. */
export async function existingSecretNames(db: Kysely<Database>, workspaceId: string, names: string[]) {
  if (!names.length) return new Set<string>();
  const rows = await db
    .selectFrom('workspace_secrets')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('name', 'in', names)
    .execute();
  return new Set(rows.map((r) => r.name));
}

/** Create or replace; answers whether it was created. */
export async function upsertSecret(
  db: Kysely<Database>,
  row: { workspaceId: string; name: string; sealed: string; by: string | null; byName: string | null },
): Promise<{ created: boolean }> {
  const done = await db
    .insertInto('workspace_secrets')
    .values({
      workspace_id: row.workspaceId,
      name: row.name,
      sealed: row.sealed,
      created_by: row.by,
      created_by_name: row.byName,
      updated_by: row.by,
      updated_by_name: row.byName,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'name']).doUpdateSet({
        sealed: row.sealed,
        updated_at: sql`now()`,
        updated_by: row.by,
        updated_by_name: row.byName,
      }),
    )
    // xmax is 0 for a row this statement inserted, the updating transaction's id for one it updated
    .returning(sql<boolean>`xmax = 0`.as('created'))
    .executeTakeFirstOrThrow();
  return { created: done.created };
}

export async function deleteSecretRow(db: Kysely<Database>, workspaceId: string, name: string) {
  const r = await db
    .deleteFrom('workspace_secrets')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Published journeys (active or paused) whose current version's plan mentions `name` anywhere (`"crm_signing"`,
 * or `"env:CRM_KEY"` in a version-1 webhook node) — the candidates; the service keeps those whose nodes really name
 * it in a secret field.
 */
export async function journeysMentioning(db: Kysely<Database>, workspaceId: string, name: string) {
  return publishedJourneys(db)
    .select(['j.id', 'j.name', 'v.plan'])
    .where('j.workspace_id', '=', workspaceId)
    .where('j.status', 'in', ['active', 'paused'])
    .where(sql<boolean>`strpos(v.plan::text, ${name}) > 0`)
    .orderBy('j.name')
    .execute();
}
