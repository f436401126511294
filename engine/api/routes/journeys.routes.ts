import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import type { AuthConfig } from '../../auth/auth-config.js';
import { actorOf } from '../../auth/principal.js';
import { compileJourney } from '../../compiler/compile.js';
import {
  emptyDocument,
  type JourneyDocument,
  journeyDocumentSchema,
} from '../../compiler/document.schema.js';
import { migrateDocument } from '../../nodes/migrate-config.js';
import { timeZone } from '../../nodes/schemas.js';
import {
  emptyTotals,
  findJourneyOrThrow,
  journeyVersions,
  journeyView,
  runTotals,
} from '../../repositories/journey.repository.js';
import { journeyNodeResults, results30d } from '../../results/report.js';
import { hideLegacySecrets } from '../../secrets/secret-refs.js';
import { createBroadcast } from '../../segments/broadcasts.service.js';
import { ensureSystemSegments, resolveSegmentRefs } from '../../segments/system-segments.js';
import {
  publishJourney,
  publishProblems,
  setJourneyStatus,
  validateDocument,
} from '../../services/journeys.service.js';
import { publishSummary } from '../../services/publish-summary.service.js';
import { SimulationTooLong } from '../../simulate/simulate.js';
import { SimulationMemberNotFound, simulateForMember } from '../../simulate/simulate.service.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { pageQuery, paginate } from '../pagination.js';
import {
  body,
  externalId,
  jsonPayload,
  parseOrThrow,
  payloadKey,
  positiveIntText,
  query,
  safeText,
  uuidParam,
} from '../validate.js';
import type {
  JourneyDetail,
  JourneyStats,
  JourneyVersionView,
  JourneyWithDocument,
  NodeStats,
} from '../views.js';

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '../../templates');

const templateSchema = z.object({
  id: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  description: z.object({ zh: z.string(), en: z.string() }),
  document: journeyDocumentSchema,
  needs: z.array(z.string()).default([]),
});

/** Journey templates are data files (engine/templates/*.json): upgrading one needs no code change. */
export function loadJourneyTemplates() {
  let files: string[] = [];
  try {
    files = readdirSync(templatesDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((f) => templateSchema.parse(JSON.parse(readFileSync(join(templatesDir, f), 'utf8'))));
}

const journeyName = safeText(120, { min: 1, minMessage: 'give the journey a name', trim: true, line: true });
/** GET /api/journey-templates: a ready journey to start from. */
export type JourneyTemplate = z.output<typeof templateSchema>;

const createBody = z.object({
  name: journeyName,
  description: safeText(2000).optional(),
  templateId: safeText(100, { line: true }).optional(),
  document: journeyDocumentSchema.optional(),
});
const updateBody = z.object({
  name: journeyName.optional(),
  description: safeText(2000).optional(),
  document: journeyDocumentSchema.optional(),
});
const validateBody = z.object({ document: journeyDocumentSchema.optional() });
const publishBody = z.object({ note: safeText(500, { trim: true }).optional() });
const unitMs = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
} as const;
const MAX_SIM_MS = 10 * 366 * 86_400_000;
const simulateBody = z.object({
  document: journeyDocumentSchema.optional(),
  /** a real member (their tags, attributes, zone, consent and contact history), or a made-up member */
  memberId: externalId.optional(),
  member: z
    .object({
      tags: z
        .array(safeText(64, { min: 1, trim: true, line: true }))
        .max(500)
        .default([]),
      attributes: jsonPayload().default({}),
      timezone: timeZone.nullable().optional(),
      consent: z.record(payloadKey, z.boolean()).optional(),
      /** the made-up member has a shopping guide of their own (default: no — a guide task then takes 无导购) */
      guide: z.boolean().optional(),
    })
    .optional(),
  /** when the member enters (default: now) */
  startAt: z.coerce.date().min(new Date('2000-01-01')).max(new Date('2100-01-01')).optional(),
  events: z
    .array(
      z
        .object({
          name: safeText(100, { min: 1, trim: true, line: true }),
          properties: jsonPayload().optional(),
          /** ms after entry */
          afterMs: z.number().int().min(0).max(MAX_SIM_MS).optional(),
          after: z
            .object({
              amount: z.number().min(0).max(3660),
              unit: z.enum(['seconds', 'minutes', 'hours', 'days', 'weeks']),
            })
            .optional(),
        })
        .refine((e) => e.afterMs !== undefined || e.after !== undefined, 'give afterMs (or after)'),
    )
    .max(200)
    .default([]),
  /** the output to take at nodes that need an outside answer, by node id */
  outcomes: z
    .record(safeText(64, { line: true }), safeText(40, { line: true }))
    .refine((o) => Object.keys(o).length <= 2000, 'at most 2000 outcomes')
    .optional(),
  horizonDays: z.number().int().min(1).max(3660).optional(),
});
/** POST /api/journeys/:id/simulate */
export type SimulateRequest = z.input<typeof simulateBody>;
const journeysQuery = z.object({ ...pageQuery });

documented({
  method: 'get',
  path: '/api/journeys',
  summary: 'Journeys with status, version and counts, recently updated first; cursor pages',
  tag: 'journeys',
  query: journeysQuery,
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/journeys',
  summary: 'Create a journey (blank, from a template or a document)',
  tag: 'journeys',
  body: createBody,
  status: 201,
  permission: 'journeys.edit',
  audit: 'journey.create',
});
documented({
  method: 'get',
  path: '/api/journeys/:id',
  summary: 'A journey with its draft document and versions',
  tag: 'journeys',
  permission: 'journeys.read',
});
documented({
  method: 'put',
  path: '/api/journeys/:id',
  summary: 'Save the draft (name, description, document)',
  tag: 'journeys',
  body: updateBody,
  permission: 'journeys.edit',
  audit: 'journey.update',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/validate',
  summary: 'Validate the draft or a given document',
  tag: 'journeys',
  body: validateBody,
  permission: 'journeys.read',
  audit: false,
});
documented({
  method: 'post',
  path: '/api/journeys/:id/publish',
  summary: 'Publish the draft as a new version (422 with problems)',
  tag: 'journeys',
  body: publishBody,
  permission: 'journeys.publish',
  audit: 'journey.publish',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/simulate',
  summary: 'What would happen to a member (real or made up), on a virtual clock',
  tag: 'journeys',
  body: simulateBody,
  permission: 'journeys.read',
  // a preview: nothing is written
  audit: false,
  rateLimit: 'preview',
  concurrency: 'simulation',
});
documented({
  method: 'get',
  path: '/api/journeys/:id/publish-summary',
  summary:
    'What publishing the draft would do: trigger, who can enter now, channels live or sandbox, and what would be refused',
  tag: 'journeys',
  permission: 'journeys.read',
});
documented({
  method: 'get',
  path: '/api/journeys/:id/versions/:version',
  summary: 'One published version, read-only',
  tag: 'journeys',
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/pause',
  summary: 'Stop admitting members',
  tag: 'journeys',
  permission: 'journeys.pause',
  audit: 'journey.pause',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/resume',
  summary: 'Admit members again',
  tag: 'journeys',
  permission: 'journeys.pause',
  audit: 'journey.resume',
});
documented({
  method: 'post',
  path: '/api/journeys/:id/archive',
  summary: 'Archive a journey',
  tag: 'journeys',
  permission: 'journeys.archive',
  audit: 'journey.archive',
});
documented({
  method: 'get',
  path: '/api/journeys/:id/stats',
  summary: 'Per-node counts and totals',
  tag: 'journeys',
  permission: 'journeys.read',
});
documented({
  method: 'get',
  path: '/api/journey-templates',
  summary: 'Ready lifecycle templates',
  tag: 'journeys',
  permission: 'journeys.read',
});

export type { NodeStats };

export function journeyRoutes({ db, registry, temporal }: AppDeps, auth: AuthConfig) {
  const app = new Hono<AppEnv>();
  /** Documents are stored with each node's type version, so a later version bump knows what to migrate. */
  const stampVersions = (doc: JourneyDocument): JourneyDocument => migrateDocument(doc, registry).document;

  app.get('/journey-templates', (c) => c.json({ templates: loadJourneyTemplates() }));

  app.get('/journeys', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, journeysQuery);
    const page = await paginate(
      db.selectFrom('journeys').selectAll().where('workspace_id', '=', ws),
      { at: 'journeys.updated_at', id: 'journeys.id' },
      q,
    );
    const ids = page.items.map((r) => r.id);
    const [totals, results] = await Promise.all([runTotals(db, ws, ids), results30d(db, ws, ids)]);
    return c.json({
      journeys: page.items.map((r) =>
        journeyView(r, {
          stats: totals.get(r.id) ?? emptyTotals(),
          results30d: results.get(r.id) ?? { entered: 0, converted: 0, conversionRate: null, revenueFen: 0 },
        }),
      ),
      nextCursor: page.nextCursor,
    });
  });

  app.post('/journeys', async (c) => {
    const ws = c.get('workspaceId');
    const input = await body(c, createBody);
    let document = stampVersions(input.document ?? emptyDocument);
    let description = input.description ?? '';
    if (input.templateId) {
      const template = loadJourneyTemplates().find((t) => t.id === input.templateId);
      if (!template)
        throw new AppError('invalid_input', `no template ${input.templateId}`, { field: 'templateId' });
      // Templates start from the workspace's own system audiences ("$segment:no_order_90d" → its id).
      document = stampVersions(resolveSegmentRefs(template.document, await ensureSystemSegments(db, ws)));
      description ||= template.description.zh;
    }
    const row = await audited(c, db, async (trx) => {
      const created = await trx
        .insertInto('journeys')
        .values({ workspace_id: ws, name: input.name, description, draft: JSON.stringify(document) })
        .returningAll()
        .executeTakeFirstOrThrow();
      audit(c).target('journey', created.id).detail({ name: created.name, templateId: input.templateId });
      return created;
    });
    return c.json({ ...journeyView(row), document, versions: [] } satisfies JourneyWithDocument, 201);
  });

  app.get('/journeys/:id', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const versions = await journeyVersions(db, row.id);
    const totals = await runTotals(db, ws, [row.id]);
    return c.json({
      ...journeyView(row, { stats: totals.get(row.id) ?? emptyTotals() }),
      // Opened at today's node versions: an older node's config comes migrated (saved as such on the next save).
      document: migrateDocument(row.draft, registry).document,
      versions: versions.map((v) => ({
        version: v.version,
        note: v.note,
        publishedAt: v.published_at,
        publishedBy: v.published_by_name,
      })),
    } satisfies JourneyDetail);
  });

  app.put('/journeys/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'journey');
    const input = await body(c, updateBody);
    const current = await findJourneyOrThrow(db, ws, id);
    if (current.status === 'archived') throw new AppError('conflict', 'an archived journey cannot be edited');
    const set: Record<string, unknown> = { updated_at: sql`now()` };
    if (input.name !== undefined) set.name = input.name;
    if (input.description !== undefined) set.description = input.description;
    if (input.document !== undefined) {
      input.document = stampVersions(input.document);
      set.draft = JSON.stringify(input.document);
      // Edits of a published journey go to the draft; running members keep the version they entered.
      // The flag compares as jsonb (key order does not matter), so undoing back to the published state clears it.
      set.has_unpublished_changes = sql<boolean>`${JSON.stringify(input.document)}::jsonb is distinct from coalesce((
        select v.document from journey_versions v where v.journey_id = journeys.id and v.version = journeys.current_version
      ), 'null'::jsonb)`;
    }
    const row = await audited(c, db, (trx) =>
      trx.updateTable('journeys').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    );
    return c.json({ ...journeyView(row), document: row.draft } satisfies JourneyWithDocument);
  });

  app.post('/journeys/:id/validate', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const input = await body(c, validateBody);
    return c.json(await validateDocument(db, registry, ws, input.document ?? row.draft));
  });

  app.get('/journeys/:id/publish-summary', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const { plan, problems } = await publishProblems(db, registry, ws, row.draft);
    return c.json({ summary: plan ? await publishSummary(db, ws, plan, problems) : null, problems });
  });

  app.post('/journeys/:id/publish', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'journey');
    const input = await body(c, publishBody);
    const actor = actorOf(c.get('principal'));
    const { version, entry } = await publishJourney(db, registry, ws, id, input.note || null, {
      actor: `${actor.type}:${actor.id}`,
      name: actor.name,
      inTransaction: (trx, { version }) => audit(c).detail({ version }).commit(trx),
    });
    // An audience trigger may also take in everyone already in the audience, at the journey's pace.
    if (entry.on === 'segment' && entry.includeExisting === true) {
      const { broadcast } = await createBroadcast(db, temporal, ws, id, {
        segmentId: String(entry.segmentId),
        requireManual: false,
      });
      return c.json({ version, broadcast });
    }
    return c.json({ version });
  });

  app.post('/journeys/:id/simulate', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    const input = await body(c, simulateBody);
    const compiled = compileJourney(input.document ?? row.draft, registry);
    if (!compiled.ok) {
      throw new AppError('invalid_journey', 'fix the journey’s problems to simulate it', {
        errors: compiled.errors,
      });
    }
    try {
      const result = await simulateForMember(
        db,
        registry,
        ws,
        row.id,
        compiled.plan,
        {
          memberId: input.memberId,
          member: madeUpMember(input.member),
          startAt: input.startAt?.getTime(),
          events: input.events.map((e) => ({
            name: e.name,
            properties: e.properties,
            afterMs: e.afterMs ?? (e.after ? e.after.amount * unitMs[e.after.unit] : 0),
          })),
          outcomes: input.outcomes,
          horizonMs: input.horizonDays ? input.horizonDays * 86_400_000 : undefined,
        },
        { timeoutMs: auth.simulationTimeoutMs },
      );
      return c.json(result);
    } catch (err) {
      if (err instanceof SimulationMemberNotFound)
        throw new AppError('invalid_input', `member ${input.memberId} not found`, { field: 'memberId' });
      if (err instanceof SimulationTooLong)
        throw new AppError('simulation_too_long', err.message, { field: 'horizonDays' });
      throw err;
    }
  });

  app.get('/journeys/:id/versions/:version', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'journey');
    const version = parseOrThrow(positiveIntText, c.req.param('version'), 'version');
    const row = await db
      .selectFrom('journey_versions')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('journey_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw notFound('version');
    // a webhook key written into a version-1 node is not shown (L2); runs on that version still use it
    const shown = hideLegacySecrets(row.document, row.plan, registry);
    return c.json({
      version: row.version,
      note: row.note,
      publishedAt: row.published_at,
      publishedBy: row.published_by_name,
      document: shown.document,
      plan: shown.plan,
    } satisfies JourneyVersionView);
  });

  for (const action of ['pause', 'resume', 'archive'] as const) {
    app.post(`/journeys/:id/${action}`, async (c) => {
      const id = uuidParam(c, 'id', 'journey');
      const row = await audited(c, db, (trx) => setJourneyStatus(trx, c.get('workspaceId'), id, action));
      return c.json(journeyView(row));
    });
  }

  app.get('/journeys/:id/stats', async (c) => {
    const ws = c.get('workspaceId');
    const row = await findJourneyOrThrow(db, ws, uuidParam(c, 'id', 'journey'));
    // Per-node counts come from the same rollups as the results report (engine/results), never a scan.
    const [totals, counted, messages, coupons] = await Promise.all([
      runTotals(db, ws, [row.id]),
      journeyNodeResults(db, row.id, null),
      db
        .selectFrom('messages')
        .select(['status', sql<number>`count(*)`.as('n')])
        .where('journey_id', '=', row.id)
        .groupBy('status')
        .execute(),
      db
        .selectFrom('coupons')
        .select(['status', sql<number>`count(*)`.as('n')])
        .where('journey_id', '=', row.id)
        .groupBy('status')
        .execute(),
    ]);
    const nodes: Record<string, NodeStats> = {};
    for (const n of counted)
      nodes[n.nodeId] = {
        // the canvas' meaning: passed (it adds waiting, failed and ended here itself)
        entered: Object.values(n.passed).reduce((a, b) => a + b, 0),
        outputs: n.passed,
        waiting: n.waiting,
        failed: n.failed,
        skipped: n.skipped,
        deferred: n.deferred,
        converted: n.endedBy.converted ?? 0,
        exited: n.endedBy.exited ?? 0,
        endedHere: n.endedHere,
        convertedDownstream: n.convertedDownstream,
      };
    return c.json({
      totals: totals.get(row.id) ?? emptyTotals(),
      nodes,
      messages: Object.fromEntries(messages.map((m) => [m.status, m.n])),
      coupons: Object.fromEntries(coupons.map((m) => [m.status, m.n])),
    } satisfies JourneyStats);
  });

  return app;
}

/** The made-up member of a simulation, with a guide of their own when the marketer says so. */
function madeUpMember(m: z.infer<typeof simulateBody>['member']) {
  if (!m) return { tags: [], attributes: {} };
  const { guide, ...rest } = m;
  return guide ? { ...rest, guide: { id: 'simulated-guide', name: '', active: true } } : rest;
}
