import type { ColumnType, Generated, Selectable } from 'kysely';

export type AuditActorType = 'user' | 'key' | 'system' | 'anonymous';
export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One change (or refused attempt): who, when, where, what, on what, how it ended, in which request. */
export interface AuditLogTable {
  /** increasing: the cursor of `GET /api/audit` */
  id: ColumnType<number, never, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
  workspace_id: string | null;
  actor_type: AuditActorType;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** Fixed-window counters of the rate limits, shared by every API process. */
export interface RateLimitTable {
  bucket: string;
  window_start: Date;
  hits: Generated<number>;
}

export type AuditLogRow = Selectable<AuditLogTable>;
