import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './workspace.table.js';

type Instant = ColumnType<Date, Date | string, Date | string>;
type MaybeInstant = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** A shopping guide (导购): staff with a WeCom user id and a store, owning members. */
export interface GuideTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  wecom_userid: string;
  store: string | null;
  /** the account the guide signs in with (role `guide`) */
  user_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** `cancelled`: the run left the journey another way (goal, exit criterion, cancel) before the task was done */
export const GUIDE_TASK_STATUSES = ['open', 'done', 'overdue', 'cancelled'] as const;
export type GuideTaskStatus = (typeof GUIDE_TASK_STATUSES)[number];

/** A task a journey's `guide.task` node gave a guide about one member. */
export interface GuideTaskTable {
  id: Generated<string>;
  workspace_id: string;
  guide_id: string;
  member_id: string;
  journey_id: string | null;
  run_id: string | null;
  node_id: string | null;
  idempotency_key: string;
  title: string;
  script: Generated<string>;
  coupon_template_id: string | null;
  status: Generated<GuideTaskStatus>;
  due_at: Instant;
  remind_at: MaybeInstant;
  reminded_at: MaybeInstant;
  done_at: MaybeInstant;
  note: string | null;
  completed_by: string | null;
  overdue_at: MaybeInstant;
  cancelled_at: MaybeInstant;
  created_at: CreatedAt;
}

/** A reminder sent (or, by the default notifier, recorded) to a guide. */
export interface GuideReminderTable {
  id: Generated<string>;
  workspace_id: string;
  guide_id: string;
  task_id: string | null;
  text: string;
  idempotency_key: string;
  channel: Generated<string>;
  sent_at: CreatedAt;
}

export type GuideRow = Selectable<GuideTable>;
export type GuideTaskRow = Selectable<GuideTaskTable>;
