import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { audit, writeAudit } from '../../auth/audit.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { clientIp } from '../../auth/authorize.js';
import { emailSchema, passwordSchema, verifyPassword } from '../../auth/password.js';
import { rolePermissions } from '../../auth/permissions.js';
import type { UserPrincipal } from '../../auth/principal.js';
import {
  clearSessionCookie,
  createSession,
  listSessions,
  readSessionCookie,
  revokeOtherSessions,
  revokeSession,
  sessionPrincipal,
  setSessionWorkspace,
  writeSessionCookie,
} from '../../auth/sessions.js';
import { createFirstAdmin } from '../../auth/setup.js';
import { checkPassword } from '../../auth/sign-in.js';
import {
  anyUserExists,
  createUser,
  findOpenInvitation,
  findUserByEmail,
  putMember,
  roleIn,
  setPassword,
  workspacesOf,
} from '../../auth/users.repository.js';
import { sessionView } from '../../auth/views.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, safeText, uuidParam } from '../validate.js';

const name = safeText(100, { trim: true, line: true });
const setupBody = z.object({ email: emailSchema, name: name.default(''), password: passwordSchema });
const signInBody = z.object({ email: emailSchema, password: z.string().min(1).max(256) });
const tokenBody = z.object({ token: z.string().min(1).max(200) });
const acceptBody = z.object({
  token: z.string().min(1).max(200),
  name: name.default(''),
  password: passwordSchema,
});
const passwordBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema });
const workspaceBody = z.object({ workspaceId: safeText(64, { min: 1, line: true }) });

documented({
  method: 'get',
  path: '/api/auth/session',
  summary: 'Who is signed in, their workspace, role and permissions (and whether setup is needed)',
  tag: 'auth',
  permission: 'public',
});
documented({
  method: 'post',
  path: '/api/auth/setup',
  summary: 'First start only: create the administrator and sign in (409 once anyone has an account)',
  tag: 'auth',
  body: setupBody,
  status: 201,
  permission: 'public',
  audit: 'auth.setup',
});
documented({
  method: 'post',
  path: '/api/auth/sign-in',
  summary: 'Sign in with email and password; sets the session cookie (429 after repeated failures)',
  tag: 'auth',
  body: signInBody,
  permission: 'public',
  // recorded by the route itself: a failed sign-in names no workspace
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/sign-out',
  summary: 'End this session and clear its cookie',
  tag: 'auth',
  permission: 'public',
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/invitation',
  summary: 'What an invitation link is for (email, workspace, role)',
  tag: 'auth',
  body: tokenBody,
  permission: 'public',
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/invitation/accept',
  summary: 'Accept an invitation: set a password (or give yours, for an existing account) and sign in',
  tag: 'auth',
  body: acceptBody,
  permission: 'public',
  audit: 'invitation.accept',
});
documented({
  method: 'put',
  path: '/api/auth/password',
  summary: 'Change your password; your other sessions end',
  tag: 'auth',
  body: passwordBody,
  permission: 'signed_in',
  audit: 'user.password',
});
documented({
  method: 'get',
  path: '/api/auth/sessions',
  summary: 'Your active sessions',
  tag: 'auth',
  permission: 'signed_in',
});
documented({
  method: 'delete',
  path: '/api/auth/sessions/:id',
  summary: 'End one of your sessions (another device)',
  tag: 'auth',
  permission: 'signed_in',
  audit: 'session.revoke',
});
documented({
  method: 'put',
  path: '/api/auth/workspace',
  summary: 'Switch the workspace this session works in (one you belong to)',
  tag: 'auth',
  body: workspaceBody,
  permission: 'signed_in',
  // a view choice, not a change of anything
  audit: false,
});

export function authRoutes({ db }: AppDeps, config: AuthConfig) {
  const app = new Hono<AppEnv>();
  const user = (c: Context<AppEnv>) => c.get('principal') as UserPrincipal;

  /**
   * Signs `userId` in: a new session in `workspaceId` (or their first workspace) and its cookie. Returns who
   * that is and how many older sessions the per-person cap ended.
   */
  async function signIn(c: Context<AppEnv>, userId: string, workspaceId?: string | null) {
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

  app.get('/auth/session', async (c) => {
    const setupRequired = !(await anyUserExists(db));
    return c.json(await sessionView(db, c.get('principal'), setupRequired));
  });

  app.post('/auth/setup', async (c) => {
    const input = await body(c, setupBody);
    const admin = await createFirstAdmin(db, input, { requestId: c.get('reqId') });
    if (!admin) {
      throw new AppError('conflict', 'Yutang has its administrator already; sign in instead');
    }
    // createFirstAdmin recorded it with the account, in the same transaction
    audit(c).skip();
    const { principal } = await signIn(c, admin.userId, admin.workspaceId);
    return c.json(await sessionView(db, principal ?? undefined, false), 201);
  });

  app.post('/auth/sign-in', async (c) => {
    const input = await body(c, signInBody);
    const ip = clientIp(c, config);
    let account: { id: string; email: string; name: string };
    try {
      account = await checkPassword(db, config, input.email, input.password, ip);
    } catch (err) {
      if (err instanceof AppError) {
        await writeAudit(db, {
          workspaceId: null,
          action: 'auth.sign_in',
          outcome: err.code === 'rate_limited' ? 'denied' : 'failed',
          requestId: c.get('reqId'),
          detail: { email: input.email, ip, error: err.code },
        });
      }
      throw err;
    }
    const { principal, sessionsEnded } = await signIn(c, account.id);
    await writeAudit(db, {
      workspaceId: principal?.workspaceId ?? null,
      principal: principal ?? undefined,
      action: 'auth.sign_in',
      target: { type: 'user', id: account.id },
      outcome: 'ok',
      requestId: c.get('reqId'),
      detail: { ip, ...(sessionsEnded ? { sessionsEnded } : {}) },
    });
    return c.json(await sessionView(db, principal ?? undefined, false));
  });

  app.post('/auth/sign-out', async (c) => {
    const principal = c.get('principal');
    if (principal?.kind === 'user') await revokeSession(db, principal.userId, principal.sessionId);
    clearSessionCookie(c, config);
    return c.json({ ok: true });
  });

  app.post('/auth/invitation', async (c) => {
    const { token } = await body(c, tokenBody);
    const invitation = await findOpenInvitation(db, token);
    if (!invitation) throw notFound('invitation (it may have expired or been used)');
    const existing = await findUserByEmail(db, invitation.email);
    return c.json({
      email: invitation.email,
      role: invitation.role,
      workspace: { id: invitation.workspace_id, name: invitation.workspace_name },
      hasAccount: !!existing,
    });
  });

  app.post('/auth/invitation/accept', async (c) => {
    const input = await body(c, acceptBody);
    const invited = await findOpenInvitation(db, input.token);
    if (!invited) throw notFound('invitation (it may have expired or been used)');
    // Joining another workspace with the account one has: prove it is yours (failures count as sign-ins).
    if (await findUserByEmail(db, invited.email))
      await checkPassword(db, config, invited.email, input.password, clientIp(c, config));
    const result = await db.transaction().execute(async (trx) => {
      // again under a lock: two accepts of one link make one membership
      await trx.selectFrom('invitations').select('id').where('id', '=', invited.id).forUpdate().execute();
      const invitation = await findOpenInvitation(trx, input.token);
      if (!invitation) throw notFound('invitation (it may have expired or been used)');
      let userId: string;
      const existing = await findUserByEmail(trx, invitation.email);
      if (existing) {
        if (!(await verifyPassword(existing.password_hash, input.password)))
          throw new AppError('invalid_input', 'wrong password for this account', { field: 'password' });
        userId = existing.id;
      } else {
        userId = (
          await createUser(trx, { email: invitation.email, name: input.name, password: input.password })
        ).id;
      }
      const role = invitation.role as Parameters<typeof putMember>[1]['role'];
      await putMember(trx, {
        workspaceId: invitation.workspace_id,
        userId,
        role,
        invitedBy: invitation.invited_by,
      });
      await trx
        .updateTable('invitations')
        .set({ accepted_at: new Date() })
        .where('id', '=', invitation.id)
        .execute();
      const principal: UserPrincipal = {
        kind: 'user',
        userId,
        email: invitation.email,
        name: existing?.name ?? input.name,
        sessionId: '',
        workspaceId: invitation.workspace_id,
        role,
        permissions: rolePermissions(role),
      };
      c.set('principal', principal);
      c.set('workspaceId', invitation.workspace_id);
      await audit(c)
        .target('invitation', invitation.id)
        .detail({ email: invitation.email, role })
        .commit(trx);
      return { userId, workspaceId: invitation.workspace_id };
    });
    const { principal } = await signIn(c, result.userId, result.workspaceId);
    return c.json(await sessionView(db, principal ?? undefined, false));
  });

  app.put('/auth/password', async (c) => {
    const input = await body(c, passwordBody);
    const me = user(c);
    // Checked like a sign-in (failures count and are slowed down): a stolen session must not guess the
    // password unhindered. A wrong one is a bad field here, not a signed-out session.
    await checkPassword(db, config, me.email, input.currentPassword, clientIp(c, config)).catch((err) => {
      if (err instanceof AppError && err.code === 'unauthenticated')
        throw new AppError('invalid_input', 'the current password is wrong', { field: 'currentPassword' });
      throw err;
    });
    await db.transaction().execute(async (trx) => {
      await setPassword(trx, me.userId, input.newPassword);
      const ended = await revokeOtherSessions(trx, me.userId, me.sessionId);
      await audit(c).target('user', me.userId).detail({ otherSessionsEnded: ended }).commit(trx);
    });
    return c.json({ ok: true });
  });

  app.get('/auth/sessions', async (c) => {
    const me = user(c);
    const sessions = await listSessions(db, config, me.userId);
    return c.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === me.sessionId })) });
  });

  app.delete('/auth/sessions/:id', async (c) => {
    const me = user(c);
    const id = uuidParam(c, 'id', 'session');
    await db.transaction().execute(async (trx) => {
      if (!(await revokeSession(trx, me.userId, id))) throw notFound('session');
      await audit(c).commit(trx);
    });
    if (id === me.sessionId) clearSessionCookie(c, config);
    return c.json({ ok: true });
  });

  app.put('/auth/workspace', async (c) => {
    const me = user(c);
    const { workspaceId } = await body(c, workspaceBody);
    // not a member and no such workspace look the same: nothing to learn about other workspaces
    if (!(await roleIn(db, workspaceId, me.userId))) throw notFound('workspace');
    await setSessionWorkspace(db, me.sessionId, workspaceId);
    const principal = await sessionPrincipal(db, config, readSessionCookie(c) ?? '');
    return c.json(await sessionView(db, principal ?? undefined, false));
  });

  return app;
}
