import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { isEventEntry, type Plan } from '../../workflows/plan.js';
import { AppError } from '../api/app-error.js';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import type { Problem } from '../compiler/problem.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { findJourneyOrThrow } from '../repositories/journey.repository.js';
import { missingSecrets } from '../secrets/secrets.service.js';
import { channelFormProblems } from './publish-summary.service.js';

/** Who publishes (`user:<id>` / `key:<id>`, and their name) and what else commits with the version. */
export interface PublishBy {
  actor: string;
  name: string | null;
  /** runs in the publish's transaction, e.g. the audit record */
  inTransaction?: (trx: Kysely<Database>, result: { version: number }) => Promise<void>;
}

/**
 * Publish the draft as a new immutable version. New members enter it; running members keep theirs.
 * All or nothing: a document with problems is refused with every problem (422), and nothing is written.
 */
export async function publishJourney(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  journeyId: string,
  note: string | null,
  by?: PublishBy,
) {
  return db.transaction().execute(async (trx) => {
    // Lock the journey row: two publishes in a race get consecutive numbers, never the same.
    const journey = await trx
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', journeyId)
      .forUpdate()
      .executeTakeFirst();
    if (!journey) throw new AppError('not_found', 'journey not found');
    if (journey.status === 'archived')
      throw new AppError('conflict', 'an archived journey cannot be published');
    const result = await publishProblems(trx, registry, workspaceId, journey.draft);
    if (!result.plan || result.problems.length) {
      throw new AppError(
        'invalid_journey',
        `the journey has ${result.problems.length} problem(s); fix them to publish`,
        { errors: result.problems },
      );
    }
    const last = await trx
      .selectFrom('journey_versions')
      .select(sql<number>`coalesce(max(version), 0)`.as('v'))
      .where('journey_id', '=', journeyId)
      .executeTakeFirstOrThrow();
    const version = last.v + 1;
    const plan = result.plan;
    const trigger = plan.trigger;
    await trx
      .insertInto('journey_versions')
      .values({
        journey_id: journeyId,
        version,
        workspace_id: workspaceId,
        document: JSON.stringify(journey.draft),
        plan: JSON.stringify(plan),
        note,
        trigger_event: isEventEntry(trigger.entry) ? trigger.entry.match.event : null,
        trigger_kind: trigger.entry.on,
        trigger_segment_id: trigger.entry.on === 'segment' ? String(trigger.entry.segmentId) : null,
        published_by: by?.actor ?? null,
        published_by_name: by?.name ?? null,
      })
      .execute();
    await trx
      .updateTable('journeys')
      .set({
        current_version: version,
        has_unpublished_changes: false,
        status: journey.status === 'paused' ? 'paused' : 'active',
        updated_at: sql`now()`,
      })
      .where('id', '=', journeyId)
      .execute();
    await by?.inTransaction?.(trx, { version });
    return { version, entry: trigger.entry };
  });
}

/**
 * Everything that keeps a draft from being published, in the order a marketer fixes them: the compiler's
 * problems first (no plan then); with a plan, the audiences and secrets it names that do not exist and the
 * message nodes a configured provider could not send (its form missing). Publishing, the validate endpoint
 * and the publish summary all ask here, so the canvas shows what publishing would refuse.
 */
export async function publishProblems(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  draft: JourneyDocument,
): Promise<{ plan: Plan | null; problems: Problem[] }> {
  const result = compileJourney(draft, registry);
  if (!result.ok) return { plan: null, problems: result.errors };
  const [segments, secrets, forms] = await Promise.all([
    missingSegments(db, workspaceId, result.plan),
    missingSecrets(db, registry, workspaceId, result.plan),
    channelFormProblems(db, workspaceId, result.plan),
  ]);
  return { plan: result.plan, problems: [...segments, ...secrets, ...forms] };
}

const UUID = /"segmentId":"([0-9a-f-]{36})"/g;

/** Audiences a plan names (trigger, branch conditions, exit criteria) that the workspace does not have. */
async function missingSegments(db: Kysely<Database>, workspaceId: string, plan: Plan): Promise<Problem[]> {
  const where = new Map<string, string>(); // segment id → node id ('' for journey settings)
  for (const node of Object.values(plan.nodes))
    for (const m of JSON.stringify(node.config).matchAll(UUID))
      if (!where.has(m[1])) where.set(m[1], node.id);
  for (const m of JSON.stringify(plan.journey).matchAll(UUID)) if (!where.has(m[1])) where.set(m[1], '');
  if (!where.size) return [];
  const found = await db
    .selectFrom('segments')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...where.keys()])
    .execute();
  const known = new Set(found.map((f) => f.id));
  return [...where]
    .filter(([id]) => !known.has(id))
    .map(([id, nodeId]) => ({
      nodeId,
      field: nodeId ? 'segmentId' : 'settings.exits',
      code: 'check' as const,
      message: `audience ${id} does not exist (deleted?)`,
    }));
}

export async function setJourneyStatus(
  db: Kysely<Database>,
  workspaceId: string,
  journeyId: string,
  action: 'pause' | 'resume' | 'archive',
) {
  const journey = await findJourneyOrThrow(db, workspaceId, journeyId);
  const from = journey.status;
  const allowed: Record<typeof action, string[]> = {
    pause: ['active', 'paused'],
    resume: ['paused', 'active'],
    archive: ['draft', 'active', 'paused', 'archived'],
  };
  if (!allowed[action].includes(from)) {
    throw new AppError(
      'conflict',
      `a ${from} journey cannot be ${action === 'pause' ? 'paused' : `${action}d`}`,
    );
  }
  const to = action === 'pause' ? 'paused' : action === 'resume' ? 'active' : 'archived';
  await db
    .updateTable('journeys')
    .set({ status: to, updated_at: sql`now()` })
    .where('id', '=', journeyId)
    .execute();
  return findJourneyOrThrow(db, workspaceId, journeyId);
}

/** Problems of a document, and (once it compiles) the workspace secrets it names that do not exist. */
export async function validateDocument(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  doc: JourneyDocument,
) {
  const result = compileJourney(doc, registry);
  if (!result.ok) return { ok: false, errors: result.errors };
  const errors = [
    ...(await missingSecrets(db, registry, workspaceId, result.plan)),
    ...(await channelFormProblems(db, workspaceId, result.plan)),
  ];
  return { ok: errors.length === 0, errors };
}
