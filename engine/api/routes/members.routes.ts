import { Hono } from 'hono';
import { z } from 'zod';
import { audited } from '../../auth/audit.js';
import {
  findMemberIdByExternalId,
  memberSnapshot,
  upsertMember,
} from '../../repositories/member.repository.js';
import { ingestEvent } from '../../services/events.service.js';
import { signalMemberChanged } from '../../services/runs.service.js';
import { notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, externalId, parseOrThrow } from '../validate.js';

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone, e.g. Asia/Shanghai');

const memberBody = z.object({
  name: z.string().max(200).nullable().optional(),
  phone: z.string().max(40).nullable().optional(),
  email: z.email().nullable().optional(),
  timezone: timezone.nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  consent: z.record(z.string(), z.boolean()).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(500).optional(),
});

const eventBody = z.object({
  memberId: externalId,
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only'),
  properties: z.record(z.string(), z.unknown()).optional(),
  occurredAt: z.coerce.date().optional(),
  id: z.string().trim().min(1).max(200).optional(),
});
const batchBody = z.object({ events: z.array(eventBody).min(1).max(1000) });

documented({
  method: 'put',
  path: '/api/members/:externalId',
  summary: 'Create or update a member',
  tag: 'members',
  body: memberBody,
  permission: 'members.edit',
  audit: 'member.upsert',
  rateLimit: 'ingest',
});
documented({
  method: 'get',
  path: '/api/members/:externalId',
  summary: 'A member with tags',
  tag: 'members',
  permission: 'members.read',
});
documented({
  method: 'post',
  path: '/api/events',
  summary: 'Ingest one member event (202)',
  tag: 'events',
  body: eventBody,
  status: 202,
  permission: 'events.ingest',
  // member activity, not a change of configuration: the events table is its record
  audit: false,
  rateLimit: 'ingest',
});
documented({
  method: 'post',
  path: '/api/events/batch',
  summary: 'Ingest up to 1000 events (202)',
  tag: 'events',
  body: batchBody,
  status: 202,
  permission: 'events.ingest',
  audit: false,
  rateLimit: 'ingest',
});

export function memberRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.put('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const ext = parseOrThrow(externalId, c.req.param('externalId'), 'externalId');
    const input = await body(c, memberBody);
    const id = await audited(c, db, (trx) => upsertMember(trx, ws, ext, input));
    const member = await memberSnapshot(db, id);
    // Exit criteria on tags and attributes act when the member changes: tell their live runs.
    if (member && (input.tags || input.attributes))
      await signalMemberChanged(db, temporal, id, { tags: member.tags, attributes: member.attributes });
    return c.json({ member });
  });

  app.get('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const id = await findMemberIdByExternalId(db, ws, c.req.param('externalId'));
    const member = id ? await memberSnapshot(db, id) : null;
    if (!member) throw notFound('member');
    return c.json({ member });
  });

  app.post('/events', async (c) => {
    const input = await body(c, eventBody);
    const result = await ingestEvent(db, temporal, c.get('workspaceId'), input);
    return c.json(result, 202);
  });

  app.post('/events/batch', async (c) => {
    const { events } = await body(c, batchBody);
    const ws = c.get('workspaceId');
    const results = [];
    // In order, so a member's events reach their runs in the order sent.
    for (const e of events) results.push(await ingestEvent(db, temporal, ws, e));
    return c.json({ results }, 202);
  });

  return app;
}
