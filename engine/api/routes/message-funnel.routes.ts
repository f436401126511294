import { Hono } from 'hono';
import { z } from 'zod';
import { messageFunnel } from '../../links/message-funnel.repository.js';
import { findJourneyOrThrow } from '../../repositories/journey.repository.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { positiveIntText, query, uuidParam } from '../validate.js';

/** The longest range a report is asked for: two years (and a day, for a leap year). */
const MAX_RANGE_DAYS = 731;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day such as 2026-12-01')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a day of the calendar');

const funnelQuery = z
  .object({
    version: positiveIntText.optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range ends before it starts' });
    else if (days >= MAX_RANGE_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range is at most 2 years' });
  });

documented({
  method: 'get',
  path: '/api/journeys/:id/results/messages',
  summary:
    'Message funnel per message node and split variant: sent, delivered, failed, clicked (members, clicks), converted',
  tag: 'journeys',
  query: funnelQuery,
  permission: 'journeys.read',
});

export function messageFunnelRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/journeys/:id/results/messages', async (c) => {
    const ws = c.get('workspaceId');
    const journey = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const q = query(c, funnelQuery);
    return c.json({ nodes: await messageFunnel(db, ws, journey.id, q) });
  });
  return app;
}
