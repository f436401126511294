import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { hashPassword } from './password.js';
import { isRole, type Role } from './permissions.js';
import { randomToken, tokenHash } from './tokens.js';

type Db = Kysely<Database>;

export async function anyUserExists(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !!row;
}

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A new account; the email must be normalised (trimmed, lower case) by the caller's schema. */
export async function createUser(db: Db, input: { email: string; name: string; password: string }) {
  const password_hash = await hashPassword(input.password);
  return db
    .insertInto('users')
    .values({ email: input.email, name: input.name, password_hash })
    .returning(['id', 'email', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function setPassword(db: Db, userId: string, password: string): Promise<void> {
  const password_hash = await hashPassword(password);
  await db
    .updateTable('users')
    .set({ password_hash, password_changed_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

/**
 * The workspaces a user may work in, with their role in each, oldest membership first. A suspended membership
 * (the password was reset through another workspace's mail) is left out until the address is proven there.
 */
export async function workspacesOf(db: Db, userId: string) {
  const rows = await db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'm.role', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .where('m.suspended_at', 'is', null)
    .orderBy('m.created_at')
    .orderBy('w.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: isRole(r.role) ? r.role : null }));
}

/** The user's suspended memberships: workspaces waiting for the address to be proven through their own mail. */
export async function suspendedWorkspacesOf(db: Db, userId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name'])
    .where('m.user_id', '=', userId)
    .where('m.suspended_at', 'is not', null)
    .orderBy('m.created_at')
    .orderBy('w.id')
    .execute();
}

/**
 * The user's role in the workspace, suspended or not (what admins manage); `{ active: true }` only when the
 * membership lets them in now.
 */
export async function roleIn(
  db: Db,
  workspaceId: string,
  userId: string,
  opts: { active?: boolean } = {},
): Promise<Role | null> {
  const row = await db
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .$if(!!opts.active, (q) => q.where('suspended_at', 'is', null))
    .executeTakeFirst();
  return row && isRole(row.role) ? row.role : null;
}

/** Whether the user has ever proven the address by a link mailed to it (through any workspace's mail). */
export async function emailVerified(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('email_verified_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!row?.email_verified_at;
}

/**
 * The address of the user is proven to `workspaceId` (a link mailed through that workspace's mail was used): the
 * membership there is lifted from suspension and marked proven, and the workspace's open invitations of that
 * address may be accepted by this account.
 */
export async function proveAddress(
  db: Db,
  input: { userId: string; email: string; workspaceId: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: sql`now()` })
    .where('id', '=', input.userId)
    .execute();
  await db
    .updateTable('workspace_members')
    .set({ email_proven_at: sql`now()`, suspended_at: null })
    .where('user_id', '=', input.userId)
    .where('workspace_id', '=', input.workspaceId)
    .execute();
  await db
    .updateTable('invitations')
    .set({ email_proven_at: sql`now()` })
    .where('workspace_id', '=', input.workspaceId)
    .where('email', '=', input.email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
}

/**
 * Suspends the user's memberships other than `exceptWorkspaceId` (a password reset through that workspace's mail:
 * its admins could have read the link, so it proves nothing to the others). Returns the workspaces suspended now.
 */
export async function suspendOtherMemberships(db: Db, userId: string, exceptWorkspaceId: string) {
  const rows = await db
    .updateTable('workspace_members')
    .set({ suspended_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('workspace_id', '!=', exceptWorkspaceId)
    .where('suspended_at', 'is', null)
    .returning('workspace_id')
    .execute();
  return rows.map((r) => r.workspace_id);
}

/** Adds the user to the workspace, or changes their role there. */
export async function putMember(
  db: Db,
  input: { workspaceId: string; userId: string; role: Role; invitedBy: string | null },
): Promise<void> {
  await db
    .insertInto('workspace_members')
    .values({
      workspace_id: input.workspaceId,
      user_id: input.userId,
      role: input.role,
      invited_by: input.invitedBy,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: input.role }))
    .execute();
}

export async function listMembers(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at', 'm.suspended_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    joinedAt: r.created_at,
    suspended: r.suspended_at !== null,
  }));
}

/**
 * Admins of the workspace, locked until the transaction ends: two admins demoting each other at the same
 * moment cannot leave the workspace with none.
 */
export async function lockAdmins(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('workspace_members')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .forUpdate()
    .execute();
  return rows.map((r) => r.user_id);
}

export async function removeMember(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function createInvitation(
  db: Db,
  input: { workspaceId: string; email: string; role: Role; invitedBy: string | null; validMs: number },
) {
  const token = randomToken();
  const row = await db
    .insertInto('invitations')
    .values({
      token_hash: tokenHash(token),
      workspace_id: input.workspaceId,
      email: input.email,
      role: input.role,
      invited_by: input.invitedBy,
      expires_at: new Date(Date.now() + input.validMs),
    })
    .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { token, invitation: row };
}

/** An invitation that can still be accepted, with its workspace's name. */
export async function findOpenInvitation(db: Db, token: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .select([
      'i.id',
      'i.workspace_id',
      'i.email',
      'i.role',
      'i.invited_by',
      'i.email_proven_at',
      'w.name as workspace_name',
    ])
    .where('i.token_hash', '=', tokenHash(token))
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function listOpenInvitations(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.email', 'i.role', 'i.created_at', 'i.expires_at', 'u.email as invited_by'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
    .orderBy('i.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    invitedBy: r.invited_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  }));
}
