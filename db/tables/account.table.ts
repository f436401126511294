import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './workspace.table.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UserTable {
  id: Generated<string>;
  /** trimmed and lower-cased */
  email: string;
  name: Generated<string>;
  /** Argon2id PHC string */
  password_hash: string;
  created_at: CreatedAt;
  password_changed_at: Timestamp;
  /** the last time the address was proven by a link mailed to it (through any workspace's mail) */
  email_verified_at: NullableTimestamp;
}

/** A user's role in a workspace (engine/auth/permissions.ts says what each role may do). */
export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: string;
  invited_by: string | null;
  created_at: CreatedAt;
  /** the address proven to this workspace through its own mail */
  email_proven_at: NullableTimestamp;
  /** a password reset through another workspace's mail: no access here until the address is proven here */
  suspended_at: NullableTimestamp;
}

export interface SessionTable {
  id: Generated<string>;
  /** SHA-256 (hex) of the cookie's token */
  token_hash: string;
  user_id: string;
  workspace_id: string | null;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface InvitationTable {
  id: Generated<string>;
  token_hash: string;
  workspace_id: string;
  email: string;
  role: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  accepted_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** the invitee's existing account proved the address through this workspace's mail */
  email_proven_at: NullableTimestamp;
}

export type AccountTokenPurpose = 'verify_email' | 'reset_password';

/** A link mailed to an account's address (verify it, reset the password): single use, only its hash kept. */
export interface AccountTokenTable {
  id: Generated<string>;
  /** SHA-256 (hex) of the link's token */
  token_hash: string;
  purpose: AccountTokenPurpose;
  user_id: string;
  /** the address it was mailed to */
  email: string;
  /** whose mail server carried it: the workspace the proof counts for */
  workspace_id: string;
  invitation_id: string | null;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
}

export interface ApiKeyTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  prefix: string;
  /** SHA-256 (hex) of the key */
  key_hash: string;
  scopes: string[];
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
}

export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type InvitationRow = Selectable<InvitationTable>;
