import type { ColumnType } from 'kysely';
import type { CreatedAt, UpdatedAt } from './workspace.table.js';

/** An SDK's anonymous id linked to the member it belongs to (migration 0022). */
export interface MemberIdentityTable {
  workspace_id: string;
  /** the id as the SDK sent it */
  identity: string;
  member_id: string;
  /** `segment` or `sensors` */
  source: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A profile update already applied, by its idempotency id, kept for the de-duplication window. */
export interface SdkReceiptTable {
  workspace_id: string;
  receipt_id: string;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}
