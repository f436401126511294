import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AccountTokenPurpose } from '../../db/tables/account.table.js';
import { randomToken, tokenHash } from './tokens.js';

type Db = Kysely<Database>;

/** A new link token for an account's address; only its hash is stored. */
export async function createAccountToken(
  db: Db,
  input: {
    purpose: AccountTokenPurpose;
    userId: string;
    email: string;
    workspaceId: string;
    invitationId: string | null;
    validMs: number;
  },
): Promise<string> {
  const token = randomToken();
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: tokenHash(token),
      purpose: input.purpose,
      user_id: input.userId,
      email: input.email,
      workspace_id: input.workspaceId,
      invitation_id: input.invitationId,
      expires_at: new Date(Date.now() + input.validMs),
    })
    .execute();
  return token;
}

/**
 * The open token (unused, not expired, still for the account's current address and — for a reset — made after
 * the last password change), with the account's email and the name of the workspace whose mail carried it.
 * `forUpdate`: locked until the transaction ends, so that two uses of one link make one.
 */
export async function findOpenAccountToken(
  db: Db,
  token: string,
  purpose: AccountTokenPurpose,
  opts: { forUpdate?: boolean } = {},
) {
  return db
    .selectFrom('account_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .innerJoin('workspaces as w', 'w.id', 't.workspace_id')
    .select([
      't.id',
      't.user_id',
      't.workspace_id',
      't.invitation_id',
      'u.email',
      'u.name',
      'w.name as workspace_name',
    ])
    .where('t.token_hash', '=', tokenHash(token))
    .where('t.purpose', '=', purpose)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .whereRef('t.email', '=', 'u.email')
    .$if(purpose === 'reset_password', (q) => q.whereRef('t.created_at', '>=', 'u.password_changed_at'))
    .$if(!!opts.forUpdate, (q) => q.forUpdate('t'))
    .executeTakeFirst();
}

export async function markAccountTokenUsed(db: Db, id: string): Promise<void> {
  await db.updateTable('account_tokens').set({ used_at: sql`now()` }).where('id', '=', id).execute();
}

/** After a reset: every other reset link of the account is void (one read off a relay included). */
export async function voidResetTokens(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .execute();
}
