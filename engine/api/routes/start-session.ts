import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { clientIp } from '../../auth/authorize.js';
import { createSession, sessionPrincipal, writeSessionCookie } from '../../auth/sessions.js';
import { workspacesOf } from '../../auth/users.repository.js';
import type { AppEnv } from '../deps.js';

/**
 * Signs `userId` in (sign-in, first start, an accepted invitation, a password reset): a new session in
 * `workspaceId` (or their first workspace) and its cookie. Returns who that is and how many older sessions the
 * per-person cap ended.
 */
export async function startSession(
  c: Context<AppEnv>,
  db: Kysely<Database>,
  config: AuthConfig,
  userId: string,
  workspaceId?: string | null,
) {
  const ws = workspaceId ?? (await workspacesOf(db, userId))[0]?.id ?? null;
  const session = await createSession(db, config, {
    userId,
    workspaceId: ws,
    ip: clientIp(c, config),
    userAgent: c.req.header('user-agent') ?? null,
  });
  writeSessionCookie(c, config, session.token);
  const principal = await sessionPrincipal(db, config, session.token);
  if (principal) c.set('principal', principal);
  return { principal, sessionsEnded: session.sessionsEnded };
}
