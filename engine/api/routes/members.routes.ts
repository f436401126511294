import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { memberFacts } from '../../../workflows/activities.js';
import { LIVE_STATUSES } from '../../../workflows/core/interpreter.js';
import { audit, audited } from '../../auth/audit.js';
import {
  eraseMember,
  findMemberIdByExternalId,
  memberSnapshot,
  upsertMember,
  upsertMembers,
} from '../../repositories/member.repository.js';
import { evaluateMemberSegments, evaluateMembersInSet } from '../../segments/segments.service.js';
import { ingestEvent } from '../../services/events.service.js';
import { signalMemberChanged, signalRun } from '../../services/runs.service.js';
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

/** One member of an import: the member body plus their id and registration time. */
const importRow = memberBody.extend({
  id: externalId,
  registeredAt: z.coerce.date().min(new Date('1900-01-01')).max(new Date('2100-01-01')).optional(),
});
const importBody = z.object({ members: z.array(z.unknown()).min(1).max(1000) });

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

documented({
  method: 'post',
  path: '/api/members/batch',
  summary:
    'Create or update up to 1,000 members (an import): valid rows are written together, each bad row is reported',
  tag: 'members',
  body: importBody,
  permission: 'members.edit',
  audit: 'member.import',
  rateLimit: 'ingest',
});
documented({
  method: 'delete',
  path: '/api/members/:externalId',
  summary: 'Erase a member (a data-rights request): personal data removed, runs ended',
  tag: 'members',
  permission: 'members.delete',
  audit: 'member.delete',
});

export function memberRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.put('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const ext = parseOrThrow(externalId, c.req.param('externalId'), 'externalId');
    const input = await body(c, memberBody);
    const id = await audited(c, db, (trx) => upsertMember(trx, ws, ext, input));
    const member = await memberSnapshot(db, id);
    // Audiences on member fields are re-evaluated for this member now, and exit criteria on tags and
    // attributes act when the member changes: their live runs are told.
    const changes = await evaluateMemberSegments(db, temporal, ws, id, { memberChanged: true });
    if (member && (input.tags || input.attributes) && !changes.length)
      await signalMemberChanged(db, temporal, id, await memberFacts(db, id));
    return c.json({ member });
  });

  app.post('/members/batch', async (c) => {
    const ws = c.get('workspaceId');
    const { members } = await body(c, importBody);
    // Each row on its own: a bad row is reported with its field and written not at all; the good rows are
    // written together, in one transaction (no row half-written).
    const errors: { index: number; id?: string; field: string; message: string }[] = [];
    const rows: z.output<typeof importRow>[] = [];
    members.forEach((raw, index) => {
      const r = importRow.safeParse(raw);
      if (r.success) rows.push(r.data);
      else {
        const issue = r.error.issues[0];
        const id = (raw as { id?: unknown })?.id;
        errors.push({
          index,
          ...(typeof id === 'string' ? { id } : {}),
          field: issue.path.map(String).join('.') || 'member',
          message: issue.message,
        });
      }
    });
    const ids = await audited(c, db, async (trx) => {
      const idOf = await upsertMembers(trx, ws, rows);
      audit(c).detail({ imported: idOf.size, rejected: errors.length });
      return idOf;
    });
    // Audiences on member fields take the imported members in (or out) now.
    await evaluateMembersInSet(db, temporal, ws, [...ids.values()]);
    return c.json({ imported: ids.size, rejected: errors.length, errors });
  });

  app.delete('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const ext = parseOrThrow(externalId, c.req.param('externalId'), 'externalId');
    const id = await findMemberIdByExternalId(db, ws, ext);
    if (!id) throw notFound('member');
    // Their runs end first (if Temporal is away this answers 503 and nothing is erased yet: retry).
    const runs = await db
      .selectFrom('runs')
      .select(['id', 'workflow_id'])
      .where('member_id', '=', id)
      .where('status', 'in', [...LIVE_STATUSES])
      .execute();
    for (const r of runs) {
      if (!(await signalRun(temporal, r.workflow_id, 'cancel', 'member_deleted')))
        await db
          .updateTable('runs')
          .set({ status: 'cancelled', exit_reason: 'member_deleted', ended_at: sql`now()` })
          .where('id', '=', r.id)
          .execute();
    }
    await audited(c, db, async (trx) => {
      audit(c).target('member', id);
      await eraseMember(trx, id);
    });
    return c.json({ deleted: true, runsEnded: runs.length });
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
