import { Hono } from 'hono';
import { z } from 'zod';
import { mailLinkBase } from '../../auth/account-mail.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { clientIp } from '../../auth/authorize.js';
import {
  confirmPasswordReset,
  confirmVerification,
  mailVerification,
  requestPasswordReset,
} from '../../auth/email-proof.service.js';
import { emailSchema, passwordSchema } from '../../auth/password.js';
import type { UserPrincipal } from '../../auth/principal.js';
import { roleIn } from '../../auth/users.repository.js';
import { sessionView } from '../../auth/views.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, safeText } from '../validate.js';
import { startSession } from './start-session.js';

const linkToken = z.string().min(1).max(200);
const verifyBody = z.object({
  /** the workspace whose mail carries the link (the proof counts there); default: the session's */
  workspaceId: safeText(64, { min: 1, line: true }).optional(),
});
const verifyConfirmBody = z.object({ token: linkToken, password: z.string().min(1).max(256) });
const resetBody = z.object({
  email: emailSchema,
  /** the token of an open invitation of this address: the reset link then goes by that workspace's mail */
  invitation: linkToken.optional(),
});
const resetConfirmBody = z.object({ token: linkToken, password: passwordSchema });

documented({
  method: 'post',
  path: '/api/auth/email-verification',
  summary:
    'Mail yourself a link that proves your address to a workspace of yours (default: this one), through its email channel',
  tag: 'auth',
  body: verifyBody,
  permission: 'signed_in',
  // sends a mail and changes nothing; using the link is what is recorded
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/email-verification/confirm',
  summary:
    'Use a verification link, with the account’s password: the address is proven to the workspace whose mail carried it',
  tag: 'auth',
  body: verifyConfirmBody,
  permission: 'public',
  // recorded by the service in the workspace whose mail carried the link (a failure names none)
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/password-reset',
  summary:
    'Forgot password: mails a reset link if the address has an account (through the invitation’s workspace, or the account’s own); answers the same whatever the address',
  tag: 'auth',
  body: resetBody,
  status: 202,
  permission: 'public',
  // answers the same for every address and changes nothing; using the link is what is recorded
  audit: false,
});
documented({
  method: 'post',
  path: '/api/auth/password-reset/confirm',
  summary:
    'Use a reset link: set a new password, end every session, prove the address to the workspace whose mail carried it (the others wait for their own proof); signs in',
  tag: 'auth',
  body: resetConfirmBody,
  permission: 'public',
  // recorded by the service: in that workspace, and as a suspension in each of the others
  audit: false,
});

/** Links mailed to an account's address: proving it to a workspace, and resetting a forgotten password. */
export function emailProofRoutes({ db }: AppDeps, config: AuthConfig) {
  const app = new Hono<AppEnv>();

  app.post('/auth/email-verification', async (c) => {
    const me = c.get('principal') as UserPrincipal;
    const input = await body(c, verifyBody);
    const workspaceId = input.workspaceId ?? me.workspaceId;
    if (!workspaceId)
      throw new AppError('invalid_input', 'say which workspace to prove your address to', {
        field: 'workspaceId',
      });
    // one of yours, suspended or not; else no such workspace, as anywhere
    if (!(await roleIn(db, workspaceId, me.userId))) throw notFound('workspace');
    const workspace = await db
      .selectFrom('workspaces')
      .select(['id', 'name'])
      .where('id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const mail = await mailVerification(db, config, {
      user: { id: me.userId, email: me.email },
      workspace,
      invitationId: null,
      linkBase: mailLinkBase(c, config),
      ip: clientIp(c, config),
    });
    // not `mail`: the viewer masking hides that key
    return c.json({ mailOutcome: mail });
  });

  app.post('/auth/email-verification/confirm', async (c) => {
    const input = await body(c, verifyConfirmBody);
    const done = await confirmVerification(db, config, {
      ...input,
      ip: clientIp(c, config),
      requestId: c.get('reqId'),
    });
    return c.json({ ok: true, ...done });
  });

  app.post('/auth/password-reset', async (c) => {
    const input = await body(c, resetBody);
    const { mailed } = await requestPasswordReset(db, config, {
      email: input.email,
      invitationToken: input.invitation,
      linkBase: mailLinkBase(c, config),
      ip: clientIp(c, config),
    });
    // after the answer, whatever it finds: the answer's timing says nothing about the address
    const log = c.get('log');
    mailed.catch((err: Error) => log.warn({ error: err.message }, 'password-reset mail not sent'));
    return c.json({ ok: true }, 202);
  });

  app.post('/auth/password-reset/confirm', async (c) => {
    const input = await body(c, resetConfirmBody);
    const done = await confirmPasswordReset(db, { ...input, requestId: c.get('reqId') });
    // signed in where the proof counts (or, through an invitation not accepted yet, in none)
    const { principal } = await startSession(c, db, config, done.userId);
    return c.json(await sessionView(db, principal ?? undefined, false));
  });

  return app;
}
