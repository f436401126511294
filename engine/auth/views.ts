import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Permission, Role, Scope } from './permissions.js';
import type { Principal } from './principal.js';
import { workspacesOf } from './users.repository.js';

/** What `GET /api/auth/session` answers: enough for the web app to decide what to show. */
export interface SessionView {
  /** true until the first administrator exists: the web app shows "create the administrator" */
  setupRequired: boolean;
  user: { id: string; email: string; name: string } | null;
  key: { id: string; name: string; scopes: string[] } | null;
  workspace: { id: string; name: string } | null;
  role: Role | null;
  /** what the caller may do in the workspace (engine/auth/permissions.ts) */
  permissions: Permission[];
  workspaces: { id: string; name: string; role: Role | null }[];
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
  };
  if (!principal) return empty;
  const workspaces = principal.kind === 'user' ? await workspacesOf(db, principal.userId) : [];
  const current = principal.workspaceId
    ? await db
        .selectFrom('workspaces')
        .select(['id', 'name'])
        .where('id', '=', principal.workspaceId)
        .executeTakeFirst()
    : undefined;
  return {
    ...empty,
    user:
      principal.kind === 'user'
        ? { id: principal.userId, email: principal.email, name: principal.name }
        : null,
    key:
      principal.kind === 'key'
        ? { id: principal.keyId, name: principal.name, scopes: principal.scopes }
        : null,
    workspace: current ?? null,
    role: principal.kind === 'user' ? principal.role : null,
    permissions: [...principal.permissions].sort(),
    workspaces,
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
