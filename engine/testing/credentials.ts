import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { type AuthConfig, authConfigFromEnv } from '../auth/auth-config.js';
import { createApiKey } from '../auth/keys.repository.js';
import { hashPassword } from '../auth/password.js';
import type { Role, Scope } from '../auth/permissions.js';
import { createSession } from '../auth/sessions.js';

/**
 * The one way tests authenticate (auth is never turned off): a fixture administrator — an account with a
 * password, so browsers can sign in — and API keys made for it in the workspace under test. Integration
 * tests get a key through `startStack()` (`stack.call` sends it), app processes and the e2e harness
 * through {@link fixtureKey}; the e2e browser signs in as {@link FIXTURE_ADMIN}.
 */
export const FIXTURE_ADMIN = { email: 'admin@yutang.test', password: 'fixture-admin-password' } as const;

/**
 * The key tests seal channel credentials and workspace secrets with (32 random bytes, base64, as
 * YUTANG_SECRET_KEY must be): stacks and the app processes tests start share it, so what one seals another
 * opens, and no test writes a development key file (data/secret.key).
 */
export const TEST_SECRET_KEY = 'o+fy3CYu5aIo4N1lIwNe4GWmBm/iEmW8TEvVN+Ehz4w=';

let hashed: Promise<string> | undefined;

/** A user (created on first use) with `role` in `workspaceId`; the fixture admin when no email is given. */
export async function fixtureUser(
  db: Kysely<Database>,
  workspaceId: string,
  opts: { email?: string; password?: string; role?: Role } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = opts.email ?? FIXTURE_ADMIN.email;
  const password = opts.password ?? FIXTURE_ADMIN.password;
  hashed ??= hashPassword(FIXTURE_ADMIN.password);
  const hash = password === FIXTURE_ADMIN.password ? await hashed : await hashPassword(password);
  await db
    .insertInto('users')
    .values({ email, name: email.split('@')[0], password_hash: hash })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  await db
    .insertInto('workspace_members')
    .values({ workspace_id: workspaceId, user_id: user.id, role: opts.role ?? 'admin' })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: opts.role ?? 'admin' }))
    .execute();
  return { id: user.id, email, password };
}

/** A new API key of `workspaceId` (admin scope unless told), made by the fixture administrator. */
export async function fixtureKey(
  db: Kysely<Database>,
  workspaceId: string,
  scopes: Scope[] = ['admin'],
): Promise<string> {
  const admin = await fixtureUser(db, workspaceId);
  const { key } = await createApiKey(db, {
    workspaceId,
    name: `test ${scopes.join('+')}`,
    scopes,
    createdBy: admin.id,
  });
  return key;
}

/** Headers of a JSON request signed with `key`. */
export function keyHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/**
 * A signed-in person with `role` in `workspaceId` (a new account each call), as a browser holds it: the
 * session cookie, and the Origin our own pages send with changes.
 */
export async function fixtureSession(
  db: Kysely<Database>,
  workspaceId: string,
  role: Role,
  config: AuthConfig = authConfigFromEnv(),
) {
  const email = `${role}-${randomBytes(4).toString('hex')}@yutang.test`;
  const user = await fixtureUser(db, workspaceId, { email, password: FIXTURE_ADMIN.password, role });
  const session = await createSession(db, config, {
    userId: user.id,
    workspaceId,
    ip: null,
    userAgent: null,
  });
  return {
    userId: user.id,
    email,
    sessionId: session.id,
    token: session.token,
    headers: sessionHeaders(session.token),
  };
}

/** Headers of a same-origin JSON request with a session cookie (in-process requests are http://localhost). */
export function sessionHeaders(token: string, origin = 'http://localhost'): Record<string, string> {
  return { cookie: `yutang_session=${token}`, origin, 'content-type': 'application/json' };
}
