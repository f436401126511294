import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { type MailOutcome, mailLinkBase } from '../../auth/account-mail.js';
import { audit, writeAudit } from '../../auth/audit.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { clientIp } from '../../auth/authorize.js';
import { mailVerification } from '../../auth/email-proof.service.js';
import { emailSchema, passwordSchema } from '../../auth/password.js';
import { rolePermissions } from '../../auth/permissions.js';
import type { UserPrincipal } from '../../auth/principal.js';
import {
  clearSessionCookie,
  listSessions,
  readSessionCookie,
  revokeOtherSessions,
  revokeSession,
  sessionPrincipal,
  setSessionWorkspace,
} from '../../auth/sessions.js';
import { createFirstAdmin } from '../../auth/setup.js';
import { checkPassword } from '../../auth/sign-in.js';
import {
  anyUserExists,
  createUser,
  findOpenInvitation,
  findUserByEmail,
  proveAddress,
  putMember,
  roleIn,
  setPassword,
} from '../../auth/users.repository.js';
import { sessionView } from '../../auth/views.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, safeText, uuidParam } from '../validate.js';
import { startSession } from './start-session.js';

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
  summary:
    'Accept an invitation: set a password, or give yours for an existing account (whose address must be proven to the workspace: else 403 email_unverified and a link is mailed); signs in',
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

/** The 403 of an accept whose account has not proven its address to the workspace, saying what became of the mail. */
function unproven(workspace: string, email: string, mail: MailOutcome): AppError {
  const what =
    mail === 'sent'
      ? `we mailed a link to ${email} through the email of ${workspace}: open it, then accept again`
      : mail === 'not_configured'
        ? `${workspace} has no email channel to prove it with: its admin must set up email first`
        : `the mail to ${email} could not be sent; try again later`;
  return new AppError(
    'email_unverified',
    `this account’s address is not proven to ${workspace} yet: ${what}`,
    { mailOutcome: mail },
  );
}

export function authRoutes({ db }: AppDeps, config: AuthConfig) {
  const app = new Hono<AppEnv>();
  const user = (c: Context<AppEnv>) => c.get('principal') as UserPrincipal;

  const signIn = (c: Context<AppEnv>, userId: string, workspaceId?: string | null) =>
    startSession(c, db, config, userId, workspaceId);

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

  // Whether the address has an account is not said: the inviting admin holds this link too.
  app.post('/auth/invitation', async (c) => {
    const { token } = await body(c, tokenBody);
    const invitation = await findOpenInvitation(db, token);
    if (!invitation) throw notFound('invitation (it may have expired or been used)');
    return c.json({
      email: invitation.email,
      role: invitation.role,
      workspace: { id: invitation.workspace_id, name: invitation.workspace_name },
    });
  });

  app.post('/auth/invitation/accept', async (c) => {
    const input = await body(c, acceptBody);
    const invited = await findOpenInvitation(db, input.token);
    if (!invited) throw notFound('invitation (it may have expired or been used)');
    const ip = clientIp(c, config);
    const workspace = { id: invited.workspace_id, name: invited.workspace_name };
    // Joining another workspace with the account one has: prove it is yours (failures count as sign-ins)…
    const account = await findUserByEmail(db, invited.email);
    if (account) {
      await checkPassword(db, config, invited.email, input.password, ip);
      // …and that the address is yours, to this workspace: the account may have been made by another
      // workspace's admin, who held that workspace's link (issue 14, H1).
      if (!invited.email_proven_at) {
        const mail = await mailVerification(db, config, {
          user: account,
          workspace,
          invitationId: invited.id,
          linkBase: mailLinkBase(c, config),
          ip,
        });
        throw unproven(workspace.name, invited.email, mail);
      }
    }
    const result = await db.transaction().execute(async (trx) => {
      // again under a lock: two accepts of one link make one membership
      await trx.selectFrom('invitations').select('id').where('id', '=', invited.id).forUpdate().execute();
      const invitation = await findOpenInvitation(trx, input.token);
      if (!invitation) throw notFound('invitation (it may have expired or been used)');
      const existing = await findUserByEmail(trx, invitation.email);
      // an account made for this address meanwhile (another workspace's link): its password was not checked
      if (existing?.id !== account?.id)
        throw new AppError('conflict', 'the account of this address changed meanwhile; try again');
      let userId: string;
      if (existing) {
        if (!invitation.email_proven_at) throw unproven(workspace.name, invitation.email, 'failed');
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
      // an existing account proved its address to this workspace (a suspended membership is lifted by it)
      if (existing)
        await proveAddress(trx, { userId, email: invitation.email, workspaceId: invitation.workspace_id });
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
    // a suspended membership is no way in: the address must be proven there first
    if (!(await roleIn(db, workspaceId, me.userId, { active: true }))) throw notFound('workspace');
    await setSessionWorkspace(db, me.sessionId, workspaceId);
    const principal = await sessionPrincipal(db, config, readSessionCookie(c) ?? '');
    return c.json(await sessionView(db, principal ?? undefined, false));
  });

  return app;
}
