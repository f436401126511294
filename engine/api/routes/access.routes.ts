import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/keys.repository.js';
import { emailSchema } from '../../auth/password.js';
import { ROLES, SCOPES } from '../../auth/permissions.js';
import {
  createInvitation,
  findUserByEmail,
  listMembers,
  listOpenInvitations,
  lockAdmins,
  putMember,
  removeMember,
  roleIn,
  workspacesOf,
} from '../../auth/users.repository.js';
import type { ApiKeyView } from '../../auth/views.js';
import { ensureSystemSegments } from '../../segments/system-segments.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, safeText, uuidParam } from '../validate.js';

const role = z.enum(ROLES);
const workspaceBody = z.object({
  name: safeText(100, { trim: true, min: 1, minMessage: 'give the workspace a name', line: true }),
  /** lower-case letters, digits, - and _; made up when not given */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'lower-case letters, digits, - and _ (2–63)')
    .optional(),
});
const inviteBody = z.object({ email: emailSchema, role });
const roleBody = z.object({ role });
const keyBody = z.object({
  name: safeText(100, { trim: true, min: 1, minMessage: 'give the key a name', line: true }),
  scopes: z.array(z.enum(SCOPES)).min(1, 'choose at least one scope').max(SCOPES.length),
});

documented({
  method: 'get',
  path: '/api/workspaces',
  summary: 'The workspaces you belong to, with your role in each',
  tag: 'access',
  permission: 'signed_in',
});
documented({
  method: 'post',
  path: '/api/workspaces',
  summary: 'Create a workspace; you become its admin',
  tag: 'access',
  body: workspaceBody,
  status: 201,
  permission: 'workspaces.create',
  audit: 'workspace.create',
});
documented({
  method: 'get',
  path: '/api/users',
  summary: 'The workspace’s users and open invitations',
  tag: 'access',
  permission: 'users.manage',
});
documented({
  method: 'post',
  path: '/api/invitations',
  summary:
    'Invite someone with a role: a one-time link (shown once) that they accept themselves — the same answer whether or not the address has an account',
  tag: 'access',
  body: inviteBody,
  status: 201,
  permission: 'users.manage',
  audit: 'user.invite',
});
documented({
  method: 'delete',
  path: '/api/invitations/:id',
  summary: 'Withdraw an invitation',
  tag: 'access',
  permission: 'users.manage',
  audit: 'invitation.revoke',
});
documented({
  method: 'put',
  path: '/api/users/:id',
  summary: 'Change a user’s role in the workspace (the last admin stays admin)',
  tag: 'access',
  body: roleBody,
  permission: 'users.manage',
  audit: 'user.role',
});
documented({
  method: 'delete',
  path: '/api/users/:id',
  summary: 'Remove a user from the workspace (not the last admin)',
  tag: 'access',
  permission: 'users.manage',
  audit: 'user.remove',
});
documented({
  method: 'get',
  path: '/api/keys',
  summary: 'The workspace’s API keys (never their secrets)',
  tag: 'access',
  permission: 'keys.manage',
});
documented({
  method: 'post',
  path: '/api/keys',
  summary: 'Create an API key with scopes; its secret is in this answer only',
  tag: 'access',
  body: keyBody,
  status: 201,
  permission: 'keys.manage',
  audit: 'key.create',
});
documented({
  method: 'delete',
  path: '/api/keys/:id',
  summary: 'Revoke an API key (at once, for every process)',
  tag: 'access',
  permission: 'keys.manage',
  audit: 'key.revoke',
});

export function accessRoutes({ db }: AppDeps, config: AuthConfig) {
  const app = new Hono<AppEnv>();

  app.get('/workspaces', async (c) => {
    const me = c.get('principal');
    return c.json({ workspaces: me.kind === 'user' ? await workspacesOf(db, me.userId) : [] });
  });

  app.post('/workspaces', async (c) => {
    const me = c.get('principal');
    if (me.kind !== 'user') throw new AppError('forbidden', 'a workspace is created by a person, not a key');
    const input = await body(c, workspaceBody);
    const id = input.id ?? `ws-${randomBytes(4).toString('hex')}`;
    const workspace = await audited(c, db, async (trx) => {
      const row = await trx
        .insertInto('workspaces')
        .values({ id, name: input.name })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'name'])
        .executeTakeFirst();
      if (!row) throw new AppError('conflict', `a workspace ${id} exists already`, { field: 'id' });
      await putMember(trx, { workspaceId: row.id, userId: me.userId, role: 'admin', invitedBy: me.userId });
      await ensureSystemSegments(trx, row.id);
      audit(c).target('workspace', row.id).detail({ name: row.name });
      return row;
    });
    return c.json({ workspace: { ...workspace, role: 'admin' } }, 201);
  });

  app.get('/users', async (c) => {
    const ws = c.get('workspaceId');
    const [users, invitations] = await Promise.all([listMembers(db, ws), listOpenInvitations(db, ws)]);
    return c.json({ users, invitations });
  });

  // Always an invitation with a one-time link, whether or not the address has an account: the answer and the
  // audit record are the same either way, and joining takes the account holder's own acceptance (issue 14, H1).
  app.post('/invitations', async (c) => {
    const ws = c.get('workspaceId');
    const me = c.get('principal');
    const input = await body(c, inviteBody);
    audit(c).detail({ email: input.email, role: input.role });
    // the members list shows who is in already: saying so tells nothing new (a suspended one may be invited again)
    const existing = await findUserByEmail(db, input.email);
    if (existing && (await roleIn(db, ws, existing.id, { active: true })))
      throw new AppError('conflict', `${input.email} is in this workspace already`, { field: 'email' });
    const { token, invitation } = await audited(c, db, async (trx) => {
      const made = await createInvitation(trx, {
        workspaceId: ws,
        email: input.email,
        role: input.role,
        invitedBy: me.kind === 'user' ? me.userId : null,
        validMs: config.invitationMs,
      });
      audit(c).target('invitation', made.invitation.id);
      return made;
    });
    return c.json(
      {
        invitation: {
          id: invitation.id,
          email: invitation.email,
          role: invitation.role,
          createdAt: invitation.created_at,
          expiresAt: invitation.expires_at,
        },
        // shown once: only its hash is stored
        token,
        path: `/#/invite/${token}`,
      },
      201,
    );
  });

  app.delete('/invitations/:id', async (c) => {
    const id = uuidParam(c, 'id', 'invitation');
    await audited(c, db, async (trx) => {
      const res = await trx
        .updateTable('invitations')
        .set({ revoked_at: new Date() })
        .where('workspace_id', '=', c.get('workspaceId'))
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound('invitation');
    });
    return c.json({ ok: true });
  });

  app.put('/users/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'user');
    const input = await body(c, roleBody);
    await audited(c, db, async (trx) => {
      const admins = await lockAdmins(trx, ws);
      const current = await roleIn(trx, ws, id);
      if (!current) throw notFound('user');
      if (current === 'admin' && input.role !== 'admin' && admins.length <= 1)
        throw new AppError('conflict', 'the workspace needs at least one admin', { field: 'role' });
      await putMember(trx, { workspaceId: ws, userId: id, role: input.role, invitedBy: null });
      audit(c).detail({ from: current, to: input.role });
    });
    return c.json({ ok: true });
  });

  app.delete('/users/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'user');
    await audited(c, db, async (trx) => {
      const admins = await lockAdmins(trx, ws);
      const current = await roleIn(trx, ws, id);
      if (!current) throw notFound('user');
      if (current === 'admin' && admins.length <= 1)
        throw new AppError('conflict', 'the workspace needs at least one admin');
      await removeMember(trx, ws, id);
      // their sessions in this workspace lose it now (the role lookup would refuse them anyway)
      await trx
        .updateTable('sessions')
        .set({ workspace_id: null })
        .where('user_id', '=', id)
        .where('workspace_id', '=', ws)
        .execute();
      audit(c).detail({ role: current });
    });
    return c.json({ ok: true });
  });

  app.get('/keys', async (c) => {
    const keys = await listApiKeys(db, c.get('workspaceId'));
    return c.json({ keys: keys as ApiKeyView[] });
  });

  app.post('/keys', async (c) => {
    const me = c.get('principal');
    const input = await body(c, keyBody);
    const made = await audited(c, db, async (trx) => {
      const key = await createApiKey(trx, {
        workspaceId: c.get('workspaceId'),
        name: input.name,
        scopes: input.scopes,
        createdBy: me.kind === 'user' ? me.userId : null,
      });
      audit(c).target('key', key.id).detail({ name: input.name, scopes: input.scopes });
      return key;
    });
    const key = (await listApiKeys(db, c.get('workspaceId'))).find((k) => k.id === made.id) as ApiKeyView;
    return c.json({ key, secret: made.key }, 201);
  });

  app.delete('/keys/:id', async (c) => {
    const me = c.get('principal');
    const id = uuidParam(c, 'id', 'key');
    await audited(c, db, async (trx) => {
      const row = await revokeApiKey(trx, c.get('workspaceId'), id, me.kind === 'user' ? me.userId : null);
      if (!row) throw notFound('key');
      audit(c).detail({ name: row.name });
    });
    return c.json({ ok: true });
  });

  return app;
}
