/** Types of the Yutang HTTP API as the web sees it (the contract in the journey-canvas issue). */

export interface Localized {
  zh: string;
  en: string;
}

export type NodeCategory = 'trigger' | 'flow' | 'action';

/** A JSON Schema (draft 2020-12, from zod's toJSONSchema) with our `x-` extensions. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  minLength?: number;
  description?: string;
  'x-label'?: Localized;
  'x-widget'?: string;
  [key: string]: unknown;
}

export interface NodeOutputInfo {
  id: string;
  label: Localized;
}

export interface NodeTypeInfo {
  type: string;
  version: number;
  category: NodeCategory;
  kind: string;
  title: Localized;
  description: Localized;
  icon: string;
  color: string;
  configSchema: JsonSchema;
  defaults: Record<string, unknown>;
  outputs: NodeOutputInfo[];
  dynamicOutputs: null | { from: string; id: string; label: string; extra?: NodeOutputInfo[] };
  summary: Localized;
}

export interface DocNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: Record<string, unknown>;
}

export interface DocEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
}

/** The journey document is React Flow's own shape, trimmed to what the server stores. */
export interface JourneyDocument {
  nodes: DocNode[];
  edges: DocEdge[];
}

export type ProblemCode =
  | 'unknown_type'
  | 'invalid_config'
  | 'trigger_count'
  | 'unreachable'
  | 'output_unconnected'
  | 'edge_dangling'
  | 'duplicate_id'
  | 'cycle_without_wait'
  | 'check';

export interface Problem {
  nodeId: string;
  field?: string;
  code: ProblemCode | string;
  message: string;
}

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface JourneyStats {
  entered: number;
  active: number;
  completed: number;
  failed: number;
}

export interface JourneySummary {
  id: string;
  name: string;
  description: string;
  status: JourneyStatus;
  currentVersion: number | null;
  hasUnpublishedChanges: boolean;
  updatedAt: string;
  stats: JourneyStats;
}

export interface JourneyVersionInfo {
  version: number;
  note: string | null;
  publishedAt: string;
}

export interface JourneyDetail {
  id: string;
  name: string;
  description: string;
  status: JourneyStatus;
  currentVersion: number | null;
  document: JourneyDocument;
  hasUnpublishedChanges: boolean;
  versions: JourneyVersionInfo[];
  updatedAt: string;
}

export interface JourneyVersion {
  version: number;
  note: string | null;
  publishedAt: string;
  document: JourneyDocument;
  plan: unknown;
}

export interface NodeStats {
  entered: number;
  outputs: Record<string, number>;
  waiting: number;
  failed: number;
}

export interface JourneyNodeStats {
  nodes: Record<string, NodeStats>;
  totals: { entered: number; active: number; completed: number; exited: number; failed: number };
}

export interface JourneyTemplate {
  id: string;
  name: Localized;
  description: Localized;
  document: JourneyDocument;
  needs: string[];
}

export interface CouponTemplate {
  id: string;
  name: string;
  kind: 'amount' | 'percent';
  value: number;
  validDays: number;
  stock: number | null;
  issued: number;
}

export interface Member {
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

export type RunStatus = 'running' | 'waiting' | 'completed' | 'exited' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  journeyId: string;
  journeyName: string;
  version: number;
  memberId: string;
  status: RunStatus;
  currentNodeId: string | null;
  /** the current node's type in the run's version (null when the run is not at a node) */
  currentNodeType?: string | null;
  startedAt: string;
  endedAt: string | null;
  exitReason: string | null;
  /** why the run failed */
  error?: string | null;
  nextAt: string | null;
  /** the run in the Temporal Web UI (only on GET /runs/:id, when a UI is known) */
  temporalUrl?: string | null;
}

export interface RunStep {
  seq: number;
  nodeId: string;
  nodeType: string;
  output: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

export interface Message {
  id: string;
  runId: string;
  journeyId: string;
  nodeId: string;
  memberId: string;
  channel: string;
  title: string | null;
  body: string;
  status: 'sent' | 'skipped' | 'failed' | 'queued';
  skipReason: string | null;
  createdAt: string;
}

export interface Coupon {
  code: string;
  status: string;
  templateId: string;
  expiresAt: string | null;
  [key: string]: unknown;
}

/** One page of a list: the API's lists are newest first, paged by an opaque cursor. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageParams {
  cursor?: string;
  limit?: number;
}

/** pending: not acted on yet (retried with back-off) · processed · dead: given up on, ops may replay it */
export type EventStatus = 'pending' | 'processed' | 'dead';

export interface EventRecord {
  id: string;
  clientId: string | null;
  memberId: string;
  name: string;
  properties: Record<string, unknown>;
  status: EventStatus;
  attempts: number;
  error: string | null;
  occurredAt: string;
  receivedAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  processedAt: string | null;
  deadAt: string | null;
}

export interface EventOutcome {
  eventId: string;
  id: string | null;
  duplicate: boolean;
  status: 'processed' | 'kept' | 'dead';
  runsStarted: number;
  runsSignalled: number;
  error?: { kind: 'unavailable' | 'retryable' | 'permanent'; message: string; retryAt?: string };
}
