import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { GuideTaskStatus } from '../../db/tables/guide.table.js';
import { type Page, paginate } from '../api/pagination.js';
import type { GuideStatsRow, GuideTaskView } from './guide-views.js';

// The tasks journeys give guides (guide.task): made once per visit, listed, completed, reminded, settled.

type Db = Kysely<Database>;

export interface NewGuideTask {
  workspaceId: string;
  guideId: string;
  memberId: string;
  journeyId: string;
  runId: string;
  nodeId: string;
  idempotencyKey: string;
  title: string;
  script: string;
  couponTemplateId: string | null;
  dueAt: Date;
  remindAt: Date | null;
}

/** The task of this idempotency key: made now, or the one an earlier attempt made. */
export async function createTaskOnce(db: Db, t: NewGuideTask) {
  await db
    .insertInto('guide_tasks')
    .values({
      workspace_id: t.workspaceId,
      guide_id: t.guideId,
      member_id: t.memberId,
      journey_id: t.journeyId,
      run_id: t.runId,
      node_id: t.nodeId,
      idempotency_key: t.idempotencyKey,
      title: t.title,
      script: t.script,
      coupon_template_id: t.couponTemplateId,
      due_at: t.dueAt,
      remind_at: t.remindAt,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return findTaskByKey(db, t.idempotencyKey);
}

export async function findTaskByKey(db: Db, idempotencyKey: string) {
  const row = await db
    .selectFrom('guide_tasks')
    .select(['id', 'guide_id', 'status', 'due_at'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row ?? null;
}

export interface TaskFilter {
  /** only this guide's tasks (a guide's own view, or an admin's filter) */
  guideId?: string;
  status?: GuideTaskStatus;
  journeyId?: string;
  /** open tasks due before the end of today (workspace time) */
  dueToday?: boolean;
  /** open tasks past their due time, and tasks recorded overdue */
  overdue?: boolean;
}

function tasksQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('guide_tasks as t')
    .innerJoin('guides as g', 'g.id', 't.guide_id')
    .innerJoin('members as m', 'm.id', 't.member_id')
    .leftJoin('journeys as j', 'j.id', 't.journey_id')
    .leftJoin('runs as r', 'r.id', 't.run_id')
    .leftJoin('coupon_templates as ct', 'ct.id', 't.coupon_template_id')
    .select([
      't.id',
      'r.ended_at as runEndedAt',
      'ct.name as couponName',
      'g.id as guideId',
      'g.name as guideName',
      'g.store as guideStore',
      'm.id as memberId',
      'm.external_id as memberExternalId',
      'm.name as memberName',
      'm.phone as memberPhone',
      't.journey_id as journeyId',
      'j.name as journeyName',
      't.run_id as runId',
      't.title',
      't.script',
      't.coupon_template_id as couponTemplateId',
      't.status',
      't.due_at as dueAt',
      't.remind_at as remindAt',
      't.reminded_at as remindedAt',
      't.done_at as doneAt',
      't.note',
      't.created_at as createdAt',
    ])
    .where('t.workspace_id', '=', workspaceId);
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof tasksQuery>['executeTakeFirstOrThrow']>>;

/**
 * A task's status as of `now`, before the sweep records it: an open task whose run ended before its due time
 * ended another way (goal, exit criterion, cancel) and is cancelled; one past its due time is overdue (its run
 * took `overdue` then, and may have ended since).
 */
function effectiveStatus(
  r: { status: GuideTaskStatus; dueAt: Date; runEndedAt: Date | null },
  now: Date,
): GuideTaskStatus {
  if (r.status !== 'open') return r.status;
  if (r.runEndedAt && r.runEndedAt.getTime() < r.dueAt.getTime()) return 'cancelled';
  return r.dueAt.getTime() <= now.getTime() ? 'overdue' : 'open';
}

/** The task's run ended before the task was due: it left the journey another way. */
const endedEarly = (eb: ExpressionBuilder<any, any>) =>
  eb.and([eb('r.ended_at', 'is not', null), eb('r.ended_at', '<', eb.ref('t.due_at'))]);
/** Nobody stopped waiting for the task early (its run lives, or ended after the due time). */
const notEndedEarly = (eb: ExpressionBuilder<any, any>) =>
  eb.or([eb('r.ended_at', 'is', null), eb('r.ended_at', '>=', eb.ref('t.due_at'))]);

async function toViews(db: Db, rows: TaskRow[], now: Date): Promise<GuideTaskView[]> {
  const memberIds = [...new Set(rows.map((r) => r.memberId))];
  const tags = memberIds.length
    ? await db
        .selectFrom('member_tags')
        .select(['member_id', 'tag'])
        .where('member_id', 'in', memberIds)
        .orderBy('tag')
        .execute()
    : [];
  const tagsOf = new Map<string, string[]>();
  for (const t of tags) tagsOf.set(t.member_id, [...(tagsOf.get(t.member_id) ?? []), t.tag]);
  return rows.map((r) => ({
    id: r.id,
    guide: { id: r.guideId, name: r.guideName, store: r.guideStore },
    member: {
      externalId: r.memberExternalId,
      name: r.memberName,
      phone: r.memberPhone,
      tags: tagsOf.get(r.memberId) ?? [],
    },
    journeyId: r.journeyId,
    journeyName: r.journeyName,
    runId: r.runId,
    title: r.title,
    // as written until the route renders it for its viewer (withRenderedScripts)
    script: r.script,
    scriptTemplate: r.script,
    couponTemplateId: r.couponTemplateId,
    coupon: r.couponTemplateId ? { templateId: r.couponTemplateId, name: r.couponName } : null,
    status: effectiveStatus(r, now),
    dueAt: r.dueAt,
    remindAt: r.remindAt,
    remindedAt: r.remindedAt,
    doneAt: r.doneAt,
    note: r.note,
    createdAt: r.createdAt,
  }));
}

export async function listTasks(
  db: Db,
  workspaceId: string,
  filter: TaskFilter,
  page: Page,
  now: Date,
): Promise<{ items: GuideTaskView[]; nextCursor: string | null }> {
  let q = tasksQuery(db, workspaceId);
  if (filter.guideId) q = q.where('t.guide_id', '=', filter.guideId);
  if (filter.journeyId) q = q.where('t.journey_id', '=', filter.journeyId);
  // statuses as the views show them (effectiveStatus): open means still waited for and not yet due
  if (filter.status === 'open')
    q = q.where('t.status', '=', 'open').where('t.due_at', '>', now).where(notEndedEarly);
  if (filter.status === 'done') q = q.where('t.status', '=', 'done');
  if (filter.status === 'cancelled')
    q = q.where((eb) =>
      eb.or([eb('t.status', '=', 'cancelled'), eb.and([eb('t.status', '=', 'open'), endedEarly(eb)])]),
    );
  if (filter.overdue || filter.status === 'overdue')
    q = q.where((eb) =>
      eb.or([
        eb('t.status', '=', 'overdue'),
        eb.and([eb('t.status', '=', 'open'), eb('t.due_at', '<=', now), notEndedEarly(eb)]),
      ]),
    );
  if (filter.dueToday) {
    q = q.where(notEndedEarly);
    // the end of today on the workspace's clock
    const endOfDay = sql<Date>`(date_trunc('day', ${now}::timestamptz at time zone w.timezone) + interval '1 day') at time zone w.timezone`;
    q = q
      .innerJoin('workspaces as w', 'w.id', 't.workspace_id')
      .where('t.status', '=', 'open')
      .where('t.due_at', '>', now)
      .where('t.due_at', '<', endOfDay);
  }
  const result = await paginate(q, { at: 't.created_at', id: 't.id' }, page);
  return { items: await toViews(db, result.items as TaskRow[], now), nextCursor: result.nextCursor };
}

export async function findTaskView(
  db: Db,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<GuideTaskView | null> {
  const row = await tasksQuery(db, workspaceId).where('t.id', '=', id).executeTakeFirst();
  return row ? (await toViews(db, [row], now))[0] : null;
}

/** The task row, locked until the caller's transaction ends: two completions queue here. */
export async function lockTask(trx: Db, workspaceId: string, id: string) {
  const row = await trx
    .selectFrom('guide_tasks as t')
    .leftJoin('runs as r', 'r.id', 't.run_id')
    .select([
      't.id',
      't.guide_id',
      't.status',
      't.due_at',
      't.node_id',
      't.run_id',
      'r.workflow_id',
      'r.ended_at as run_ended_at',
    ])
    .where('t.workspace_id', '=', workspaceId)
    .where('t.id', '=', id)
    .forUpdate('t')
    .executeTakeFirst();
  return row ?? null;
}

export async function markTaskDone(
  trx: Db,
  id: string,
  done: { note: string | null; completedBy: string; at: Date },
) {
  await trx
    .updateTable('guide_tasks')
    .set({ status: 'done', done_at: done.at, note: done.note, completed_by: done.completedBy })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
}

/** Open tasks whose due time has passed are overdue: their runs took the `overdue` output at that time. */
export async function markOverdueTasks(db: Db, now: Date, ids?: string[]): Promise<number> {
  let q = db
    .updateTable('guide_tasks')
    .set({ status: 'overdue', overdue_at: now })
    .where('status', '=', 'open')
    .where('due_at', '<=', now)
    // a run that ended before the due time did not take `overdue`: its task is cancelled, not late
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('runs as r')
            .select('r.id')
            .whereRef('r.id', '=', 'guide_tasks.run_id')
            .whereRef('r.ended_at', '<', 'guide_tasks.due_at'),
        ),
      ),
    );
  if (ids) q = q.where('id', 'in', ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Open tasks whose run ended before they were due — it left the journey another way (goal, exit criterion,
 * cancel): nobody waits for them any more.
 */
export async function cancelTasksOfEndedRuns(db: Db, now: Date): Promise<number> {
  const r = await db
    .updateTable('guide_tasks as t')
    .from('runs as r')
    .set({ status: 'cancelled', cancelled_at: now })
    .whereRef('r.id', '=', 't.run_id')
    .where('t.status', '=', 'open')
    .whereRef('r.ended_at', '<', 't.due_at')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Open tasks whose reminder is due and not yet sent, oldest first. */
export async function dueReminders(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('guide_tasks as t')
    .innerJoin('guides as g', 'g.id', 't.guide_id')
    .innerJoin('members as m', 'm.id', 't.member_id')
    .select([
      't.id',
      't.workspace_id as workspaceId',
      't.title',
      't.due_at as dueAt',
      'g.id as guideId',
      'g.name as guideName',
      'g.wecom_userid as wecomUserId',
      'm.name as memberName',
      'm.external_id as memberExternalId',
    ])
    .leftJoin('runs as r', 'r.id', 't.run_id')
    .where(notEndedEarly)
    .where('t.status', '=', 'open')
    .where('t.reminded_at', 'is', null)
    .where('t.remind_at', '<=', now)
    .where('t.due_at', '>', now)
    .orderBy('t.remind_at')
    .limit(limit)
    .execute();
}

export async function markReminded(db: Db, id: string, at: Date) {
  await db
    .updateTable('guide_tasks')
    .set({ reminded_at: at })
    .where('id', '=', id)
    .where('reminded_at', 'is', null)
    .execute();
}

/** Per guide (and journey): tasks, open, done, overdue. */
export async function guideStats(
  db: Db,
  workspaceId: string,
  filter: { journeyId?: string; guideId?: string },
): Promise<GuideStatsRow[]> {
  let q = db
    .selectFrom('guide_tasks as t')
    .innerJoin('guides as g', 'g.id', 't.guide_id')
    .leftJoin('journeys as j', 'j.id', 't.journey_id')
    .select((eb) => [
      'g.id as guideId',
      'g.name as guideName',
      'g.store',
      't.journey_id as journeyId',
      eb.fn.max('j.name').as('journeyName'),
      sql<string>`count(*)`.as('tasks'),
      sql<string>`count(*) filter (where t.status = 'open')`.as('open'),
      sql<string>`count(*) filter (where t.status = 'done')`.as('done'),
      sql<string>`count(*) filter (where t.status = 'overdue')`.as('overdue'),
      sql<string>`count(*) filter (where t.status = 'cancelled')`.as('cancelled'),
      sql<string>`count(*) filter (where t.status = 'done' and t.done_at <= t.due_at)`.as('onTime'),
    ])
    .where('t.workspace_id', '=', workspaceId)
    .groupBy(['g.id', 'g.name', 'g.store', 't.journey_id'])
    .orderBy('g.name')
    .orderBy('t.journey_id');
  if (filter.journeyId) q = q.where('t.journey_id', '=', filter.journeyId);
  if (filter.guideId) q = q.where('t.guide_id', '=', filter.guideId);
  const rows = await q.execute();
  return rows.map((r) => {
    const tasks = Number(r.tasks);
    const done = Number(r.done);
    const overdue = Number(r.overdue);
    const cancelled = Number(r.cancelled);
    const settled = done + overdue;
    const counted = tasks - cancelled;
    return {
      guideId: r.guideId,
      guideName: r.guideName,
      store: r.store,
      journeyId: r.journeyId,
      journeyName: r.journeyName ?? null,
      tasks,
      open: Number(r.open),
      done,
      overdue,
      cancelled,
      completionRate: counted ? done / counted : null,
      onTimeRate: settled ? Number(r.onTime) / settled : null,
    };
  });
}
