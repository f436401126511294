import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AuthConfig } from './auth-config.js';
import { forwarded } from './forwarded.js';
import { isRole, rolePermissions } from './permissions.js';
import type { UserPrincipal } from './principal.js';
import { randomToken, tokenHash } from './tokens.js';

type Db = Kysely<Database>;

/** `__Host-` binds the cookie to this exact origin (HTTPS only, no Domain, Path=/). */
const SECURE_COOKIE = '__Host-yutang_session';
const PLAIN_COOKIE = 'yutang_session';
/** last_seen_at is written at most this often per session (not on every request). */
const TOUCH_MS = 60_000;

/**
 * A new session for the user. A person has at most `sessionsPerUser` live sessions: signing in beyond that ends
 * the least recently used ones (counted under a lock on the user, so sign-ins at the same moment keep the cap).
 */
export async function createSession(
  db: Db,
  config: AuthConfig,
  input: { userId: string; workspaceId: string | null; ip: string | null; userAgent: string | null },
) {
  const token = randomToken();
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('users').select('id').where('id', '=', input.userId).forNoKeyUpdate().execute();
    const row = await trx
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: input.userId,
        workspace_id: input.workspaceId,
        expires_at: new Date(Date.now() + config.sessionMaxMs),
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .returning(['id', 'expires_at'])
      .executeTakeFirstOrThrow();
    const over = await trx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', 'in', (qb) =>
        live(qb.selectFrom('sessions').select('id'), config, input.userId)
          .orderBy('last_seen_at', 'desc')
          .orderBy('created_at', 'desc')
          .offset(config.sessionsPerUser),
      )
      .executeTakeFirst();
    return { token, id: row.id, expiresAt: row.expires_at, sessionsEnded: Number(over.numUpdatedRows) };
  });
}

/** Sessions of the user that still let someone in: not revoked, not past their maximum age, not idle too long. */
function live<Q extends SelectQueryBuilder<Database, 'sessions', any>>(
  q: Q,
  config: AuthConfig,
  userId: string,
): Q {
  return q
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where(
      'last_seen_at',
      '>',
      sql<Date>`now() - make_interval(secs => ${config.sessionIdleMs / 1000})`,
    ) as Q;
}

/**
 * The user behind a session token, with their role in the session's workspace — read on every request,
 * so a changed role or a removal applies at once. Null when the session is unknown, revoked, expired, or
 * unused for longer than the idle limit.
 */
export async function sessionPrincipal(
  db: Db,
  config: AuthConfig,
  token: string,
): Promise<UserPrincipal | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    // a suspended membership gives no role: the address must be proven to that workspace first
    .leftJoin('workspace_members as m', (j) =>
      j
        .onRef('m.user_id', '=', 's.user_id')
        .onRef('m.workspace_id', '=', 's.workspace_id')
        .on('m.suspended_at', 'is', null),
    )
    .select(['s.id', 's.user_id', 's.workspace_id', 's.last_seen_at', 'u.email', 'u.name', 'm.role'])
    .where('s.token_hash', '=', tokenHash(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${config.sessionIdleMs / 1000})`)
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_MS) {
    await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  const role = isRole(row.role) ? row.role : null;
  return {
    kind: 'user',
    userId: row.user_id,
    email: row.email,
    name: row.name,
    sessionId: row.id,
    workspaceId: role ? row.workspace_id : null,
    role,
    permissions: rolePermissions(role),
  };
}

export async function setSessionWorkspace(db: Db, sessionId: string, workspaceId: string): Promise<void> {
  await db.updateTable('sessions').set({ workspace_id: workspaceId }).where('id', '=', sessionId).execute();
}

/** Ends one session of the user (sign-out, or "sign out that device"). */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const res = await db
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Ends every session of the user but `exceptId` (after a password change). */
export async function revokeOtherSessions(db: Db, userId: string, exceptId: string | null): Promise<number> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function listSessions(db: Db, config: AuthConfig, userId: string) {
  return live(
    db
      .selectFrom('sessions')
      .select([
        'id',
        'created_at as createdAt',
        'last_seen_at as lastSeenAt',
        'expires_at as expiresAt',
        'ip',
        'user_agent as userAgent',
      ]),
    config,
    userId,
  )
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Whether this request reached us over HTTPS (directly, or through a trusted proxy that says so). */
export function isHttps(c: Context, config: AuthConfig): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return forwarded(c, config, 'proto')?.toLowerCase() === 'https';
}

function secureCookie(c: Context, config: AuthConfig): boolean {
  if (config.cookieSecure === 'always') return true;
  if (config.cookieSecure === 'never') return false;
  return isHttps(c, config);
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE);
}

/** HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Secure over HTTPS. */
export function writeSessionCookie(c: Context, config: AuthConfig, token: string): void {
  const secure = secureCookie(c, config);
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: Math.floor(config.sessionMaxMs / 1000),
  });
}

export function clearSessionCookie(c: Context, config: AuthConfig): void {
  const secure = secureCookie(c, config);
  deleteCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, {
    path: '/',
    secure,
    httpOnly: true,
    sameSite: 'Lax',
  });
}
