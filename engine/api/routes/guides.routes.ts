import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import { actorOf, can } from '../../auth/principal.js';
import { withRenderedScripts } from '../../guides/guide-script.js';
import { findTaskView, guideStats, listTasks } from '../../guides/guide-tasks.repository.js';
import { completeTask, scopedGuideId, taskScope } from '../../guides/guide-tasks.service.js';
import type { GuideMemberView, GuideStatsRow, GuideTaskView, GuideView } from '../../guides/guide-views.js';
import {
  findGuide,
  insertGuide,
  isWorkspaceUser,
  listGuideMembers,
  listGuides,
  updateGuide,
} from '../../guides/guides.repository.js';
import { loadPersonalAttributes } from '../../settings/workspace-settings.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { pageQuery } from '../pagination.js';
import { body, query, safeText, uuidParam } from '../validate.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const guideBody = z.object({
  name: safeText(100, { min: 1, trim: true, line: true }),
  /** the guide's userid in the brand's WeCom (企业微信) */
  wecomUserId: safeText(64, { min: 1, trim: true, line: true }),
  store: safeText(100, { trim: true, line: true }).nullable().optional(),
  /** the account the guide signs in with (give it the `guide` role) */
  userId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
});
const guidePatch = guideBody.partial();
const guidesQuery = z.object({
  active: flag.optional(),
  store: safeText(100, { line: true }).optional(),
  ...pageQuery,
});
const statsQuery = z.object({ journeyId: z.uuid().optional(), guideId: z.uuid().optional() });
const tasksQuery = z.object({
  status: z.enum(['open', 'done', 'overdue', 'cancelled']).optional(),
  /** open tasks due before the end of today */
  dueToday: flag.optional(),
  /** tasks past their due time */
  overdue: flag.optional(),
  /** one guide's tasks (callers who see everyone's; a guide always sees only their own) */
  guideId: z.uuid().optional(),
  journeyId: z.uuid().optional(),
  ...pageQuery,
});
const guideMembersQuery = z.object({ guideId: z.uuid().optional(), ...pageQuery });
const completeBody = z.object({ note: safeText(1000, { trim: true }).nullable().optional() });

documented({
  method: 'get',
  path: '/api/guides',
  summary: 'Shopping guides (导购): filter by active and store; cursor pages',
  tag: 'guides',
  query: guidesQuery,
  permission: 'guides.read',
});
documented({
  method: 'post',
  path: '/api/guides',
  summary: 'Create a guide (WeCom user id unique in the workspace; optionally linked to an account)',
  tag: 'guides',
  body: guideBody,
  status: 201,
  permission: 'guides.manage',
  audit: 'guide.create',
});
documented({
  method: 'get',
  path: '/api/guides/stats',
  summary: 'Per guide and journey: tasks, done, overdue, completion rate and on-time rate',
  tag: 'guides',
  query: statsQuery,
  permission: 'guides.read',
});
documented({
  method: 'get',
  path: '/api/guides/:id',
  summary: 'One guide',
  tag: 'guides',
  permission: 'guides.read',
});
documented({
  method: 'put',
  path: '/api/guides/:id',
  summary: 'Change a guide (the fields given)',
  tag: 'guides',
  body: guidePatch,
  permission: 'guides.manage',
  audit: 'guide.update',
});
documented({
  method: 'delete',
  path: '/api/guides/:id',
  summary:
    'Deactivate a guide: their tasks and figures stay, their members take `no_guide` in new guide tasks',
  tag: 'guides',
  permission: 'guides.manage',
  audit: 'guide.deactivate',
});
documented({
  method: 'get',
  path: '/api/guide-tasks',
  summary:
    'Guide tasks, newest first: a guide sees only their own; others may filter by guide. Filters: status, dueToday, overdue, journey',
  tag: 'guides',
  query: tasksQuery,
  permission: 'guide_tasks.read',
});
documented({
  method: 'get',
  path: '/api/guide-tasks/:id',
  summary: 'One guide task (a guide: only their own)',
  tag: 'guides',
  permission: 'guide_tasks.read',
});
documented({
  method: 'post',
  path: '/api/guide-tasks/:id/complete',
  summary:
    'Mark a task done with a note: the run waiting on it takes `done`. Again: no change. Past its due time: 409',
  tag: 'guides',
  body: completeBody,
  permission: 'guide_tasks.complete',
  audit: 'guide_task.complete',
});
documented({
  method: 'get',
  path: '/api/guide-members',
  summary: 'The members a guide owns, basic profile (a guide: their own; others may filter by guide)',
  tag: 'guides',
  query: guideMembersQuery,
  permission: 'guide_tasks.read',
});

/** A unique-constraint violation: the WeCom user id, or the account, is another guide's already. */
function uniqueViolation(err: unknown): AppError | null {
  const e = err as { code?: string; constraint?: string };
  if (e?.code !== '23505') return null;
  return e.constraint === 'guides_workspace_user_uq'
    ? new AppError('conflict', 'this account is another guide’s already', { field: 'userId' })
    : new AppError('conflict', 'a guide with this WeCom user id exists already', { field: 'wecomUserId' });
}

export function guideRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  /** The tasks' scripts rendered for this caller: masked as they see members (guides see contacts masked). */
  const rendered = async (c: Context<AppEnv>, tasks: GuideTaskView[]) => {
    const ws = c.get('workspaceId');
    const mask = can(c.get('principal'), 'members.pii')
      ? null
      : { personalAttributes: await loadPersonalAttributes(db, ws) };
    return withRenderedScripts(db, ws, tasks, mask);
  };

  const checkUser = async (workspaceId: string, userId: string | null | undefined) => {
    if (userId && !(await isWorkspaceUser(db, workspaceId, userId)))
      throw new AppError('invalid_input', 'userId: no such account in this workspace', { field: 'userId' });
  };

  app.get('/guides', async (c) => {
    const q = query(c, guidesQuery);
    const page = await listGuides(db, c.get('workspaceId'), q, q);
    return c.json({ guides: page.items satisfies GuideView[], nextCursor: page.nextCursor });
  });

  app.post('/guides', async (c) => {
    const ws = c.get('workspaceId');
    const input = await body(c, guideBody);
    await checkUser(ws, input.userId);
    try {
      const guide = await audited(c, db, async (trx) => {
        const g = await insertGuide(trx, ws, input);
        audit(c).target('guide', g.id);
        return g;
      });
      return c.json({ guide: guide satisfies GuideView }, 201);
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
  });

  app.get('/guides/stats', async (c) => {
    const q = query(c, statsQuery);
    const stats = await guideStats(db, c.get('workspaceId'), q);
    return c.json({ stats: stats satisfies GuideStatsRow[] });
  });

  app.get('/guides/:id', async (c) => {
    const guide = await findGuide(db, c.get('workspaceId'), uuidParam(c, 'id', 'guide'));
    if (!guide) throw notFound('guide');
    return c.json({ guide: guide satisfies GuideView });
  });

  app.put('/guides/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'guide');
    const input = await body(c, guidePatch);
    if (!(await findGuide(db, ws, id))) throw notFound('guide');
    await checkUser(ws, input.userId);
    try {
      const guide = await audited(c, db, async (trx) => {
        audit(c).target('guide', id);
        return updateGuide(trx, ws, id, input);
      });
      if (!guide) throw notFound('guide');
      return c.json({ guide: guide satisfies GuideView });
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
  });

  app.delete('/guides/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'guide');
    const guide = await audited(c, db, async (trx) => {
      audit(c).target('guide', id);
      return updateGuide(trx, ws, id, { active: false });
    });
    if (!guide) throw notFound('guide');
    return c.json({ guide: guide satisfies GuideView });
  });

  app.get('/guide-tasks', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, tasksQuery);
    const scope = await taskScope(db, ws, c.get('principal'));
    const guideId = scopedGuideId(scope, q.guideId);
    if (guideId === null) return c.json({ tasks: [], nextCursor: null });
    const page = await listTasks(db, ws, { ...q, guideId }, q, new Date());
    const tasks = await rendered(c, page.items);
    return c.json({ tasks: tasks satisfies GuideTaskView[], nextCursor: page.nextCursor });
  });

  app.get('/guide-tasks/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'guide task');
    const scope = await taskScope(db, ws, c.get('principal'));
    const task = await findTaskView(db, ws, id, new Date());
    if (!task || (!scope.all && task.guide.id !== scope.guideId)) throw notFound('guide task');
    const [shown] = await rendered(c, [task]);
    return c.json({ task: shown satisfies GuideTaskView });
  });

  app.post('/guide-tasks/:id/complete', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'guide task');
    const input = await body(c, completeBody);
    const principal = c.get('principal');
    const scope = await taskScope(db, ws, principal);
    const actor = actorOf(principal);
    const outcome = await completeTask(
      db,
      temporal,
      {
        workspaceId: ws,
        taskId: id,
        scope,
        note: input.note ?? null,
        by: `${actor.type}:${actor.id}`,
        now: new Date(),
      },
      (change) =>
        audited(c, db, async (trx) => {
          audit(c).target('guide_task', id);
          const done = await change(trx);
          audit(c).detail({ alreadyDone: done.alreadyDone });
          return done;
        }),
    );
    const task = await findTaskView(db, ws, id, new Date());
    const [shown] = task ? await rendered(c, [task]) : [null];
    return c.json({ task: shown satisfies GuideTaskView | null, alreadyDone: outcome.alreadyDone });
  });

  app.get('/guide-members', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, guideMembersQuery);
    const scope = await taskScope(db, ws, c.get('principal'));
    const guideId = scopedGuideId(scope, q.guideId);
    if (guideId === null) return c.json({ members: [], nextCursor: null });
    const page = await listGuideMembers(db, ws, guideId, q);
    return c.json({ members: page.items satisfies GuideMemberView[], nextCursor: page.nextCursor });
  });

  return app;
}
