import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import { actorOf } from '../../auth/principal.js';
import { findJourneyOrThrow } from '../../repositories/journey.repository.js';
import { addDays, journeyResults } from '../../results/report.js';
import { clearSplitDecision, pickSplitVariant, SplitDecisionError } from '../../results/split-decision.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, query, uuidParam } from '../validate.js';

const isCalendarDate = (d: unknown): d is string => {
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
};
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');

/** 2 years of days (a leap year included) */
const MAX_RANGE_DAYS = 731;

const resultsQuery = z
  .object({
    version: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .superRefine((q, ctx) => {
    // the object's check runs even when a field failed its own: only compare real dates
    if (!isCalendarDate(q.from) || !isCalendarDate(q.to)) return;
    if (q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `to (${q.to}) is before from (${q.from})` });
    else if (q.from < addDays(q.to, -(MAX_RANGE_DAYS - 1)))
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'a range is at most 2 years' });
  });

const decisionBody = z.object({
  variant: z.string().trim().min(1, 'choose a group').max(64),
});

documented({
  method: 'get',
  path: '/api/journeys/:id/results',
  summary:
    'Journey results: totals, holdout and lift, daily series, split variants with the winner, per-node counts (from rollups)',
  tag: 'results',
  query: resultsQuery,
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/splits/:nodeId/decision',
  summary: 'Pick a split’s winner by hand: later members go down its path (the holdout keeps its share)',
  tag: 'results',
  body: decisionBody,
  permission: 'journeys.publish',
  audit: 'journey.split_decision',
});
documented({
  method: 'delete',
  path: '/api/journeys/:id/splits/:nodeId/decision',
  summary: 'Back to the random split (the auto-winner will not decide this split again)',
  tag: 'results',
  permission: 'journeys.publish',
  audit: 'journey.split_decision_clear',
});

const splitNodeId = (raw: string | undefined) => {
  // node ids are short plain words (the compiler refuses others): anything else names no split
  if (!raw || !/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new AppError('not_found', 'split not found');
  return raw;
};

/** who decided, as the report shows it: the user's email or the key's name */
const actorName = (a: { type: string; id: string | null; name: string | null }) =>
  a.name ?? (a.id ? `${a.type}:${a.id}` : a.type);

function mapDecisionError(err: unknown): never {
  if (err instanceof SplitDecisionError)
    throw err.code === 'not_found'
      ? new AppError('not_found', err.message)
      : new AppError('invalid_input', err.message, { field: err.field });
  throw err;
}

export function resultsRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/journeys/:id/results', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const q = query(c, resultsQuery);
    if (q.version !== undefined) {
      const exists = await db
        .selectFrom('journey_versions')
        .select('version')
        .where('journey_id', '=', row.id)
        .where('version', '=', q.version)
        .executeTakeFirst();
      if (!exists)
        throw new AppError('invalid_input', `the journey has no version ${q.version}`, { field: 'version' });
    }
    // one end given: the other is 30 days away
    const from = q.from ?? (q.to ? addDays(q.to, -29) : undefined);
    const to = q.to ?? (q.from ? addDays(q.from, 29) : undefined);
    return c.json(await journeyResults(db, ws, row.id, { version: q.version ?? null, from, to }));
  });

  app.post('/journeys/:id/splits/:nodeId/decision', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const nodeId = splitNodeId(c.req.param('nodeId'));
    const input = await body(c, decisionBody);
    const actor = actorOf(c.get('principal'));
    const decided = await audited(c, db, async (trx) => {
      audit(c).target('journey', row.id).detail({ nodeId, variant: input.variant, by: 'manual' });
      return pickSplitVariant(trx, {
        workspaceId: ws,
        journeyId: row.id,
        nodeId,
        variant: input.variant,
        actor: actorName(actor),
      }).catch(mapDecisionError);
    });
    return c.json({
      decision: {
        variant: decided.variant,
        decidedAt: decided.decided_at.toISOString(),
        by: decided.decided_by,
        actor: decided.actor,
        numbers: decided.numbers,
      },
    });
  });

  app.delete('/journeys/:id/splits/:nodeId/decision', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const nodeId = splitNodeId(c.req.param('nodeId'));
    const actor = actorOf(c.get('principal'));
    const cleared = await audited(c, db, async (trx) => {
      audit(c).target('journey', row.id).detail({ nodeId });
      return clearSplitDecision(trx, {
        journeyId: row.id,
        nodeId,
        actor: actorName(actor),
      }).catch(mapDecisionError);
    });
    return c.json({ cleared });
  });

  return app;
}
