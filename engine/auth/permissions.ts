/**
 * The one table of who may do what. A route declares the permission it needs (its `documented({ permission })`
 * entry, see engine/api/openapi.ts); a user's role in the workspace and an API key's scopes map to sets of
 * permissions here, and nowhere else. The route-table test walks every route against every role and scope.
 */

/** What a route needs. Workspace permissions apply in the workspace of the session or the key. */
export const PERMISSIONS = [
  'journeys.read',
  /** create and edit drafts (also templates, simulate with a draft) */
  'journeys.edit',
  'journeys.publish',
  /** pause and resume: stop and start admitting members */
  'journeys.pause',
  'journeys.archive',
  'audiences.read',
  'audiences.edit',
  /** coupon templates */
  'coupons.edit',
  'members.read',
  /** phone numbers and emails unmasked; without it they read `138****0000` */
  'members.pii',
  /** create and update members (upserts, imports) */
  'members.edit',
  /** import members in bulk (a CSV list): marketers too, without editing or erasing single members */
  'members.import',
  'members.delete',
  /** send member events */
  'events.ingest',
  'events.read',
  /** retry or drop dead-lettered events */
  'events.manage',
  'runs.read',
  /** cancel a run, retry a failed step */
  'runs.operate',
  'settings.read',
  'settings.edit',
  /** workspace secrets: create, replace, delete (their values are never read back, by anyone) */
  'secrets.manage',
  /** invite and remove users, change roles */
  'users.manage',
  'keys.manage',
  'audit.read',
  /** create workspaces (the creator becomes their admin) */
  'workspaces.create',
  /** shopping guides (导购) and their completion figures */
  'guides.read',
  /** create, edit and deactivate guides */
  'guides.manage',
  /** guide tasks: a holder without `guide_tasks.all.read` sees only the tasks of the guide they are */
  'guide_tasks.read',
  /** every guide's tasks and members, not just one's own (not a route permission: it widens what a route shows) */
  'guide_tasks.all.read',
  /** mark a guide task done (a guide their own; with `guide_tasks.all.read`, anyone's) */
  'guide_tasks.complete',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Not permissions but the two ways a route can be open: `public` needs no credentials (health, sign-in,
 * first start); `signed_in` needs a user's session but no workspace permission (sign-out, switching workspace).
 */
export type RouteAccess = Permission | 'public' | 'signed_in';

const READ: Permission[] = [
  'journeys.read',
  'audiences.read',
  'members.read',
  'events.read',
  'runs.read',
  'settings.read',
  'guides.read',
  'guide_tasks.read',
  'guide_tasks.all.read',
];

/** Roles a user has per workspace, from most to least powerful. */
export const ROLES = ['admin', 'marketer', 'ops', 'viewer', 'guide'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  /** users, roles, API keys, workspace settings, plus everything below */
  admin: PERMISSIONS,
  /** journeys, audiences, templates, coupon templates: create, edit, publish, pause, archive */
  marketer: [
    ...READ,
    'members.pii',
    'journeys.edit',
    'journeys.publish',
    'journeys.pause',
    'journeys.archive',
    'audiences.edit',
    'coupons.edit',
    // a marketer brings the list a campaign is for (issue 19); editing or erasing one member stays with ops
    'members.import',
  ],
  /** members (view, edit, delete), runs (cancel, retry), pause / resume journeys, dead-lettered events */
  ops: [
    ...READ,
    'members.pii',
    'members.edit',
    'members.import',
    'members.delete',
    'events.ingest',
    'events.manage',
    'runs.operate',
    'journeys.pause',
    'guides.manage',
    'guide_tasks.complete',
  ],
  /** read only, phone numbers and emails masked */
  viewer: READ,
  /** a shopping guide: their own tasks and their own members' basic profile, nothing else */
  guide: ['guide_tasks.read', 'guide_tasks.complete'],
};

/** API key scopes: what a system may do in the key's workspace. */
export const SCOPES = ['ingest', 'read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const SCOPE_PERMISSIONS: Record<Scope, readonly Permission[]> = {
  /** what a brand's backend needs: events, member upserts and imports */
  ingest: ['events.ingest', 'members.edit', 'members.import'],
  read: [...READ, 'members.pii'],
  /** everything a marketer and ops can do */
  write: [...new Set([...ROLE_PERMISSIONS.marketer, ...ROLE_PERMISSIONS.ops])],
  /** a workspace is made by a person, who becomes its admin: no key creates one */
  admin: PERMISSIONS.filter((p) => p !== 'workspaces.create'),
};

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return (SCOPES as readonly unknown[]).includes(value);
}

/** A role's permissions; a role this build does not know (a newer build's row) grants nothing. */
export function rolePermissions(role: string | null | undefined): ReadonlySet<Permission> {
  return new Set(isRole(role) ? ROLE_PERMISSIONS[role] : []);
}

/** The union of the scopes' permissions; unknown scopes grant nothing. */
export function scopePermissions(scopes: readonly string[]): ReadonlySet<Permission> {
  return new Set(scopes.flatMap((s) => (isScope(s) ? SCOPE_PERMISSIONS[s] : [])));
}
