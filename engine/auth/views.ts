import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Permission, Role, Scope } from './permissions.js';
import type { Principal } from './principal.js';
import { emailVerified, suspendedWorkspacesOf, workspacesOf } from './users.repository.js';

/** What `GET /api/auth/session` answers: enough for the web app to decide what to show. */
export interface SessionView {
  /** true until the first administrator exists: the web app shows "create the administrator" */
  setupRequired: boolean;
  /** `emailVerified`: the address was proven at least once by a link mailed to it */
  user: { id: string; email: string; name: string; emailVerified: boolean } | null;
  key: { id: string; name: string; scopes: string[] } | null;
  workspace: { id: string; name: string } | null;
  role: Role | null;
  /** what the caller may do in the workspace (engine/auth/permissions.ts) */
  permissions: Permission[];
  workspaces: { id: string; name: string; role: Role | null }[];
  /** memberships waiting for the address to be proven through that workspace's mail (after a reset elsewhere) */
  suspendedWorkspaces: { id: string; name: string }[];
}

export async function sessionView(
  db: Kysely<Database>,
  principal: Principal | undefined,
  setupRequired: boolean,
): Promise<SessionView> {
  const empty: SessionView = {
    setupRequired,
    user: null,
    key: null,
    workspace: null,
    role: null,
    permissions: [],
    workspaces: [],
    suspendedWorkspaces: [],
  };
  if (!principal) return empty;
  const user = principal.kind === 'user' ? principal : null;
  const [workspaces, suspendedWorkspaces, verified] = user
    ? await Promise.all([
        workspacesOf(db, user.userId),
        suspendedWorkspacesOf(db, user.userId),
        emailVerified(db, user.userId),
      ])
    : [[], [], false];
  const current = principal.workspaceId
    ? await db
        .selectFrom('workspaces')
        .select(['id', 'name'])
        .where('id', '=', principal.workspaceId)
        .executeTakeFirst()
    : undefined;
  return {
    ...empty,
    user: user ? { id: user.userId, email: user.email, name: user.name, emailVerified: verified } : null,
    key:
      principal.kind === 'key'
        ? { id: principal.keyId, name: principal.name, scopes: principal.scopes }
        : null,
    workspace: current ?? null,
    role: principal.kind === 'user' ? principal.role : null,
    permissions: [...principal.permissions].sort(),
    workspaces,
    suspendedWorkspaces,
  };
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface MemberView {
  id: string;
  email: string;
  name: string;
  role: string;
  joinedAt: Date;
  /** the password was reset through another workspace's mail: no access here until the address is proven here */
  suspended: boolean;
}

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface AuditEntryView {
  id: number;
  at: Date;
  actor: { type: string; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string } | null;
  outcome: 'ok' | 'denied' | 'failed';
  requestId: string | null;
  detail: Record<string, unknown>;
}
