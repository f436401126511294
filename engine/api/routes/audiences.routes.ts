import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { broadcastView, createBroadcast, evaluateSegmentSoon } from '../../segments/broadcasts.service.js';
import { segmentBody, segmentRule } from '../../segments/rules.js';
import {
  checkRuleOrThrow,
  checkRuleSizeOrThrow,
  createSegment,
  deleteSegment,
  findSegmentOrThrow,
  journeysUsingSegment,
  journeysUsingSegments,
  previewRule,
  segmentMemberCounts,
  segmentView,
  updateSegment,
} from '../../segments/segments.repository.js';
import { notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { pageQuery, paginate } from '../pagination.js';
import { body, externalId, query, uuidParam } from '../validate.js';
import type { SegmentDetail, SegmentMemberView, SegmentSummary } from '../views.js';

const previewBody = z.object({ rule: segmentRule });
const membersQuery = z.object({
  /** only members who entered at or after this time ("who entered today") */
  since: z.coerce.date().min(new Date('2000-01-01')).max(new Date('2100-01-01')).optional(),
  ...pageQuery,
});
const enterBody = z.object({
  /** your member ids (at most 100,000 in one call); unknown ids are reported, not created */
  memberIds: z.array(externalId).min(1).max(100_000).optional(),
  /** or everyone in an audience now */
  segmentId: z.uuid().optional(),
  /** the pace; at most the journey's hourly entry limit / 60 (default 2,000 a minute) */
  perMinute: z.number().int().min(1).max(100_000).optional(),
});
const broadcastsQuery = z.object({ journeyId: z.uuid().optional(), ...pageQuery });
const segmentsQuery = z.object({ ...pageQuery });

documented({
  method: 'get',
  path: '/api/segments',
  summary: 'Audiences with their member counts and the published journeys using each',
  tag: 'audiences',
  permission: 'audiences.read',
});
documented({
  method: 'post',
  path: '/api/segments',
  summary: 'Create an audience (its members are worked out at once)',
  tag: 'audiences',
  body: segmentBody,
  status: 201,
  permission: 'audiences.edit',
  audit: 'segment.create',
});
documented({
  method: 'post',
  path: '/api/segments/preview',
  summary: 'How many members a rule matches now, and a sample (for the editor, before saving)',
  tag: 'audiences',
  body: previewBody,
  permission: 'audiences.read',
  audit: false,
  rateLimit: 'preview',
  concurrency: 'preview',
});
documented({
  method: 'get',
  path: '/api/segments/:id',
  summary: 'An audience, its count and the journeys using it',
  tag: 'audiences',
  permission: 'audiences.read',
});
documented({
  method: 'put',
  path: '/api/segments/:id',
  summary: 'Change an audience (name, rule)',
  tag: 'audiences',
  body: segmentBody,
  permission: 'audiences.edit',
  audit: 'segment.update',
});
documented({
  method: 'delete',
  path: '/api/segments/:id',
  summary: 'Delete an audience (refused while published journeys or other audiences use it)',
  tag: 'audiences',
  permission: 'audiences.edit',
  audit: 'segment.delete',
});
documented({
  method: 'get',
  path: '/api/segments/:id/preview',
  summary: 'Count and sample of the rule now',
  tag: 'audiences',
  permission: 'audiences.read',
  rateLimit: 'preview',
  concurrency: 'preview',
});
documented({
  method: 'get',
  path: '/api/segments/:id/members',
  summary: 'Who is in the audience now (newest entries first; `since` for who entered today)',
  tag: 'audiences',
  query: membersQuery,
  permission: 'audiences.read',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/enter',
  summary: 'Enter a list of members or an audience into a manual-trigger journey, paced (202)',
  tag: 'journeys',
  body: enterBody,
  status: 202,
  permission: 'journeys.publish',
  audit: 'journey.enter',
});
documented({
  method: 'get',
  path: '/api/broadcasts',
  summary: 'Broadcasts and their progress',
  tag: 'journeys',
  query: broadcastsQuery,
  permission: 'journeys.read',
});
documented({
  method: 'get',
  path: '/api/broadcasts/:id',
  summary: 'One broadcast’s progress',
  tag: 'journeys',
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/broadcasts/:id/cancel',
  summary: 'Stop a broadcast (members already entered stay in)',
  tag: 'journeys',
  permission: 'journeys.publish',
  audit: 'broadcast.cancel',
});

export function audienceRoutes({ db, temporal }: AppDeps, auth: AuthConfig) {
  const previewLimits = { timeoutMs: auth.previewTimeoutMs };
  const app = new Hono<AppEnv>();

  app.get('/segments', async (c) => {
    const q = query(c, segmentsQuery);
    const page = await paginate(
      db.selectFrom('segments').selectAll().where('workspace_id', '=', c.get('workspaceId')),
      { at: 'created_at', id: 'id' },
      q,
    );
    const ids = page.items.map((r) => r.id);
    const [counts, usedBy] = await Promise.all([
      segmentMemberCounts(db, ids),
      journeysUsingSegments(db, c.get('workspaceId'), ids),
    ]);
    return c.json({
      segments: page.items.map((r) => ({
        ...segmentView(r, { members: counts.get(r.id) ?? 0 }),
        journeys: usedBy.get(r.id) ?? [],
      })) satisfies SegmentSummary[],
      nextCursor: page.nextCursor,
    });
  });

  app.post('/segments', async (c) => {
    const input = await body(c, segmentBody);
    const row = await audited(c, db, async (trx) => {
      const r = await createSegment(trx, c.get('workspaceId'), input);
      audit(c).target('segment', r.id).detail({ name: r.name });
      return r;
    });
    await evaluateSegmentSoon(temporal, row.id, row.updated_at.toISOString());
    return c.json({ segment: segmentView(row, { members: 0 }) }, 201);
  });

  app.post('/segments/preview', async (c) => {
    const { rule } = await body(c, previewBody);
    // the checks a save makes, so the editor marks a bad row while the marketer types, not only on save
    await checkRuleOrThrow(db, c.get('workspaceId'), null, rule);
    return c.json(await previewRule(db, c.get('workspaceId'), rule, previewLimits));
  });

  app.get('/segments/:id', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findSegmentOrThrow(db, ws, uuidParam(c, 'id', 'audience'));
    const counts = await segmentMemberCounts(db, [row.id]);
    return c.json({
      segment: segmentView(row, { members: counts.get(row.id) ?? 0 }),
      journeys: await journeysUsingSegment(db, ws, row.id),
    } satisfies SegmentDetail);
  });

  app.put('/segments/:id', async (c) => {
    const id = uuidParam(c, 'id', 'audience');
    const input = await body(c, segmentBody);
    const row = await audited(c, db, async (trx) => {
      audit(c).target('segment', id);
      return updateSegment(trx, c.get('workspaceId'), id, input);
    });
    await evaluateSegmentSoon(temporal, row.id, row.updated_at.toISOString());
    const counts = await segmentMemberCounts(db, [row.id]);
    return c.json({ segment: segmentView(row, { members: counts.get(row.id) ?? 0 }) });
  });

  app.delete('/segments/:id', async (c) => {
    const id = uuidParam(c, 'id', 'audience');
    await audited(c, db, async (trx) => {
      audit(c).target('segment', id);
      await deleteSegment(trx, c.get('workspaceId'), id);
    });
    return c.json({ ok: true });
  });

  app.get('/segments/:id/preview', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findSegmentOrThrow(db, ws, uuidParam(c, 'id', 'audience'));
    const rule = segmentRule.parse(row.rule);
    // a rule saved before the size limits existed is refused as a new one would be, not counted for minutes
    checkRuleSizeOrThrow(rule);
    return c.json(await previewRule(db, ws, rule, previewLimits));
  });

  app.get('/segments/:id/members', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findSegmentOrThrow(db, ws, uuidParam(c, 'id', 'audience'));
    const q = query(c, membersQuery);
    let sel = db
      .selectFrom('segment_members as sm')
      .innerJoin('members as m', 'm.id', 'sm.member_id')
      .select(['sm.entered_at as enteredAt', 'm.external_id as memberId', 'm.name', 'm.phone', 'm.email'])
      .where('sm.segment_id', '=', row.id)
      .where('sm.left_at', 'is', null);
    if (q.since) sel = sel.where('sm.entered_at', '>=', q.since);
    const page = await paginate(sel, { at: 'sm.entered_at', id: 'sm.id' }, q);
    return c.json({ members: page.items satisfies SegmentMemberView[], nextCursor: page.nextCursor });
  });

  app.post('/journeys/:id/enter', async (c) => {
    const id = uuidParam(c, 'id', 'journey');
    const input = await body(c, enterBody);
    audit(c).target('journey', id).detail({ members: input.memberIds?.length, segmentId: input.segmentId });
    const result = await createBroadcast(db, temporal, c.get('workspaceId'), id, input);
    audit(c).detail({ broadcastId: result.broadcast.id, total: result.broadcast.total });
    return c.json(result, 202);
  });

  app.get('/broadcasts', async (c) => {
    const q = query(c, broadcastsQuery);
    let sel = db.selectFrom('broadcasts').selectAll().where('workspace_id', '=', c.get('workspaceId'));
    if (q.journeyId) sel = sel.where('journey_id', '=', q.journeyId);
    const page = await paginate(sel, { at: 'created_at', id: 'id' }, q);
    return c.json({ broadcasts: page.items.map(broadcastView), nextCursor: page.nextCursor });
  });

  app.get('/broadcasts/:id', async (c) => {
    const row = await db
      .selectFrom('broadcasts')
      .selectAll()
      .where('workspace_id', '=', c.get('workspaceId'))
      .where('id', '=', uuidParam(c, 'id', 'broadcast'))
      .executeTakeFirst();
    if (!row) throw notFound('broadcast');
    return c.json({ broadcast: broadcastView(row) });
  });

  app.post('/broadcasts/:id/cancel', async (c) => {
    const id = uuidParam(c, 'id', 'broadcast');
    const row = await audited(c, db, async (trx) => {
      audit(c).target('broadcast', id);
      return trx
        .updateTable('broadcasts')
        .set({ status: 'cancelled', finished_at: sql`now()` })
        .where('workspace_id', '=', c.get('workspaceId'))
        .where('id', '=', id)
        .where('status', '=', 'running')
        .returningAll()
        .executeTakeFirst();
    });
    if (!row) throw notFound('running broadcast');
    return c.json({ broadcast: broadcastView(row) });
  });

  return app;
}
