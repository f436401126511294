import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, notFound } from '../api/app-error.js';
import { LINK_HOURS, type MailOutcome, sendAccountMail } from './account-mail.js';
import {
  createAccountToken,
  findOpenAccountToken,
  markAccountTokenUsed,
  voidResetTokens,
} from './account-tokens.repository.js';
import { writeAudit } from './audit.js';
import type { AuthConfig } from './auth-config.js';
import type { UserPrincipal } from './principal.js';
import { takeSlots } from './rate-limit.js';
import { revokeOtherSessions } from './sessions.js';
import { checkPassword } from './sign-in.js';
import {
  findOpenInvitation,
  findUserByEmail,
  proveAddress,
  setPassword,
  suspendOtherMemberships,
} from './users.repository.js';

type Db = Kysely<Database>;

/**
 * Proof that an account holds its email address, and the password reset that rests on it (issue 14, H1).
 *
 * Links go by mail through a workspace's own email channel — and a workspace's admins choose its mail server, so
 * they could read what passes through it. A link therefore proves the address to the workspace whose mail carried
 * it, and to no other: joining a workspace with an existing account needs a proof through that workspace's mail,
 * and a password reset through one workspace's mail suspends the account's other memberships until the address is
 * proven to each of them through theirs. Confirming a verification link also needs the account's password, so a
 * link its owner never asked for proves nothing when they click it.
 */

const HOUR = 3_600_000;

/** Counts a mail to `email` (and from `ip`, 10× looser) against YUTANG_ACCOUNT_MAIL_RATE; 429 over it. */
async function countMail(db: Db, config: AuthConfig, email: string, ip: string | null): Promise<void> {
  const loose = { max: config.accountMail.max * 10, windowMs: config.accountMail.windowMs };
  const slots = await takeSlots(db, [
    { bucket: `mail:${email}`, rate: config.accountMail },
    { bucket: `mail-ip:${ip ?? 'unknown'}`, rate: loose },
  ]);
  if (!slots.allowed) {
    await slots.giveBack();
    throw new AppError(
      'rate_limited',
      `too many mails to this address; try again in ${slots.retryAfterS} s`,
      {
        retryAfter: slots.retryAfterS,
      },
    );
  }
}

async function workspaceHasMail(db: Db, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_credentials')
    .select('channel')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', 'email')
    .executeTakeFirst();
  return !!row;
}

/** The person an audit row names when they act through a link (no session). */
function actor(user: { id: string; email: string; name: string }, workspaceId: string): UserPrincipal {
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.name,
    sessionId: '',
    workspaceId,
    role: null,
    permissions: new Set(),
  };
}

/**
 * Mails a verification link for `user`'s address through `workspace`'s mail (the proof counts for that workspace).
 * `invitationId`: the invitation the proof is for, when the account has not joined the workspace yet.
 */
export async function mailVerification(
  db: Db,
  config: AuthConfig,
  input: {
    user: { id: string; email: string };
    workspace: { id: string; name: string };
    invitationId: string | null;
    linkBase: string | null;
    ip: string | null;
  },
): Promise<MailOutcome> {
  if (!(await workspaceHasMail(db, input.workspace.id))) return 'not_configured';
  if (!input.linkBase) return 'failed';
  await countMail(db, config, input.user.email, input.ip);
  const token = await createAccountToken(db, {
    purpose: 'verify_email',
    userId: input.user.id,
    email: input.user.email,
    workspaceId: input.workspace.id,
    invitationId: input.invitationId,
    validMs: LINK_HOURS.verify * HOUR,
  });
  return sendAccountMail(db, {
    workspaceId: input.workspace.id,
    workspaceName: input.workspace.name,
    to: input.user.email,
    kind: 'verify',
    link: `${input.linkBase}/#/verify/${token}`,
  });
}

/**
 * A verification link is used: with the account's password (checked like a sign-in), the address is proven to the
 * workspace whose mail carried the link. 404 for a link that is unknown, used, expired or for another address.
 */
export async function confirmVerification(
  db: Db,
  config: AuthConfig,
  input: { token: string; password: string; ip: string | null; requestId: string | null },
): Promise<{ workspace: { id: string; name: string } }> {
  const seen = await findOpenAccountToken(db, input.token, 'verify_email');
  if (!seen) throw notFound('verification link (it may have expired or been used)');
  // before the transaction: a password check is slow, and a wrong one counts against the sign-in limit
  await checkPassword(db, config, seen.email, input.password, input.ip);
  return db.transaction().execute(async (trx) => {
    const link = await findOpenAccountToken(trx, input.token, 'verify_email', { forUpdate: true });
    if (!link) throw notFound('verification link (it may have expired or been used)');
    await markAccountTokenUsed(trx, link.id);
    await proveAddress(trx, { userId: link.user_id, email: link.email, workspaceId: link.workspace_id });
    const user = { id: link.user_id, email: link.email, name: link.name };
    await writeAudit(trx, {
      workspaceId: link.workspace_id,
      principal: actor(user, link.workspace_id),
      action: 'user.email_verify',
      target: { type: 'user', id: link.user_id },
      outcome: 'ok',
      requestId: input.requestId,
      detail: link.invitation_id ? { invitation: link.invitation_id } : {},
    });
    return { workspace: { id: link.workspace_id, name: link.workspace_name } };
  });
}

/**
 * "Forgot password": mails a reset link when `email` has an account, and does nothing else — the caller hears the
 * same either way. The mail goes through the workspace of `invitationToken` (an open invitation of this address:
 * what someone locked out by a pre-claimed account uses), else through the account's oldest workspace (not
 * suspended) that has an email channel. Every request counts against the address's mail rate (429 over it, for
 * any address alike); the rest is `mailed`, settled after the answer: how long an SMTP server takes must not tell
 * who has an account.
 */
export async function requestPasswordReset(
  db: Db,
  config: AuthConfig,
  input: { email: string; invitationToken?: string; linkBase: string | null; ip: string | null },
): Promise<{ mailed: Promise<void> }> {
  await countMail(db, config, input.email, input.ip);
  return { mailed: mailReset(db, input) };
}

async function mailReset(
  db: Db,
  input: { email: string; invitationToken?: string; linkBase: string | null },
): Promise<void> {
  const user = await findUserByEmail(db, input.email);
  if (!user || !input.linkBase) return;
  let route: { workspaceId: string; workspaceName: string; invitationId: string | null } | null = null;
  const invitation = input.invitationToken ? await findOpenInvitation(db, input.invitationToken) : undefined;
  if (
    invitation &&
    invitation.email === user.email &&
    (await workspaceHasMail(db, invitation.workspace_id))
  ) {
    route = {
      workspaceId: invitation.workspace_id,
      workspaceName: invitation.workspace_name,
      invitationId: invitation.id,
    };
  } else {
    const own = await db
      .selectFrom('workspace_members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .innerJoin('channel_credentials as c', (j) =>
        j.onRef('c.workspace_id', '=', 'm.workspace_id').on('c.channel', '=', 'email'),
      )
      .select(['w.id', 'w.name'])
      .where('m.user_id', '=', user.id)
      .where('m.suspended_at', 'is', null)
      .orderBy('m.created_at')
      .orderBy('w.id')
      .executeTakeFirst();
    if (own) route = { workspaceId: own.id, workspaceName: own.name, invitationId: null };
  }
  if (!route) return;
  const token = await createAccountToken(db, {
    purpose: 'reset_password',
    userId: user.id,
    email: user.email,
    workspaceId: route.workspaceId,
    invitationId: route.invitationId,
    validMs: LINK_HOURS.reset * HOUR,
  });
  await sendAccountMail(db, {
    workspaceId: route.workspaceId,
    workspaceName: route.workspaceName,
    to: user.email,
    kind: 'reset',
    link: `${input.linkBase}/#/reset/${token}`,
  });
}

/**
 * A reset link is used: the new password is set, every session of the account ends, every other reset link is
 * void, the address is proven to the workspace whose mail carried the link — and the account's other memberships
 * are suspended until it is proven to each of them (that workspace's admins could have read the link). Audited in
 * that workspace, and as a suspension in each of the others.
 */
export async function confirmPasswordReset(
  db: Db,
  input: { token: string; password: string; requestId: string | null },
): Promise<{ userId: string; workspaceId: string }> {
  return db.transaction().execute(async (trx) => {
    const link = await findOpenAccountToken(trx, input.token, 'reset_password', { forUpdate: true });
    if (!link) throw notFound('reset link (it may have expired or been used)');
    await markAccountTokenUsed(trx, link.id);
    await setPassword(trx, link.user_id, input.password);
    const sessionsEnded = await revokeOtherSessions(trx, link.user_id, null);
    await voidResetTokens(trx, link.user_id);
    await proveAddress(trx, { userId: link.user_id, email: link.email, workspaceId: link.workspace_id });
    const suspended = await suspendOtherMemberships(trx, link.user_id, link.workspace_id);
    // and proofs for other workspaces' open invitations are void: they were made with the account's old password
    await trx
      .updateTable('invitations')
      .set({ email_proven_at: null })
      .where('email', '=', link.email)
      .where('workspace_id', '!=', link.workspace_id)
      .where('accepted_at', 'is', null)
      .execute();
    const user = { id: link.user_id, email: link.email, name: link.name };
    await writeAudit(trx, {
      workspaceId: link.workspace_id,
      principal: actor(user, link.workspace_id),
      action: 'user.password_reset',
      target: { type: 'user', id: link.user_id },
      outcome: 'ok',
      requestId: input.requestId,
      detail: { sessionsEnded, otherWorkspacesSuspended: suspended.length },
    });
    for (const workspaceId of suspended) {
      await writeAudit(trx, {
        workspaceId,
        principal: actor(user, workspaceId),
        action: 'user.suspend',
        target: { type: 'user', id: link.user_id },
        outcome: 'ok',
        requestId: input.requestId,
        // not which workspace: that is none of this one's business
        detail: { reason: 'password_reset_elsewhere' },
      });
    }
    return { userId: link.user_id, workspaceId: link.workspace_id };
  });
}
