import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Plan } from '../../workflows/plan.js';
import { writeAudit } from '../auth/audit.js';
import { logger } from '../infra/logger.js';
import { findVersionPlan } from '../repositories/journey.repository.js';
import { pickWinner, type WinnerDecision } from './index.js';
import { splitVariantCounts } from './results.repository.js';
import { type SplitConfig, splitNodes, winnerRule } from './split-config.js';

/**
 * Auto-winner: a split with `autoWinner.enabled` names its winner once pickWinner does (over all its members
 * so far, every version), and from then on later members of the competing variants go down the winner's path;
 * members already past the split keep theirs, and the holdout keeps its share. The decision is a row of
 * `split_decisions` (time, numbers, by auto or a marketer) and an audit entry.
 *
 * A decision is taken at most once automatically: once a marketer cleared a decision (back to the random
 * split), the auto-winner does not decide that split again — the marketer's call stands; they may still pick
 * a variant by hand. This also ends the repeated looking that would inflate false winners (README).
 */

export class SplitDecisionError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_input',
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SplitDecisionError';
  }
}

async function splitOf(db: Kysely<Database>, journeyId: string, version: number, nodeId: string) {
  const plan = await findVersionPlan(db, journeyId, version);
  return plan ? splitNodes(plan).find((s) => s.nodeId === nodeId) : undefined;
}

/** What pickWinner says now for a split's competing variants (every version, every day). */
export async function currentWinner(
  db: Kysely<Database>,
  journeyId: string,
  split: SplitConfig,
): Promise<WinnerDecision & { counts: Record<string, { entered: number; converted: number }> }> {
  const counts = await splitVariantCounts(db, journeyId, split.nodeId);
  const competing = split.variants.filter((v) => !v.holdout);
  const at = (id: string) => counts.get(id) ?? { entered: 0, converted: 0 };
  const decision = pickWinner(
    competing.map((v) => ({ id: v.id, n: at(v.id).entered, successes: at(v.id).converted })),
    winnerRule(split.autoWinner),
  );
  return { ...decision, counts: Object.fromEntries(competing.map((v) => [v.id, at(v.id)])) };
}

/**
 * The winner a split sends its members to now, or null (random split). Reads the current decision; with the
 * auto-winner on and no decision ever taken for the split, asks pickWinner and records a winner it names.
 * `write: false` (the simulator) only reads what the worker would decide.
 */
export async function splitWinner(
  db: Kysely<Database>,
  req: { workspaceId: string; journeyId: string; version: number; nodeId: string; plan?: Plan },
  opts: { write: boolean } = { write: true },
): Promise<string | null> {
  const rows = await db
    .selectFrom('split_decisions')
    .select(['variant', 'cleared_at'])
    .where('journey_id', '=', req.journeyId)
    .where('node_id', '=', req.nodeId)
    .orderBy('id', 'desc')
    .execute();
  const live = rows.find((r) => r.cleared_at === null);
  if (live) return live.variant;
  if (rows.length) return null; // a marketer cleared it: the random split stands
  const split = req.plan
    ? splitNodes(req.plan).find((s) => s.nodeId === req.nodeId)
    : await splitOf(db, req.journeyId, req.version, req.nodeId);
  if (!split?.autoWinner.enabled) return null;
  const now = await currentWinner(db, req.journeyId, split);
  if (now.status !== 'winner' || !now.winner) return null;
  if (!opts.write) return now.winner;
  const numbers = {
    probabilities: now.probabilities,
    counts: now.counts,
    rule: winnerRule(split.autoWinner),
    reason: now.reason,
    version: req.version,
  };
  const inserted = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('split_decisions')
      .values({
        workspace_id: req.workspaceId,
        journey_id: req.journeyId,
        node_id: req.nodeId,
        variant: now.winner!,
        decided_by: 'auto',
        actor: null,
        numbers: JSON.stringify(numbers),
      })
      // two workers deciding at once: the unique index keeps one decision
      .onConflict((oc) => oc.columns(['journey_id', 'node_id']).where('cleared_at', 'is', null).doNothing())
      .returning('variant')
      .executeTakeFirst();
    if (row)
      await writeAudit(trx, {
        workspaceId: req.workspaceId,
        system: 'auto-winner',
        action: 'journey.split_decision',
        target: { type: 'journey', id: req.journeyId },
        outcome: 'ok',
        detail: { nodeId: req.nodeId, variant: now.winner, by: 'auto', ...numbers },
      });
    return row;
  });
  if (inserted)
    logger.info(
      { journeyId: req.journeyId, nodeId: req.nodeId, variant: now.winner },
      'auto-winner decided a split',
    );
  const current = await db
    .selectFrom('split_decisions')
    .select('variant')
    .where('journey_id', '=', req.journeyId)
    .where('node_id', '=', req.nodeId)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  return current?.variant ?? null;
}

/** A marketer's pick: the split sends later members to `variant` (replacing any current decision). */
export async function pickSplitVariant(
  trx: Kysely<Database>,
  req: { workspaceId: string; journeyId: string; nodeId: string; variant: string; actor: string },
) {
  const split = await latestSplit(trx, req.journeyId, req.nodeId);
  const variant = split.variants.find((v) => v.id === req.variant);
  if (!variant)
    throw new SplitDecisionError('invalid_input', 'variant', `the split has no group ${req.variant}`);
  if (variant.holdout)
    throw new SplitDecisionError(
      'invalid_input',
      'variant',
      'the holdout cannot be the winner: it gets nothing',
    );
  const numbers = await currentWinner(trx, req.journeyId, split);
  await trx
    .updateTable('split_decisions')
    .set({ cleared_at: sql`now()`, cleared_by: req.actor })
    .where('journey_id', '=', req.journeyId)
    .where('node_id', '=', req.nodeId)
    .where('cleared_at', 'is', null)
    .execute();
  return trx
    .insertInto('split_decisions')
    .values({
      workspace_id: req.workspaceId,
      journey_id: req.journeyId,
      node_id: req.nodeId,
      variant: req.variant,
      decided_by: 'manual',
      actor: req.actor,
      numbers: JSON.stringify({
        probabilities: numbers.probabilities,
        counts: numbers.counts,
        reason: numbers.reason,
      }),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Back to the random split; the auto-winner will not decide this split again. */
export async function clearSplitDecision(
  trx: Kysely<Database>,
  req: { journeyId: string; nodeId: string; actor: string },
): Promise<boolean> {
  await latestSplit(trx, req.journeyId, req.nodeId);
  const r = await trx
    .updateTable('split_decisions')
    .set({ cleared_at: sql`now()`, cleared_by: req.actor })
    .where('journey_id', '=', req.journeyId)
    .where('node_id', '=', req.nodeId)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The split node as the newest published version has it (404 when it has none). */
async function latestSplit(db: Kysely<Database>, journeyId: string, nodeId: string): Promise<SplitConfig> {
  const row = await db
    .selectFrom('journey_versions')
    .select(['version', 'plan'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .executeTakeFirst();
  const plan = row ? await findVersionPlan(db, journeyId, row.version) : null;
  const split = plan ? splitNodes(plan).find((s) => s.nodeId === nodeId) : undefined;
  if (!split)
    throw new SplitDecisionError('not_found', undefined, `no split ${nodeId} in the published journey`);
  return split;
}
