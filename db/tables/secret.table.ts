import type { ColumnType } from 'kysely';
import type { CreatedAt, UpdatedAt } from './workspace.table.js';

/** A workspace secret: sealed (never selected for an API answer), with who made and last replaced it. */
export interface WorkspaceSecretTable {
  workspace_id: string;
  name: string;
  sealed: string;
  created_at: CreatedAt;
  /** `user:<id>` or `key:<id>` */
  created_by: ColumnType<string | null, string | null | undefined, never>;
  created_by_name: ColumnType<string | null, string | null | undefined, never>;
  updated_at: UpdatedAt;
  updated_by: string | null;
  updated_by_name: string | null;
}
