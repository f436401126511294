import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/database.js';

export async function findSealedCredentials(db: Kysely<Database>, workspaceId: string, channel: string) {
  return db
    .selectFrom('channel_credentials')
    .select(['sealed', 'fields', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .executeTakeFirst();
}

export async function listSealedCredentials(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('channel_credentials')
    .select(['channel', 'sealed', 'fields', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .execute();
}

export async function upsertSealedCredentials(
  db: Kysely<Database>,
  row: { workspaceId: string; channel: string; sealed: string; fields: string[] },
) {
  await db
    .insertInto('channel_credentials')
    .values({
      workspace_id: row.workspaceId,
      channel: row.channel,
      sealed: row.sealed,
      fields: JSON.stringify(row.fields),
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'channel']).doUpdateSet({
        sealed: row.sealed,
        fields: JSON.stringify(row.fields),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function deleteSealedCredentials(db: Kysely<Database>, workspaceId: string, channel: string) {
  const r = await db
    .deleteFrom('channel_credentials')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
