import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, notFound } from '../api/app-error.js';
import { publishedJourneys } from '../repositories/journey.repository.js';
import { maskedMember } from './member-view.js';
import { ruleSizeProblem } from './rule-limits.js';
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

/** A rule past the size limits is refused (422) with the path of the first leaf over, before anything else. */
export function checkRuleSizeOrThrow(rule: SegmentRule) {
  const tooLarge = ruleSizeProblem(rule);
  if (tooLarge) {
    throw new AppError('rule_too_large', `${tooLarge.field}: ${tooLarge.message}`, {
      field: tooLarge.field,
      issues: [tooLarge],
    });
  }
}

/**
 * A rule that cannot be evaluated is refused with the path of the bad rule: too large, a missing value, an
 * audience that does not exist (in this workspace) or that contains itself through others.
 */
export async function checkRuleOrThrow(
  db: Kysely<Database>,
  workspaceId: string,
  id: string | null,
  rule: SegmentRule,
) {
  checkRuleSizeOrThrow(rule);
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

/**
 * How many members a rule matches now, and a few of them (masked where the caller may not see contacts).
 * A preview is someone waiting at the editor, not a pass of the schedule: it runs on one connection with its
 * own short statement timeout (`timeoutMs`), and a rule that takes longer is `preview_too_slow` (422) rather
 * than a connection held for the pool's 30 s and a 500. The rule is evaluated once: the matching members'
 * ids are counted and the newest few of them fetched from the same materialized set.
 */
export async function previewRule(
  db: Kysely<Database>,
  workspaceId: string,
  rule: SegmentRule,
  opts: { sample?: number; now?: number; mask?: boolean; timeoutMs: number },
) {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql.raw(`set local statement_timeout = ${Math.max(1, Math.trunc(opts.timeoutMs))}`).execute(trx);
      const ws = await trx
        .selectFrom('workspaces')
        .select('timezone')
        .where('id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      const cond = ruleSql(rule, { now: new Date(opts.now ?? Date.now()), timezone: ws.timezone });
      // one row even when nothing matches: the count, and beside it the sample's members (if any)
      const { rows } = await sql<{
        n: number;
        external_id: string | null;
        name: string | null;
        phone: string | null;
        email: string | null;
        attributes: Record<string, unknown> | null;
        created_at: Date | null;
      }>`
        with matched as materialized (
          select m.id, m.created_at from members m where m.workspace_id = ${workspaceId} and ${cond}
        ), newest as (
          select id, created_at from matched order by created_at desc limit ${opts.sample ?? 10}
        )
        select (select count(*) from matched) as n,
          m.external_id, m.name, m.phone, m.email, m.attributes, m.created_at
        from (select 1) as one
        left join newest on true
        left join members m on m.id = newest.id
        order by newest.created_at desc`.execute(trx);
      const sample = rows.flatMap((r) =>
        r.external_id === null
          ? []
          : [
              maskedMember(
                {
                  external_id: r.external_id,
                  name: r.name,
                  phone: r.phone,
                  email: r.email,
                  attributes: r.attributes ?? {},
                  created_at: r.created_at as Date,
                },
                opts.mask ?? false,
              ),
            ],
      );
      return { count: Number(rows[0]?.n ?? 0), sample };
    });
  } catch (err) {
    // 57014 query_canceled: our statement timeout (nothing else cancels a preview's statement)
    if ((err as { code?: unknown }).code === '57014') {
      throw new AppError(
        'preview_too_slow',
        `this rule takes more than ${opts.timeoutMs / 1000} s to count; narrow it (fewer conditions or event filters, shorter windows)`,
        { field: 'rule' },
      );
    }
    throw err;
  }
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
