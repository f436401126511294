import type { Permission, Role } from './permissions.js';

/** Who is making a request: a signed-in user (session cookie) or a system (API key). */
export type Principal = UserPrincipal | KeyPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  name: string;
  sessionId: string;
  /** the workspace the session works in; null when the user belongs to none (any more) */
  workspaceId: string | null;
  /** the user's role there (null: none) */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
}

export interface KeyPrincipal {
  kind: 'key';
  keyId: string;
  name: string;
  workspaceId: string;
  scopes: string[];
  permissions: ReadonlySet<Permission>;
}

/** The audit log's "who": `user:<id>` / `key:<id>` and a name a person recognises. */
export function actorOf(p: Principal | undefined): {
  type: 'user' | 'key' | 'anonymous';
  id: string | null;
  name: string | null;
} {
  if (!p) return { type: 'anonymous', id: null, name: null };
  return p.kind === 'user'
    ? { type: 'user', id: p.userId, name: p.email }
    : { type: 'key', id: p.keyId, name: p.name };
}

export function can(p: Principal | undefined, permission: Permission): boolean {
  return !!p?.permissions.has(permission);
}
