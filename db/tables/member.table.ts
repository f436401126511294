import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CreatedAt, Json, UpdatedAt } from './workspace.table.js';

export interface MemberTable {
  id: Generated<string>;
  workspace_id: string;
  /** the brand's own member id: the API speaks only this */
  external_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** IANA zone; null means the workspace's */
  timezone: string | null;
  attributes: Json<Record<string, unknown>>;
  /** per channel: false means the member opted out; absent means allowed */
  consent: Json<Record<string, boolean>>;
  /** the shopping guide (导购) who owns the member; null: none */
  guide_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** set when the member was erased (a PIPL request): the row stays for the counts, without personal data */
  erased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** An erased external id, kept as SHA-256(workspace, id): a retried erase is answered, not a 404. */
export interface MemberErasureTable {
  workspace_id: string;
  external_id_hash: string;
  member_id: string;
  runs_cancelled: ColumnType<number, number | undefined, number>;
  erased_at: ColumnType<Date, Date | string | undefined, never>;
  /** `user:<id>` or `key:<id>` */
  erased_by: string | null;
}

export interface MemberTagTable {
  workspace_id: string;
  member_id: string;
  tag: string;
  created_at: CreatedAt;
}

export type MemberRow = Selectable<MemberTable>;
export type NewMember = Insertable<MemberTable>;
