import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { sendWecomAppMessage } from '../channels/wecom.channel.js';

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
export function recordingNotifier(db: Kysely<Database>, channel = 'record'): GuideNotifier {
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
          channel,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    },
  };
}

/**
 * The notifier the worker uses: the reminder is recorded (ops see it) and sent to the guide as a WeCom app
 * message, once per key. A workspace without WeCom app credentials gets the channel's sandbox send, recorded in
 * `staff_messages` like a real one. A rate limit or an unreachable WeCom throws, so the sweep's activity is retried
 * with the same key (the reminder is marked sent only after this returns); a permanent refusal (say, a userid WeCom
 * does not know) is kept on the staff message with WeCom's reason and is not retried.
 */
export function wecomGuideNotifier(db: Kysely<Database>): GuideNotifier {
  const record = recordingNotifier(db, 'wecom');
  return {
    async send(r) {
      await record.send(r);
      const out = await sendWecomAppMessage(db, r.workspaceId, r.guide.wecomUserId, r.text, r.idempotencyKey);
      if (out.status === 'queued')
        throw new Error(`WeCom app message to ${r.guide.wecomUserId} not sent yet: ${out.failure.message}`);
    },
  };
}
