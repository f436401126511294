import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, notFound } from '../api/app-error.js';
import { publishedJourneys } from '../repositories/journey.repository.js';
import { maskedMember } from './member-view.js';
import { analyzeRule, findCycle, ruleColumns, ruleProblems, type SegmentRule } from './rules.js';
import { ruleSql } from './sql.js';

export interface SegmentInput {
  name: string;
  description?: string;
  rule: SegmentRule;
}

export function segmentView(
  row: {
    id: string;
    name: string;
    description: string;
    rule: unknown;
    time_based: boolean;
    system_key: string | null;
    evaluated_at: Date | null;
    created_at: Date;
    updated_at: Date;
  },
  /** its live member count (from segment_members) */
  extra: { members: number },
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rule: row.rule as SegmentRule,
    timeBased: row.time_based,
    systemKey: row.system_key,
    evaluatedAt: row.evaluated_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...extra,
  };
}

export async function findSegmentOrThrow(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('audience');
  return row;
}

/**
 * A rule that cannot be evaluated is refused with the path of the bad rule: a missing value, an audience
 * that does not exist (in this workspace) or that contains itself through others.
 */
export async function checkRuleOrThrow(
  db: Kysely<Database>,
  workspaceId: string,
  id: string | null,
  rule: SegmentRule,
) {
  const problems = ruleProblems(rule);
  const { dependsOn } = analyzeRule(rule);
  const others = await db
    .selectFrom('segments')
    .select(['id', 'depends_on'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const known = new Map(others.map((o) => [o.id, o.depends_on]));
  const path = (segmentId: string) => {
    const at: string[] = [];
    const walk = (r: SegmentRule, p: string) => {
      if (r.kind === 'all' || r.kind === 'any') {
        for (const [i, x] of r.rules.entries()) walk(x, `${p}.rules.${i}`);
      } else if (r.kind === 'segment' && r.segmentId === segmentId) at.push(`${p}.segmentId`);
    };
    walk(rule, 'rule');
    return at[0] ?? 'rule';
  };
  for (const d of dependsOn) {
    if (!known.has(d)) problems.push({ field: path(d), message: 'no such audience in this workspace' });
    else if (d === id) problems.push({ field: path(d), message: 'an audience cannot contain itself' });
  }
  if (id && !problems.length) {
    const cycle = findCycle(id, (x) => (x === id ? dependsOn : (known.get(x) ?? [])));
    if (cycle) {
      problems.push({
        field: path(cycle[1]),
        message: `this audience would contain itself through ${cycle.length - 2} other(s)`,
      });
    }
  }
  if (problems.length) {
    throw new AppError('invalid_input', `${problems[0].field}: ${problems[0].message}`, {
      field: problems[0].field,
      issues: problems,
    });
  }
}

export async function createSegment(
  db: Kysely<Database>,
  workspaceId: string,
  input: SegmentInput,
  systemKey?: string,
) {
  await checkRuleOrThrow(db, workspaceId, null, input.rule);
  const row = await db
    .insertInto('segments')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      description: input.description ?? '',
      ...ruleColumns(input.rule),
      system_key: systemKey ?? null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new AppError('conflict', `an audience named ${input.name} already exists`, { field: 'name' });
  return row;
}

export async function updateSegment(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  input: SegmentInput,
) {
  await findSegmentOrThrow(db, workspaceId, id);
  await checkRuleOrThrow(db, workspaceId, id, input.rule);
  const clash = await db
    .selectFrom('segments')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', input.name)
    .where('id', '!=', id)
    .executeTakeFirst();
  if (clash)
    throw new AppError('conflict', `an audience named ${input.name} already exists`, { field: 'name' });
  return db
    .updateTable('segments')
    .set({
      name: input.name,
      description: input.description ?? '',
      ...ruleColumns(input.rule),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Published journeys (not archived) whose current plan mentions the audience: trigger, branch or exit. */
export async function journeysUsingSegment(db: Kysely<Database>, workspaceId: string, id: string) {
  return publishedJourneys(db)
    .select(['j.id', 'j.name'])
    .where('j.workspace_id', '=', workspaceId)
    .where('j.status', '!=', 'archived')
    .where(sql<boolean>`strpos(v.plan::text, ${id}) > 0`)
    .execute();
}

/** `journeysUsingSegment` for a page of audiences at once (the list shows who uses each). */
export async function journeysUsingSegments(db: Kysely<Database>, workspaceId: string, ids: string[]) {
  const out = new Map<string, { id: string; name: string }[]>();
  if (!ids.length) return out;
  // the same test as journeysUsingSegment (the plan mentions the id), once for the whole page of audiences
  const rows = await publishedJourneys(db)
    .select(['j.id', 'j.name', sql<string>`v.plan::text`.as('plan')])
    .where('j.workspace_id', '=', workspaceId)
    .where('j.status', '!=', 'archived')
    .where(sql<boolean>`v.plan::text like any(${ids.map((id) => `%${id}%`)}::text[])`)
    .orderBy('j.name')
    .execute();
  for (const r of rows)
    for (const id of ids)
      if (r.plan.includes(id)) out.set(id, [...(out.get(id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

/** Deleting an audience a published journey or another audience uses is refused, naming them. */
export async function deleteSegment(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findSegmentOrThrow(db, workspaceId, id);
  const journeys = await journeysUsingSegment(db, workspaceId, id);
  if (journeys.length) {
    throw new AppError(
      'conflict',
      `the audience is used by published journeys: ${journeys.map((j) => j.name).join(', ')}`,
      { field: 'id', journeys },
    );
  }
  const audiences = await db
    .selectFrom('segments')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`${id}::uuid = any(depends_on)`)
    .execute();
  if (audiences.length) {
    throw new AppError(
      'conflict',
      `other audiences refer to this one: ${audiences.map((a) => a.name).join(', ')}`,
      { field: 'id', audiences },
    );
  }
  await db.deleteFrom('segments').where('id', '=', row.id).execute();
}

/** How many members a rule matches now, and a few of them (masked where the caller may not see contacts). */
export async function previewRule(
  db: Kysely<Database>,
  workspaceId: string,
  rule: SegmentRule,
  opts: { sample?: number; now?: number; mask?: boolean } = {},
) {
  const ws = await db
    .selectFrom('workspaces')
    .select('timezone')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const cond = ruleSql(rule, { now: new Date(opts.now ?? Date.now()), timezone: ws.timezone });
  const [{ n }, sample] = await Promise.all([
    db
      .selectFrom('members as m')
      .select(sql<number>`count(*)`.as('n'))
      .where('m.workspace_id', '=', workspaceId)
      .where(cond)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('members as m')
      .select(['m.external_id', 'm.name', 'm.phone', 'm.email', 'm.attributes', 'm.created_at'])
      .where('m.workspace_id', '=', workspaceId)
      .where(cond)
      .orderBy('m.created_at', 'desc')
      .limit(opts.sample ?? 10)
      .execute(),
  ]);
  return { count: n, sample: sample.map((m) => maskedMember(m, opts.mask ?? false)) };
}

export async function segmentMemberCounts(db: Kysely<Database>, ids: string[]) {
  if (!ids.length) return new Map<string, number>();
  const rows = await db
    .selectFrom('segment_members')
    .select(['segment_id', sql<number>`count(*)`.as('n')])
    .where('segment_id', 'in', ids)
    .where('left_at', 'is', null)
    .groupBy('segment_id')
    .execute();
  return new Map(rows.map((r) => [r.segment_id, r.n]));
}
