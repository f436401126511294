import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { Behavior, EntrySpec, GuardSpec, ReentryRule } from '../../workflows/plan.js';
import type { ChannelRegistry } from '../channels/registry.js';
import type { GuideCandidate } from '../guides/guide-choice.js';

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
  /** the sandbox sender: what a send goes through when the workspace has no provider for its channel */
  channels: ChannelSender;
  /**
   * Every channel this install has (`*.channel.ts` files): its forms, address field, labels and provider `send`.
   * A node that messages a member through the workspace's provider, with its exactly-once outbox, does so as the
   * message node does (engine/channels/deliver.ts `sendOutboxMessage`).
   */
  channelRegistry: ChannelRegistry;
  /** a logger that already carries the run, member and node (pino-style: `log.info({ … }, 'message')`) */
  log: NodeLogger;
  /**
   * The value of the workspace secret `name` (settings → 密钥, `PUT /api/secrets/:name`), opened on the worker
   * when the step needs it. Keep it out of the result and the logs: a secret named in the config stays out of the
   * journey, its plan and the run's history. A secret the workspace does not have fails the step (NodeFailure
   * `secret_missing`); an admin adds it, then ops retry.
   */
  secret(name: string): Promise<string>;
  /** which attempt of this step this is (1, 2, …): for logs only — effects key on `idempotencyKey` */
  attempt: number;
  now(): Date;
  /**
   * Run `effect` exactly once per idempotency key: the key and the effect commit in one transaction,
   * and a retry gets the first result back. Custom nodes use this for any effect of their own.
   */
  once<T extends Record<string, unknown>>(effect: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** The logging a node gets: pino's methods, so lines are structured JSON tagged with the run. */
export interface NodeLogger {
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  debug(fields: Record<string, unknown>, message?: string): void;
}

/**
 * How a config of version n becomes a config of version n + 1, keyed by n. Old configs are plain JSON of a
 * shape the current schema no longer describes, so a step takes and returns a loose object.
 */
export type ConfigMigrations = Record<number, (config: Record<string, unknown>) => Record<string, unknown>>;

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
  coupon?: {
    code: string;
    kind: string;
    value: number;
    threshold?: number | null;
    /** 「满 199 减 20」, 「8 折」 */
    words?: string;
    expiresAt: string | null;
    templateId: string;
  };
  [key: string]: unknown;
}

export interface ChannelSender {
  /** the provider de-duplicates sends by idempotency key: asking again after an unknown outcome is safe */
  deduplicatesByKey: boolean;
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
  /** the effect changed the member's tags or attributes: the journey's exit criteria are checked */
  memberChanged?: boolean;
  /**
   * The effect started something that completes from outside (a guide's task): the run waits until a
   * completion signal names one of `completionOutputs`, or takes `timeoutOutput` at `until` (ms since epoch).
   */
  wait?: { until: number; timeoutOutput: string; completionOutputs: string[] };
}

/** A member as the simulator imagines it: what nodes read and change. */
export interface SimulatedMember {
  tags: string[];
  attributes: Record<string, unknown>;
  timezone: string;
  consent: Record<string, boolean>;
  /** the member's own shopping guide (a real member's, or the made-up member's), null: none */
  guide?: GuideCandidate | null;
}

/** What a node's `simulate` may look up besides the member: the workspace's data the real `run` would read. */
export interface SimulationLookups {
  member: SimulatedMember;
  now: Date;
  /** a guide of the workspace by WeCom user id (a guide task's fallback), as the worker would find them */
  guideByWecomUserId?(wecomUserId: string): GuideCandidate | null;
  /** why the workspace's provider for `channel` would skip this member (WeCom without a guide), else null */
  channelSkip?(channel: string): string | null;
}

/** How an action node plays out in the simulator: the output it would take and what it would change. */
export interface SimulatedEffect {
  output: string;
  vars?: Partial<RunVars>;
  detail?: Record<string, unknown>;
  /**
   * The output follows from the member's real data (no guide → 无导购), as the worker would decide it: an
   * outcome the preview assumes for the node does not override it.
   */
  decided?: boolean;
  /**
   * Like `run`'s `wait`: the effect completes from outside (a guide's task) within `afterMs`. The simulator
   * records `output` (created), then the assumed completion (the first of `completionOutputs`, or the outcome
   * chosen for the node; `timeoutOutput` when the deadline passes).
   */
  wait?: { afterMs: number; timeoutOutput: string; completionOutputs: string[] };
}

export interface NodeDefinition<S extends z.ZodType = z.ZodType> {
  /** stable id stored in documents and plans, e.g. `wait.event` */
  type: string;
  /**
   * Bump when `run` or the config meaning changes; runs keep the version they started with. Documents
   * store each node's version; an older one is brought up to date through `migrate` when the journey is
   * opened, validated or published.
   */
  version: number;
  /** `{ 1: (v1) => v2, 2: (v2) => v3 }`: one step per version bump (see ConfigMigrations) */
  migrate?: ConfigMigrations;
  /** palette group: triggers start a journey, flow nodes steer it, actions have effects (`run`) */
  category: NodeCategory;
  /** position in its palette group (lower first); custom nodes without one follow the built-ins */
  order?: number;
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

  /**
   * How the interpreter treats the node, built from its config at compile time (flow nodes and triggers):
   * pass on, end, route, or wait for a timer, events or an outside completion. Actions default to running
   * their `run` as an activity. The result is stored in the plan, so a run keeps the behaviour it started with.
   */
  behavior?(config: z.infer<S>): Behavior;
  /** the effect, run as a Temporal activity; only for actions */
  run?(ctx: NodeRunContext, config: z.infer<S>): Promise<NodeRunResult>;
  /**
   * Guard-rails between "this action is due" and its effect — consent, address, quiet hours, frequency caps —
   * for actions that contact the member over a channel. The decision is made by the worker and recorded.
   */
  guard?(config: z.infer<S>): GuardSpec | null;
  /** a guard skipped the effect: record it where ops look (e.g. a skipped message row) */
  onSkip?(ctx: NodeRunContext, config: z.infer<S>, reason: string): Promise<void>;
  /** the action reaches the member (a message, a coupon): never on a holdout group's path */
  reachesMember?: boolean;
  /** the output taken when a guard or a holdout skips the effect (default: the first output) */
  skipOutput?: string;
  /**
   * For a wait whose timer is `{ kind: 'resolve' }`: when it ends, in the member's zone. Runs on the worker
   * (its answer is recorded in the run's history) and in the simulator.
   */
  deadline?(config: z.infer<S>, at: { from: Date; timezone: string }): Date;
  /** how an action plays out in the simulator (default: its first output, no change) */
  simulate?(config: z.infer<S>, sim: SimulationLookups): SimulatedEffect;
  /** triggers: how members enter, and whether they may enter again */
  trigger?: { entry(config: z.infer<S>): EntrySpec; reentry?(config: z.infer<S>): ReentryRule };
}

/**
 * Define a node type. One file per node type under `engine/nodes/` (`*.node.ts`, default export);
 * the registry finds it, the API serves it, the canvas draws it — no other edit is needed.
 *
 * @example
 * export default defineNode({
 *   type: 'points', version: 1, category: 'action',
 *   title: { zh: '加积分', en: 'Add points' }, description: { zh: '…', en: '…' },
 *   icon: 'GiftOutlined', color: '#d48806',
 *   config: z.object({ points: z.number().int().positive() }),
 *   defaults: { points: 100 },
 *   outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
 *   summary: { zh: '加 {{points}} 积分', en: 'Add {{points}} points' },
 *   async run(ctx, config) { … return { output: 'next' }; },
 * });
 */
export function defineNode<S extends z.ZodType>(def: NodeDefinition<S>): NodeDefinition<S> {
  if (typeof def.type !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(def.type))
    throw new Error(`node type ${String(def.type)}: a type id is letters, digits, _ . - (max 100)`);
  if (!Number.isInteger(def.version) || def.version < 1)
    throw new Error(`node type ${def.type}: version is a whole number from 1`);
  // Steps run from the oldest one given up to the current version: a gap would leave old documents stuck.
  const steps = Object.keys(def.migrate ?? {}).map(Number);
  for (let v = Math.min(...steps); v < def.version; v++) {
    if (!def.migrate?.[v])
      throw new Error(`node type ${def.type}: migrate has no step from version ${v} to ${v + 1}`);
  }
  const isAction = def.category === 'action';
  if (isAction && !def.run) throw new Error(`node type ${def.type}: an action needs run()`);
  if (!isAction && def.run) throw new Error(`node type ${def.type}: only actions have run()`);
  if (!isAction && !def.behavior)
    throw new Error(`node type ${def.type}: a ${def.category} node needs behavior()`);
  if (def.category === 'trigger' && !def.trigger)
    throw new Error(`node type ${def.type}: a trigger needs trigger.entry()`);
  return def;
}

/** The behaviour of a node with this (valid) config. */
export function behaviorOf(def: NodeDefinition, config: unknown, outputs: string[]): Behavior {
  if (def.behavior) return def.behavior(config);
  const guard = def.guard?.(config) ?? undefined;
  return {
    kind: 'action',
    skipOutput: def.skipOutput ?? outputs[0] ?? 'next',
    ...(guard ? { guard } : {}),
    ...(def.reachesMember ? { reachesMember: true } : {}),
  };
}
