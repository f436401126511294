/**
 * The node SDK: everything a node type's file imports, from one place (`yutang/sdk` in a project that
 * depends on Yutang; `engine/sdk/index.js` inside this repository). See docs/custom-nodes.md.
 *
 * A node file default-exports `defineNode({ … })`: the definition half (id, schema, outputs, texts) is
 * plain data the API and canvas read; the runtime half (`run`) executes on the worker as a Temporal
 * activity with a typed `NodeRunContext`. The config `run` receives is typed from the zod schema.
 *
 * @example
 * import { defineNode, z } from 'yutang/sdk';
 *
 * export default defineNode({
 *   type: 'acme.points', version: 1, category: 'action',
 *   title: { zh: '加积分', en: 'Add points' }, description: { zh: '…', en: '…' },
 *   icon: 'TrophyOutlined', color: '#ca8a04',
 *   config: z.object({ points: z.number().int().min(1) }),
 *   defaults: { points: 10 },
 *   outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
 *   summary: { zh: '加 {{points}} 积分', en: 'Add {{points}} points' },
 *   async run(ctx, config) {
 *     // config.points is a number; ctx.once keeps the effect to one per run step
 *     const done = await ctx.once(async (trx) => ({ added: config.points }));
 *     return { output: 'next', detail: done };
 *   },
 * });
 */

// SQL for effects through `ctx.db` / `ctx.once(trx => …)` (Kysely's template tag)
export { sql } from 'kysely';
// One zod for the SDK and its users: schemas built with another copy would not convert to JSON Schema.
export { z } from 'zod';
export type { Database } from '../../db/database.js';
export type {
  ChannelSender,
  ConfigMigrations,
  DynamicOutputs,
  Localized,
  MemberSnapshot,
  NodeCategory,
  NodeDefinition,
  NodeLogger,
  NodeOutput,
  NodeRunContext,
  NodeRunResult,
  RunVars,
  SimulatedEffect,
  SimulatedMember,
} from '../nodes/define-node.js';
export { defineNode } from '../nodes/define-node.js';
export { NodeFailure } from '../nodes/node-failure.js';
export { enumLabels, label, outputId } from '../nodes/schemas.js';
export { renderTemplate } from '../render/template.js';
export { signatureHeaders } from '../webhooks/deliver.js';
export { verifyWebhookSignature } from '../webhooks/verify.js';

import type { z } from 'zod';
import type { NodeDefinition, NodeRunContext, NodeRunResult } from '../nodes/define-node.js';

/** The config a node type's `run` receives (after its schema filled the defaults). */
export type NodeConfig<N> = N extends NodeDefinition<infer S> ? z.output<S> : never;
/** The runtime half of a node type on its own, e.g. to write `run` in a file of its own. */
export type NodeRun<S extends z.ZodType> = (
  ctx: NodeRunContext,
  config: z.output<S>,
) => Promise<NodeRunResult>;
