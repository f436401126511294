import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import {
  type ActionRequest,
  type ActionResult,
  type DeadlineRequest,
  memberFacts,
  type PlanWant,
} from '../../workflows/activities.js';
import type { MemberFacts } from '../../workflows/core/conditions.js';
import { type Plan, type PlanNode, planRegion } from '../../workflows/plan.js';
import { channels } from '../channels/registry.js';
import { type GuardOptions, guardEffect } from '../guard/guard.js';
import { type Logger, logger as rootLogger } from '../infra/logger.js';
import type { ChannelSender, NodeRunContext } from '../nodes/define-node.js';
import { migrateConfig } from '../nodes/migrate-config.js';
import { NodeFailure } from '../nodes/node-failure.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { findVersionPlan } from '../repositories/journey.repository.js';
import { memberSnapshot } from '../repositories/member.repository.js';
import { openWorkspaceSecret } from '../secrets/secrets.service.js';

export interface ExecutorDeps {
  db: Kysely<Database>;
  registry: NodeRegistry;
  channels: ChannelSender;
  guard?: GuardOptions;
  log?: Logger;
  /**
   * Fault injection for tests (YUTANG_FAIL_AFTER_EFFECT=<type>:<n> in main): the step fails after its `run`
   * returned on its first n attempts, as if the worker died after the effect — the retry must not repeat it.
   */
  failAfterEffect?: { type: string; attempts: number } | null;
  /** tell the member's other live runs that their facts changed (exit criteria on tags and attributes) */
  memberChanged?(memberId: string, facts: MemberFacts, exceptRunId: string): Promise<void>;
}

/** Runs an action node's guard stage and `run` with the context it is promised; injected into the activities. */
export function createNodeExecutor(deps: ExecutorDeps) {
  const log = deps.log ?? rootLogger.child({ component: 'node' });
  return async function executeNode(req: ActionRequest): Promise<ActionResult> {
    // The version the run's plan was compiled against, not today's latest; when only a newer one is
    // installed, the plan's config is migrated to it (an old version's file can be kept to avoid that).
    let def = deps.registry.get(req.nodeType, req.typeVersion);
    let config: unknown = req.config;
    if (!def) {
      const latest = deps.registry.get(req.nodeType);
      const migrated = latest ? migrateConfig(latest, req.config, req.typeVersion) : null;
      if (latest && migrated?.ok) {
        def = latest;
        config = migrated.config;
      }
    }
    if (!def?.run) {
      throw new NodeFailure(
        'node_type_missing',
        `node type ${req.nodeType}@${req.typeVersion} is not installed on this worker`,
      );
    }
    const attempt = currentAttempt();
    const member = await memberSnapshot(deps.db, req.memberId);
    if (!member) throw new NodeFailure('member_missing', 'the member no longer exists');
    const idempotencyKey = `${req.runId}:${req.nodeId}:${req.visit}`;
    const ctx: NodeRunContext = {
      workspaceId: req.workspaceId,
      journeyId: req.journeyId,
      runId: req.runId,
      nodeId: req.nodeId,
      idempotencyKey,
      member,
      vars: req.vars,
      db: deps.db,
      channels: deps.channels,
      channelRegistry: channels,
      log: log.child({
        runId: req.runId,
        journeyId: req.journeyId,
        memberId: req.memberId,
        nodeId: req.nodeId,
        nodeType: req.nodeType,
        attempt,
      }),
      attempt,
      now: () => new Date(),
      secret: async (name) => {
        const value = await openWorkspaceSecret(deps.db, req.workspaceId, name);
        if (value === null)
          throw new NodeFailure(
            'secret_missing',
            `the workspace has no secret named ${name.slice(0, 100)}; an admin adds it in settings, then retry`,
          );
        return value;
      },
      once: (effect) =>
        deps.db.transaction().execute(async (trx) => {
          const claimed = await trx
            .insertInto('node_effects')
            .values({
              idempotency_key: idempotencyKey,
              workspace_id: req.workspaceId,
              run_id: req.runId,
              node_id: req.nodeId,
              result: '{}',
            })
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .returning('idempotency_key')
            .executeTakeFirst();
          if (!claimed) {
            const row = await trx
              .selectFrom('node_effects')
              .select('result')
              .where('idempotency_key', '=', idempotencyKey)
              .executeTakeFirstOrThrow();
            return row.result as never;
          }
          const result = await effect(trx);
          await trx
            .updateTable('node_effects')
            .set({ result: JSON.stringify(result) })
            .where('idempotency_key', '=', idempotencyKey)
            .execute();
          return result;
        }),
    };
    const parsed = def.config.safeParse(config);
    if (!parsed.success)
      throw new NodeFailure('invalid_config', `config no longer valid: ${parsed.error.issues[0]?.message}`);

    if (req.guard) {
      // The guard stage: consent, address, quiet hours, caps — decided (and a slot taken) before the effect.
      const outcome = await guardEffect(
        deps.db,
        {
          workspaceId: req.workspaceId,
          journeyId: req.journeyId,
          runId: req.runId,
          key: idempotencyKey,
          member,
          spec: req.guard,
          priority: req.guard.priority,
        },
        deps.guard,
      );
      if (outcome.kind !== 'allow') {
        if (outcome.kind === 'skip') await def.onSkip?.(ctx, parsed.data, outcome.reason);
        return { output: '', guard: outcome, detail: { channel: req.guard.channel } };
      }
    }

    const result = await def.run(ctx, parsed.data);
    const fault = deps.failAfterEffect;
    if (fault && fault.type === req.nodeType && attempt <= fault.attempts) {
      throw new Error(
        `injected failure after the effect (attempt ${attempt} of ${fault.attempts} that fail)`,
      );
    }
    let facts: MemberFacts | undefined;
    if (result.memberChanged) {
      facts = await memberFacts(deps.db, req.memberId);
      await deps.memberChanged?.(req.memberId, facts, req.runId);
    }
    return {
      output: result.output,
      detail: result.detail,
      vars: result.vars as Record<string, unknown> | undefined,
      ...(facts ? { member: facts } : {}),
      ...(result.wait ? { wait: result.wait } : {}),
    };
  };
}

/** A wait's deadline in the member's calendar (their zone, else the workspace's), by its node type. */
export function createDeadlineResolver(deps: { db: Kysely<Database>; registry: NodeRegistry }) {
  return async function resolveDeadline(req: DeadlineRequest): Promise<number> {
    const def = deps.registry.get(req.nodeType, req.typeVersion);
    if (!def?.deadline) throw new Error(`node type ${req.nodeType}@${req.typeVersion} has no deadline()`);
    const row = await deps.db
      .selectFrom('members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['m.timezone as member', 'w.timezone as workspace'])
      .where('m.id', '=', req.memberId)
      .executeTakeFirst();
    const timezone = row?.member ?? row?.workspace ?? 'Asia/Shanghai';
    const parsed = def.config.parse(req.config);
    return def.deadline(parsed, { from: new Date(req.from), timezone }).getTime();
  };
}

/** Published plans never change: the worker keeps the most recently used ones to answer node lookups. */
export function createPlanNodes(db: Kysely<Database>, size = 200) {
  const cache = new Map<string, Plan>();
  return async function planNodes(want: PlanWant): Promise<PlanNode[]> {
    const key = `${want.journeyId}@${want.version}`;
    let plan = cache.get(key);
    if (plan) cache.delete(key);
    else {
      plan = (await findVersionPlan(db, want.journeyId, want.version)) ?? undefined;
      if (!plan) throw new Error(`journey ${want.journeyId} has no version ${want.version}`);
    }
    cache.set(key, plan);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return planRegion(plan.nodes, want.nodeIds);
  };
}

/** The activity's attempt number (1 outside an activity: a node run directly by a test). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** YUTANG_FAIL_AFTER_EFFECT=<node type>:<attempts>, for tests that prove a retried step's effect happens once. */
export function failAfterEffectFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ExecutorDeps['failAfterEffect'] {
  const m = /^([A-Za-z0-9_.-]+):(\d+)$/.exec(env.YUTANG_FAIL_AFTER_EFFECT ?? '');
  return m ? { type: m[1], attempts: Number(m[2]) } : null;
}
