import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditEntryView } from '../../auth/views.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { query, safeText } from '../validate.js';

/** A moment Postgres can hold (a date far outside is a bad field, not a database error). */
const when = z.coerce.date().min(new Date('2000-01-01')).max(new Date('2200-01-01'));

const auditQuery = z.object({
  /** an action (`journey.publish`) or a kind of target's actions (`journey`) */
  action: z
    .string()
    .max(60)
    .regex(/^[a-z_]+(\.[a-z_]+)?$/, 'an action like journey.publish, or journey')
    .optional(),
  actorType: z.enum(['user', 'key', 'system', 'anonymous']).optional(),
  // text the database compares: a NUL or a lone surrogate is a bad field, not a 500
  actorId: safeText(100).optional(),
  targetType: safeText(40).optional(),
  targetId: safeText(200).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  from: when.optional(),
  to: when.optional(),
  /** `nextCursor` of the previous page */
  cursor: safeText(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

documented({
  method: 'get',
  path: '/api/audit',
  summary: 'The audit log of the workspace, newest first: filters and a cursor (`nextCursor`)',
  tag: 'access',
  query: auditQuery,
  permission: 'audit.read',
});

const encodeCursor = (id: number) => Buffer.from(`a${id}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const raw = Buffer.from(cursor, 'base64url').toString();
  const id = /^a(\d{1,18})$/.exec(raw)?.[1];
  if (!id) throw new AppError('invalid_input', 'cursor: not a cursor this API gave', { field: 'cursor' });
  return Number(id);
}

export function auditRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/audit', async (c) => {
    const q = query(c, auditQuery);
    let sel = db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', c.get('workspaceId'))
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.action)
      sel = q.action.includes('.')
        ? sel.where('action', '=', q.action)
        : sel.where('action', 'like', `${q.action}.%`);
    if (q.actorType) sel = sel.where('actor_type', '=', q.actorType);
    if (q.actorId) sel = sel.where('actor_id', '=', q.actorId);
    if (q.targetType) sel = sel.where('target_type', '=', q.targetType);
    if (q.targetId) sel = sel.where('target_id', '=', q.targetId);
    if (q.outcome) sel = sel.where('outcome', '=', q.outcome);
    if (q.from) sel = sel.where('at', '>=', q.from);
    if (q.to) sel = sel.where('at', '<', q.to);
    if (q.cursor) sel = sel.where('id', '<', decodeCursor(q.cursor));
    const rows = await sel.execute();
    const page = rows.slice(0, q.limit);
    const entries: AuditEntryView[] = page.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
      action: r.action,
      target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
      outcome: r.outcome,
      requestId: r.request_id,
      detail: r.detail,
    }));
    return c.json({
      entries,
      nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].id) : null,
    });
  });

  return app;
}
