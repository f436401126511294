/**
 * A test bench for node authors (`yutang/sdk/testing`), in vitest against the real thing:
 *
 * - `runNode(def, config, { db })` runs a node type's `run` against a real database with the run context
 *   the worker gives it (a member, a run row, the idempotency key, `once`, a logger), and `again()` runs the
 *   same step again, as a Temporal retry would: exactly-once effects can be asserted.
 * - `runJourneyWithNode(stack, …)` publishes a small journey — event trigger → the node → end — on a real
 *   Temporal worker (`startStack({ nodes: [def] })`, integration project) and returns each member's run.
 *
 * @example
 * const out = await runNode(pointsNode, { points: 5 }, { db, member: 'm1' });
 * expect(out.output).toBe('next');
 * await out.again(); // a retry: still 5 points, not 10
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { ActionRequest, ActionResult } from '../../workflows/activities.js';
import type { ChannelSender, NodeDefinition } from '../nodes/define-node.js';
import { NodeRegistry } from '../nodes/registry.js';
import { type MemberPatch, upsertMember } from '../repositories/member.repository.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack } from '../testing/stack.js';
import { createSandboxChannels } from '../worker/channels.js';
import { createNodeExecutor } from '../worker/execute-node.js';

export { eventually, type Stack, startStack } from '../testing/stack.js';

export interface RunNodeOptions {
  db: Kysely<Database>;
  /** the workspace to run in (created when missing); default: a fresh one */
  workspaceId?: string;
  /** the member the step runs for: an external id, or one with a profile (created or updated) */
  member?: string | ({ externalId: string } & MemberPatch);
  /** run variables, e.g. `{ coupon: { code: 'X' } }` */
  vars?: Record<string, unknown>;
  nodeId?: string;
  /** the channel sender `ctx.channels` gives (default: the sandbox, which records nothing outside) */
  channels?: ChannelSender;
  /**
   * Run the step as a plan compiled against this version of the type would (default: `def.version`), with
   * the node types of `registry` installed (default: `def` alone) — e.g. to check that members still on
   * version 1 keep working once version 2 ships.
   */
  typeVersion?: number;
  registry?: NodeRegistry;
}

export interface NodeRunOutcome extends ActionResult {
  workspaceId: string;
  memberId: string;
  runId: string;
  idempotencyKey: string;
  /** the same step again with the same idempotency key, as a retry or a replay would run it */
  again(): Promise<ActionResult>;
}

/** Run a node type's `run` once, for a member, with the context the worker builds (see module doc). */
export async function runNode<S extends z.ZodType>(
  def: NodeDefinition<S>,
  config: z.input<S>,
  opts: RunNodeOptions,
): Promise<NodeRunOutcome> {
  const { db } = opts;
  const workspaceId = opts.workspaceId ?? `ws-test-${randomUUID().slice(0, 8)}`;
  await db
    .insertInto('workspaces')
    .values({ id: workspaceId, name: workspaceId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const member = typeof opts.member === 'object' ? opts.member : { externalId: opts.member ?? 'test-member' };
  const { externalId, ...profile } = member;
  const memberId = await upsertMember(db, workspaceId, externalId, profile);
  // A step belongs to a run of a journey: effects (node_effects, messages…) point at both.
  const journey = await db
    .insertInto('journeys')
    .values({
      workspace_id: workspaceId,
      name: `test: ${def.type}`,
      draft: JSON.stringify({ nodes: [], edges: [] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await db
    .insertInto('runs')
    .values({
      workspace_id: workspaceId,
      journey_id: journey.id,
      version: 1,
      member_id: memberId,
      entry_no: 1,
      workflow_id: `test-${randomUUID()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const execute = createNodeExecutor({
    db,
    registry: opts.registry ?? new NodeRegistry([def as unknown as NodeDefinition]),
    channels: opts.channels ?? createSandboxChannels(),
  });
  const request: ActionRequest = {
    workspaceId,
    journeyId: journey.id,
    runId: run.id,
    memberId,
    nodeId: opts.nodeId ?? 'node',
    nodeType: def.type,
    typeVersion: opts.typeVersion ?? def.version,
    config: config as Record<string, never>,
    visit: 1,
    vars: opts.vars ?? {},
  };
  const result = await execute(request);
  return {
    ...result,
    workspaceId,
    memberId,
    runId: run.id,
    idempotencyKey: `${run.id}:${request.nodeId}:1`,
    again: () => execute(request),
  };
}

export interface JourneyRunOutcome {
  member: string;
  status: string;
  error: string | null;
  /** the node's step: the output it took (null if it failed) and its detail */
  step: { output: string | null; status: string; detail: Record<string, unknown> } | null;
}

/**
 * Publish `event trigger → the node → end` in the stack's workspace, send the event for each member, and
 * wait until every run has ended. The stack must know the node type: `startStack({ nodes: [def] })`.
 */
export async function runJourneyWithNode(
  stack: Stack,
  nodeType: string,
  config: Record<string, unknown>,
  opts: { members: string[]; event?: string; timeoutMs?: number },
): Promise<JourneyRunOutcome[]> {
  const def = stack.registry.getOrThrow(nodeType);
  // an event of this journey's own: journeys published earlier in the same workspace do not hear it
  const event = opts.event ?? `test_${nodeType.replace(/[^A-Za-z0-9_]/g, '_')}_${randomUUID().slice(0, 8)}`;
  const outputs = stack.registry.outputsOf(def, config).map((o) => o.id);
  const journey = await stack.ok('POST', '/journeys', {
    name: `test ${nodeType} ${randomUUID().slice(0, 6)}`,
    document: {
      nodes: [
        node('trigger', 'trigger.event', { event }),
        node('step', nodeType, config, 100),
        node('end', 'exit', {}, 200),
      ],
      edges: [edge('trigger', 'step'), ...outputs.map((o) => edge('step', 'end', o))],
    },
  });
  await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
  for (const m of opts.members) {
    await stack.ok('PUT', `/members/${m}`, { name: m });
    await stack.ok('POST', '/events', { memberId: m, name: event, id: `${journey.id}-${m}` });
  }
  const runs = await eventually(
    async () => {
      const rows = await stack.db
        .selectFrom('runs as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .select(['m.external_id as member', 'r.id', 'r.status', 'r.error'])
        .where('r.journey_id', '=', journey.id)
        .execute();
      const ended = rows.filter((r) => !['running', 'waiting'].includes(r.status));
      return ended.length === opts.members.length ? ended : null;
    },
    opts.timeoutMs ?? 90_000,
    `${opts.members.length} run(s) of the ${nodeType} journey to end`,
  );
  const steps = await stack.db
    .selectFrom('run_steps')
    .select(['run_id', 'output', 'status', 'detail'])
    .where(
      'run_id',
      'in',
      runs.map((r) => r.id),
    )
    .where('node_id', '=', 'step')
    .execute();
  return runs
    .map((r) => {
      const s = steps.find((x) => x.run_id === r.id);
      return {
        member: r.member,
        status: r.status,
        error: r.error,
        step: s
          ? { output: s.output, status: s.status, detail: (s.detail ?? {}) as Record<string, unknown> }
          : null,
      };
    })
    .sort((a, b) => a.member.localeCompare(b.member));
}
