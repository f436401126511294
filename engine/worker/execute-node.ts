import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { ActionRequest, ActionResult } from '../../workflows/activities.js';
import type { ChannelSender, NodeRunContext } from '../nodes/define-node.js';
import { NodeFailure } from '../nodes/node-failure.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { memberSnapshot } from '../repositories/member.repository.js';

/** Runs an action node's `run` with the context it is promised; the worker injects this into the activities. */
export function createNodeExecutor(deps: {
  db: Kysely<Database>;
  registry: NodeRegistry;
  channels: ChannelSender;
}) {
  return async function executeNode(req: ActionRequest): Promise<ActionResult> {
    // The version the run's plan was compiled against, not today's latest.
    const def = deps.registry.get(req.nodeType, req.typeVersion);
    if (!def?.run) {
      throw new NodeFailure(
        'node_type_missing',
        `node type ${req.nodeType}@${req.typeVersion} is not installed on this worker`,
      );
    }
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
      now: () => new Date(),
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
    const parsed = def.config.safeParse(req.config);
    if (!parsed.success)
      throw new NodeFailure('invalid_config', `config no longer valid: ${parsed.error.issues[0]?.message}`);
    const result = await def.run(ctx, parsed.data);
    return {
      output: result.output,
      detail: result.detail,
      vars: result.vars as Record<string, unknown> | undefined,
    };
  };
}
