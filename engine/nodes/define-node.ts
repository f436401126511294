import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { PlanNodeKind } from '../../workflows/plan.js';

/** Every user-facing string of a node type, in both UI languages. */
export interface Localized {
  zh: string;
  en: string;
}

export interface NodeOutput {
  id: string;
  label: Localized;
}

/**
 * Outputs that come from the config, e.g. a branch has one output per condition.
 * `from` is the config array, `id`/`label` the keys read from each item, `extra` outputs follow.
 */
export interface DynamicOutputs {
  from: string;
  id: string;
  label: string;
  extra?: NodeOutput[];
}

export type NodeCategory = 'trigger' | 'flow' | 'action';

/** What an action node's `run` receives. Everything it needs is injected; nothing is imported at module level. */
export interface NodeRunContext {
  workspaceId: string;
  journeyId: string;
  runId: string;
  nodeId: string;
  /** `${runId}:${nodeId}:${visit}` — stable across retries, restarts and replays, never from the attempt */
  idempotencyKey: string;
  member: MemberSnapshot;
  vars: RunVars;
  db: Kysely<Database>;
  channels: ChannelSender;
  now(): Date;
  /**
   * Run `effect` exactly once per idempotency key: the key and the effect commit in one transaction,
   * and a retry gets the first result back. Custom nodes use this for any effect of their own.
   */
  once<T extends Record<string, unknown>>(effect: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

export interface MemberSnapshot {
  id: string;
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  consent: Record<string, boolean>;
  tags: string[];
}

/** Values a run carries between nodes, e.g. the coupon a message refers to as `{{coupon.code}}`. */
export interface RunVars {
  coupon?: { code: string; kind: string; value: number; expiresAt: string | null; templateId: string };
  [key: string]: unknown;
}

export interface ChannelSender {
  send(message: {
    channel: string;
    to: string | null;
    title: string | null;
    body: string;
    idempotencyKey: string;
  }): Promise<{ providerMessageId: string }>;
}

export interface NodeRunResult {
  output: string;
  detail?: Record<string, unknown>;
  vars?: Partial<RunVars>;
}

export interface NodeDefinition<S extends z.ZodType = z.ZodType> {
  /** stable id stored in documents and plans, e.g. `wait.event` */
  type: string;
  /** bump when `run` or the config meaning changes; runs keep the version they started with */
  version: number;
  category: NodeCategory;
  /** control kinds are interpreted inside the workflow; everything with `run` is an `action` */
  kind: PlanNodeKind;
  title: Localized;
  description: Localized;
  /** an Ant Design icon name, e.g. `ClockCircleOutlined` */
  icon: string;
  color: string;
  config: S;
  /** the config a node starts with when dropped on the canvas (may be incomplete: drafts may be) */
  defaults: Partial<z.input<S>>;
  outputs: NodeOutput[] | DynamicOutputs;
  /** one-line summary template over the config, e.g. `Wait {{amount}} {{unit}}` */
  summary: Localized;
  /** checks that need more than the schema (cross-field rules); return problems with a field path */
  check?(config: z.infer<S>): { field?: string; message: string }[];
  /** the effect, run as a Temporal activity; only for `kind: 'action'` */
  run?(ctx: NodeRunContext, config: z.infer<S>): Promise<NodeRunResult>;
}

/**
 * Define a node type. One file per node type under `engine/nodes/` (`*.node.ts`, default export);
 * the registry finds it, the API serves it, the canvas draws it — no other edit is needed.
 *
 * @example
 * export default defineNode({
 *   type: 'points', version: 1, category: 'action', kind: 'action',
 *   title: { zh: '加积分', en: 'Add points' }, description: { zh: '…', en: '…' },
 *   icon: 'GiftOutlined', color: '#d48806',
 *   config: z.object({ points: z.number().int().positive() }),
 *   outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
 *   summary: { zh: '加 {{points}} 积分', en: 'Add {{points}} points' },
 *   async run(ctx, config) { … return { output: 'next' }; },
 * });
 */
export function defineNode<S extends z.ZodType>(def: NodeDefinition<S>): NodeDefinition<S> {
  if (def.kind === 'action' && !def.run) throw new Error(`node type ${def.type}: an action needs run()`);
  if (def.kind !== 'action' && def.run) throw new Error(`node type ${def.type}: only actions have run()`);
  return def;
}
