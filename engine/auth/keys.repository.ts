import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Scope } from './permissions.js';
import { scopePermissions } from './permissions.js';
import type { KeyPrincipal } from './principal.js';
import { KEY_PREFIX, newApiKey, tokenHash } from './tokens.js';

type Db = Kysely<Database>;
/** last_used_at is written at most this often per key (not on every event). */
const TOUCH_MS = 60_000;

/** A new key; its secret is returned here once and never stored. */
export async function createApiKey(
  db: Db,
  input: { workspaceId: string; name: string; scopes: Scope[]; createdBy: string | null },
) {
  const { key, prefix, hash } = newApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      prefix,
      key_hash: hash,
      scopes: [...new Set(input.scopes)],
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

export async function listApiKeys(db: Db, workspaceId: string) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.created_by')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.scopes',
      'u.email as createdBy',
      'k.created_at as createdAt',
      'k.last_used_at as lastUsedAt',
      'k.revoked_at as revokedAt',
    ])
    .where('k.workspace_id', '=', workspaceId)
    .orderBy('k.revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('k.created_at', 'desc')
    .execute();
}

export async function revokeApiKey(db: Db, workspaceId: string, id: string, by: string | null) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()`, revoked_by: by })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'name'])
    .executeTakeFirst();
}

/** The system behind a bearer key, or null for a key that is unknown or revoked. */
export async function keyPrincipal(db: Db, key: string): Promise<KeyPrincipal | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'workspace_id', 'scopes', 'last_used_at'])
    .where('key_hash', '=', tokenHash(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_MS) {
    await db.updateTable('api_keys').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  return {
    kind: 'key',
    keyId: row.id,
    name: row.name,
    workspaceId: row.workspace_id,
    scopes: row.scopes,
    permissions: scopePermissions(row.scopes),
  };
}
