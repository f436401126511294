import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** A reminder to a shopping guide about their task (or anything else a guide should be told). */
export interface GuideReminder {
  workspaceId: string;
  guide: { id: string; name: string; wecomUserId: string };
  /** the task it is about, when it is about one */
  taskId: string | null;
  text: string;
  /** the same key twice is one reminder: a sweep that is retried or runs twice sends nothing new */
  idempotencyKey: string;
}

/**
 * How guides are told. The default records the reminder in `guide_reminders` (ops see it; the guide sees
 * their tasks in the workbench); a WeCom notifier sends it as an app message to `guide.wecomUserId`.
 * An implementation must be idempotent by `idempotencyKey`.
 */
export interface GuideNotifier {
  send(reminder: GuideReminder): Promise<void>;
}

/** The default notifier: a row per reminder, one per key. */
export function recordingNotifier(db: Kysely<Database>): GuideNotifier {
  return {
    async send(r) {
      await db
        .insertInto('guide_reminders')
        .values({
          workspace_id: r.workspaceId,
          guide_id: r.guide.id,
          task_id: r.taskId,
          text: r.text,
          idempotency_key: r.idempotencyKey,
          channel: 'record',
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    },
  };
}
