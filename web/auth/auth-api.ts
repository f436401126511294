import type { JSONParsed } from 'hono/utils/types';
import type { Permission, Role, Scope } from '../../engine/auth/permissions';
import type { listSessions } from '../../engine/auth/sessions';
import type {
  ApiKeyView,
  AuditEntryView,
  InvitationView,
  MemberView,
  SessionView,
} from '../../engine/auth/views';
import { request } from '../api/client';

export type { Permission, Role, Scope };
/** The engine's own types as they arrive (dates as ISO strings): no hand copies. */
export type Session = JSONParsed<SessionView>;
export type ApiKey = JSONParsed<ApiKeyView>;
export type WorkspaceUser = JSONParsed<MemberView>;
export type Invitation = JSONParsed<InvitationView>;
export type AuditEntry = JSONParsed<AuditEntryView>;

/** What became of a mail to an account's address (engine/auth/account-mail.ts). */
export type MailOutcome = 'sent' | 'not_configured' | 'failed';
/** One of your sessions (a browser you are signed in on), as `GET /api/auth/sessions` lists them. */
export type AccountSession = JSONParsed<
  Awaited<ReturnType<typeof listSessions>>[number] & { current: boolean }
>;

export const ROLE_OPTIONS: Role[] = ['admin', 'marketer', 'ops', 'viewer', 'guide'];
export const SCOPE_OPTIONS: Scope[] = ['ingest', 'read', 'write', 'admin'];

const enc = encodeURIComponent;

/** Accounts, workspaces, keys and the audit log (engine/api/routes/auth|access|audit.routes.ts). */
export const authApi = {
  session: () => request<Session>('GET', '/auth/session'),
  setup: (input: { email: string; name: string; password: string }) =>
    request<Session>('POST', '/auth/setup', input),
  signIn: (input: { email: string; password: string }) => request<Session>('POST', '/auth/sign-in', input),
  signOut: () => request<{ ok: true }>('POST', '/auth/sign-out', {}),
  invitation: (token: string) =>
    request<{ email: string; role: Role; workspace: { id: string; name: string } }>(
      'POST',
      '/auth/invitation',
      {
        token,
      },
    ),
  acceptInvitation: (input: { token: string; name: string; password: string }) =>
    request<Session>('POST', '/auth/invitation/accept', input),
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    request<{ ok: true }>('PUT', '/auth/password', input),
  sessions: () => request<{ sessions: AccountSession[] }>('GET', '/auth/sessions').then((r) => r.sessions),
  endSession: (id: string) => request<{ ok: true }>('DELETE', `/auth/sessions/${enc(id)}`),
  /** mails a link proving your address to a workspace of yours (default: the current one) */
  requestVerification: (workspaceId?: string) =>
    request<{ mailOutcome: MailOutcome }>(
      'POST',
      '/auth/email-verification',
      workspaceId ? { workspaceId } : {},
    ),
  confirmVerification: (input: { token: string; password: string }) =>
    request<{ ok: true; workspace: { id: string; name: string } }>(
      'POST',
      '/auth/email-verification/confirm',
      input,
    ),
  /** answers the same whatever the email */
  requestReset: (input: { email: string; invitation?: string }) =>
    request<{ ok: true }>('POST', '/auth/password-reset', input),
  confirmReset: (input: { token: string; password: string }) =>
    request<Session>('POST', '/auth/password-reset/confirm', input),
  switchWorkspace: (workspaceId: string) => request<Session>('PUT', '/auth/workspace', { workspaceId }),
  createWorkspace: (name: string) =>
    request<{ workspace: { id: string; name: string } }>('POST', '/workspaces', { name }),

  users: () => request<{ users: WorkspaceUser[]; invitations: Invitation[] }>('GET', '/users'),
  /** always a one-time link, whether or not the address has an account */
  invite: (input: { email: string; role: Role }) =>
    request<{ invitation: Invitation; token: string; path: string }>('POST', '/invitations', input),
  revokeInvitation: (id: string) => request<{ ok: true }>('DELETE', `/invitations/${enc(id)}`),
  setRole: (userId: string, role: Role) => request<{ ok: true }>('PUT', `/users/${enc(userId)}`, { role }),
  removeUser: (userId: string) => request<{ ok: true }>('DELETE', `/users/${enc(userId)}`),

  keys: () => request<{ keys: ApiKey[] }>('GET', '/keys').then((r) => r.keys),
  createKey: (input: { name: string; scopes: Scope[] }) =>
    request<{ key: ApiKey; secret: string }>('POST', '/keys', input),
  revokeKey: (id: string) => request<{ ok: true }>('DELETE', `/keys/${enc(id)}`),

  audit: (filter: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
    const s = q.toString();
    return request<{ entries: AuditEntry[]; nextCursor: string | null }>('GET', `/audit${s ? `?${s}` : ''}`);
  },
};
