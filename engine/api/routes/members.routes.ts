import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { memberFacts } from '../../../workflows/activities.js';
import { LIVE_STATUSES } from '../../../workflows/core/interpreter.js';
import { audit, audited } from '../../auth/audit.js';
import { actorOf } from '../../auth/principal.js';
import {
  assignMemberGuides,
  memberGuideFields,
  memberGuideView,
  resolveMemberGuides,
} from '../../guides/member-guides.js';
import { searchMembers } from '../../members/member-search.repository.js';
import {
  eraseMember,
  findMemberIdByExternalId,
  memberSnapshot,
  oversizedAttributeMerges,
  upsertMember,
  upsertMembers,
} from '../../repositories/member.repository.js';
import { evaluateMemberSegments, evaluateMembersInSet } from '../../segments/segments.service.js';
import { type EventOutcome, ingestBatch, ingestEvent, replayEvents } from '../../services/events.service.js';
import { signalMemberChanged, signalRun } from '../../services/runs.service.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { pageQuery, paginate } from '../pagination.js';
import {
  body,
  externalId,
  externalIdParam,
  jsonPayload,
  parseOrThrow,
  pastInstant,
  payloadKey,
  query,
  safeText,
  uuidParam,
} from '../validate.js';
import type { EventView, MemberEraseResult, MemberImportResult, ReplayResponse } from '../views.js';

const timezone = safeText(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone, e.g. Asia/Shanghai');

/** PUT /api/members/:externalId, as a client sends it */
export type MemberInput = z.input<typeof memberBody>;

const memberBody = z.object({
  name: safeText(200, { line: true }).nullable().optional(),
  phone: safeText(40, { line: true }).nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  timezone: timezone.nullable().optional(),
  /** merged into what is stored; the result stays within 32 KB */
  attributes: jsonPayload().optional(),
  /** attribute keys to remove (after the merge): how an edit takes an attribute away */
  unsetAttributes: z.array(payloadKey).max(200).optional(),
  consent: z
    .record(payloadKey, z.boolean())
    .refine((c) => Object.keys(c).length <= 50, 'at most 50 channels')
    .optional(),
  tags: z
    .array(safeText(64, { min: 1, trim: true, line: true }))
    .max(500)
    .optional(),
  /** the owning shopping guide, by id or WeCom user id (null: none) */
  ...memberGuideFields,
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
    .regex(/^[A-Za-z0-9_.:$-]+$/, 'letters, digits, _ . : - $ only'),
  properties: jsonPayload().optional(),
  occurredAt: pastInstant.optional(),
  id: safeText(200, { min: 1, trim: true, line: true }).optional(),
});
const batchBody = z.object({ events: z.array(eventBody).min(1).max(1000) });

const eventStatus = z.enum(['pending', 'processed', 'dead']);
const eventsQuery = z.object({
  status: eventStatus.optional(),
  memberId: externalId.optional(),
  name: safeText(100, { line: true }).optional(),
  ...pageQuery,
});
const replayBody = z.object({ ids: z.array(z.uuid()).min(1).max(100) });

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
const searchQuery = z.object({
  q: safeText(200, { min: 1, trim: true, line: true }),
});
documented({
  method: 'get',
  path: '/api/members',
  summary:
    'Find members by one text: external id (any case), phone (all digits or the last 4), name prefix, WeChat openid, WeCom external userid; up to 20 per kind, `more` when there are more',
  tag: 'members',
  query: searchQuery,
  permission: 'members.read',
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
  summary:
    'Ingest one member event: 202 when processed; 503 when a server is away (the event is kept and retried); 422 `event_failed` when processing failed for good (the event is dead-lettered)',
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
  summary:
    'Ingest up to 1000 events: all stored in one transaction, then processed in order; the answer says per event what happened (202)',
  tag: 'events',
  body: batchBody,
  status: 202,
  permission: 'events.ingest',
  audit: false,
  rateLimit: 'ingest',
});
documented({
  method: 'get',
  path: '/api/events',
  summary: 'Events, newest first: filter by status (pending, processed, dead), member and name; cursor pages',
  tag: 'events',
  query: eventsQuery,
  permission: 'events.read',
});
documented({
  method: 'post',
  path: '/api/events/:id/replay',
  summary: 'Process a dead (or pending) event again, its attempts reset',
  tag: 'events',
  permission: 'events.manage',
  audit: 'event.replay',
});
documented({
  method: 'post',
  path: '/api/events/replay',
  summary: 'Replay up to 100 events by id',
  tag: 'events',
  body: replayBody,
  permission: 'events.manage',
  audit: 'event.replay',
});

/** How a single event's outcome is answered: only a server that is away is a 503. */
function answerOne(outcome: EventOutcome) {
  if (outcome.status === 'kept' && outcome.error?.kind === 'unavailable')
    throw new AppError(
      'unavailable',
      'a server the event needs is not reachable; the event was kept and will be retried',
      { eventId: outcome.eventId },
    );
  if (outcome.status === 'dead')
    throw new AppError(
      'event_failed',
      `the event was stored but could not be processed: ${outcome.error?.message}`,
      {
        eventId: outcome.eventId,
      },
    );
  return outcome;
}

documented({
  method: 'post',
  path: '/api/members/batch',
  summary:
    'Create or update up to 1,000 members (an import): valid rows are written together, each bad row is reported',
  tag: 'members',
  body: importBody,
  permission: 'members.import',
  audit: 'member.import',
  rateLimit: 'ingest',
});
const eraseBody = z.object({
  /** the member's external id typed again: an erase cannot be undone */
  confirm: externalId,
});
documented({
  method: 'delete',
  path: '/api/members/:externalId',
  summary:
    'Erase a member (a PIPL data-rights request): runs cancelled, personal data removed, counts kept; `confirm` must repeat the member id. Erasing an erased id again answers `alreadyErased`',
  tag: 'members',
  body: eraseBody,
  permission: 'members.delete',
  audit: 'member.delete',
});

/** How an erased external id is remembered: not the id itself. */
const erasureHash = (workspaceId: string, ext: string) =>
  createHash('sha256').update(`${workspaceId}\0${ext}`).digest('hex');

export function memberRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.put('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const ext = parseOrThrow(externalId, c.req.param('externalId'), 'externalId');
    const input = await body(c, memberBody);
    const { guides, problems } = await resolveMemberGuides(db, ws, [input]);
    if (problems.length)
      throw new AppError('invalid_input', `${problems[0].field}: ${problems[0].message}`, {
        field: problems[0].field,
      });
    const id = await audited(c, db, async (trx) => {
      const memberId = await upsertMember(trx, ws, ext, input);
      await assignMemberGuides(trx, [{ memberId, guideId: guides[0] }]);
      return memberId;
    });
    const member = await memberSnapshot(db, id);
    // Audiences on member fields are re-evaluated for this member now, and exit criteria on tags and
    // attributes act when the member changes: their live runs are told.
    const changes = await evaluateMemberSegments(db, temporal, ws, id, { memberChanged: true });
    if (member && (input.tags || input.attributes) && !changes.length)
      await signalMemberChanged(db, temporal, id, await memberFacts(db, id));
    return c.json({ member, guide: await memberGuideView(db, id) });
  });

  app.post('/members/batch', async (c) => {
    const ws = c.get('workspaceId');
    const { members } = await body(c, importBody);
    // Each row on its own: a bad row is reported with its field and written not at all; the good rows are
    // written together, in one transaction (no row half-written).
    const errors: { index: number; id?: string; field: string; message: string }[] = [];
    const rows: z.output<typeof importRow>[] = [];
    const rowIndex: number[] = [];
    members.forEach((raw, index) => {
      const r = importRow.safeParse(raw);
      if (r.success) {
        rows.push(r.data);
        rowIndex.push(index);
      } else {
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
    // rows naming a guide the workspace does not have are refused like any bad row
    const resolved = await resolveMemberGuides(db, ws, rows);
    const badGuide = new Set(resolved.problems.map((p) => p.index));
    for (const p of resolved.problems)
      errors.push({ index: rowIndex[p.index], id: rows[p.index].id, field: p.field, message: p.message });
    const guideOf = new Map(rows.map((r, i) => [r.id, resolved.guides[i]]));
    const ids = await audited(c, db, async (trx) => {
      const oversized = await oversizedAttributeMerges(trx, ws, rows);
      for (const [i, r] of rows.entries())
        if (oversized.has(r.id))
          errors.push({
            index: rowIndex[i],
            id: r.id,
            field: 'attributes',
            message: 'with the stored attributes this passes 32 KB',
          });
      errors.sort((a, b) => a.index - b.index);
      const idOf = await upsertMembers(
        trx,
        ws,
        rows.filter((r, i) => !oversized.has(r.id) && !badGuide.has(i)),
      );
      await assignMemberGuides(
        trx,
        [...idOf].map(([ext, memberId]) => ({ memberId, guideId: guideOf.get(ext) })),
      );
      audit(c).detail({ imported: idOf.size, rejected: errors.length });
      return idOf;
    });
    // Audiences on member fields take the imported members in (or out) now.
    await evaluateMembersInSet(db, temporal, ws, [...ids.values()]);
    return c.json({ imported: ids.size, rejected: errors.length, errors } satisfies MemberImportResult);
  });

  app.get('/members', async (c) => {
    const { q } = query(c, searchQuery);
    return c.json(await searchMembers(db, c.get('workspaceId'), q));
  });

  app.delete('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    const ext = parseOrThrow(externalId, c.req.param('externalId'), 'externalId');
    const hash = erasureHash(ws, ext);
    const id = await findMemberIdByExternalId(db, ws, ext, { live: true });
    // A retried erase (the first answer was lost) finds the erasure, not the member.
    const done = id
      ? undefined
      : await db
          .selectFrom('member_erasures')
          .select(['member_id', 'erased_at'])
          .where('workspace_id', '=', ws)
          .where('external_id_hash', '=', hash)
          .executeTakeFirst();
    if (!id && !done) throw notFound('member');
    const { confirm } = await body(c, eraseBody);
    if (confirm !== ext)
      throw new AppError('invalid_input', 'confirm: type the member id exactly to erase this member', {
        field: 'confirm',
      });
    if (!id && done) {
      audit(c).target('member', done.member_id).detail({ alreadyErased: true });
      return c.json({
        deleted: true,
        alreadyErased: true,
        runsEnded: 0,
        erasedAt: done.erased_at,
      } satisfies MemberEraseResult);
    }
    if (!id) throw notFound('member');
    // Their runs end first (if Temporal is away this answers 503 and nothing is erased yet: retry). Each run
    // is cancelled by its own workflow, which records it; a run whose workflow is gone is closed here.
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
          .where('status', 'in', [...LIVE_STATUSES])
          .execute();
    }
    const erasedAt = await audited(c, db, async (trx) => {
      audit(c).target('member', id).detail({ runsEnded: runs.length });
      await eraseMember(trx, id);
      const principal = c.get('principal');
      const row = await trx
        .insertInto('member_erasures')
        .values({
          workspace_id: ws,
          external_id_hash: hash,
          member_id: id,
          runs_cancelled: runs.length,
          erased_by: principal ? `${actorOf(principal).type}:${actorOf(principal).id}` : null,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'external_id_hash']).doNothing())
        .returning('erased_at')
        .executeTakeFirst();
      return row?.erased_at ?? new Date();
    });
    return c.json({
      deleted: true,
      alreadyErased: false,
      runsEnded: runs.length,
      erasedAt,
    } satisfies MemberEraseResult);
  });

  app.get('/members/:externalId', async (c) => {
    const ws = c.get('workspaceId');
    // an erased member is nobody: the row stays only for the counts
    const id = await findMemberIdByExternalId(db, ws, externalIdParam(c, 'externalId'), { live: true });
    const member = id ? await memberSnapshot(db, id) : null;
    if (!member) throw notFound('member');
    return c.json({ member, guide: await memberGuideView(db, member.id) });
  });

  app.post('/events', async (c) => {
    const input = await body(c, eventBody);
    return c.json(answerOne(await ingestEvent(db, temporal, c.get('workspaceId'), input)), 202);
  });

  app.post('/events/batch', async (c) => {
    const { events } = await body(c, batchBody);
    const results = await ingestBatch(db, temporal, c.get('workspaceId'), events);
    return c.json({ results }, 202);
  });

  app.get('/events', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, eventsQuery);
    let sel = db
      .selectFrom('events as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .select([
        'e.id',
        'e.client_id as clientId',
        'm.external_id as memberId',
        'e.name',
        'e.properties',
        'e.status',
        'e.attempts',
        'e.process_error as error',
        'e.occurred_at as occurredAt',
        'e.received_at as receivedAt',
        'e.next_attempt_at as nextAttemptAt',
        'e.last_attempt_at as lastAttemptAt',
        'e.processed_at as processedAt',
        'e.dead_at as deadAt',
      ])
      .where('e.workspace_id', '=', ws);
    if (q.status) sel = sel.where('e.status', '=', q.status);
    if (q.name) sel = sel.where('e.name', '=', q.name);
    if (q.memberId !== undefined) {
      const member = await findMemberIdByExternalId(db, ws, q.memberId);
      if (!member) return c.json({ events: [], nextCursor: null });
      sel = sel.where('e.member_id', '=', member);
    }
    const page = await paginate(sel, { at: 'e.received_at', id: 'e.id' }, q);
    return c.json({ events: page.items satisfies EventView[], nextCursor: page.nextCursor });
  });

  app.post('/events/replay', async (c) => {
    const { ids } = await body(c, replayBody);
    const { outcomes, notFound: missing } = await replayEvents(db, temporal, c.get('workspaceId'), [
      ...new Set(ids),
    ]);
    return c.json({ results: outcomes, notFound: missing } satisfies ReplayResponse);
  });

  app.post('/events/:id/replay', async (c) => {
    const id = uuidParam(c, 'id', 'event');
    const { outcomes } = await replayEvents(db, temporal, c.get('workspaceId'), [id]);
    if (!outcomes.length) throw notFound('event');
    return c.json(outcomes[0]);
  });

  return app;
}
