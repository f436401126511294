import type { ColumnType, Generated } from 'kysely';

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: selected as the parsed value, written as a JSON string (pg would send arrays as pg arrays) */
export type Json<T> = ColumnType<T, string, string>;

export interface WorkspaceTable {
  id: string;
  name: string;
  timezone: Generated<string>;
  /** quiet hours, frequency caps… (validated by engine/settings; stored as given) */
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}
