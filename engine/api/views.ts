/**
 * What the HTTP API answers, route by route: the one definition that the routes are checked against
 * (`satisfies`) and that the web imports with `import type` (erased at build, so no engine code reaches the
 * browser). Dates are `Date` here; on the wire they are ISO strings, and the web reads these types through
 * Hono's `JSONParsed` (web/api/types.ts). Where a route's answer is already a named engine type
 * (`NodeTypeInfo`, `Problem`, `SimulationResult`, `WorkspaceSettings`, `MemberSnapshot`), it is used as is.
 */
import type { z } from 'zod';
import type { EventStatus } from '../../db/tables/event.table.js';
import type { DeliveryStatus, MessageStatus } from '../../db/tables/message.table.js';
import type { RunStatus, StepStatus } from '../../workflows/core/interpreter.js';
import type { MailOutcome } from '../auth/account-mail.js';
import type { ChannelSettingsView } from '../channels/channel-settings.service.js';
import type { ChannelInfo } from '../channels/registry.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import type { journeySettingsSchema } from '../compiler/journey-settings.js';
import type { Problem } from '../compiler/problem.js';
import type { Localized, MemberSnapshot } from '../nodes/define-node.js';
import type { NodeLoadProblem, NodeTypeInfo } from '../nodes/registry.js';
import type { journeyView, Totals } from '../repositories/journey.repository.js';
import type { broadcastView, createBroadcast } from '../segments/broadcasts.service.js';
import type { previewRule, segmentView } from '../segments/segments.repository.js';
import type { EventOutcome } from '../services/events.service.js';
import type { WorkspaceSettings } from '../settings/workspace-settings.js';
import type { SimulationResult } from '../simulate/simulate.js';
import type { ErrorCode } from './app-error.js';

export type { ProblemCode } from '../compiler/problem.js';
export type { NodeCategory, NodeOutput } from '../nodes/define-node.js';
export type { LeafRule, SegmentRule } from '../segments/rules.js';
export type { JourneyDocument, Localized, Problem, RunStatus, SimulationResult, StepStatus, Totals };

/** A JSON Schema (draft 2020-12, from zod's toJSONSchema) as the API serves it, with our `x-` extensions. */
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
  maxItems?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
  /** the field's label in both UI languages */
  'x-label'?: Localized;
  /** the widget that edits the field, e.g. `duration`, `event`, `time`, `weekdays`, `exits` */
  'x-widget'?: string;
  /** labels of enum values */
  'x-enum-labels'?: Record<string, Localized>;
  [key: string]: unknown;
}

/** A node type as served: the registry's description with its config schema typed for the forms. */
export type NodeTypeView = Omit<NodeTypeInfo, 'configSchema'> & { configSchema: JsonSchema };

/** GET /api/channels: a channel with its message form and settings form, typed for the generated forms. */
export type ChannelView = Omit<ChannelInfo, 'messageSchema' | 'credentialsSchema'> & {
  messageSchema: JsonSchema;
  credentialsSchema: JsonSchema;
};
/** GET /api/secrets: a workspace secret as settings list it — its name and who/when, never its value. */
export type { SecretView } from '../secrets/secrets.service.js';
export type { ChannelSettingsView };

/** `document.settings` as the editor writes it (the schema's input: defaults may be left out). */
export type JourneySettingsInput = z.input<typeof journeySettingsSchema>;

/** GET /api/node-types: the palette, and the journey settings panel's form. */
export interface NodeTypesResponse {
  nodeTypes: NodeTypeView[];
  journeySettings: { configSchema: JsonSchema; defaults: JourneySettingsInput };
  /** node files and packages that did not load at start, and why (the others loaded) */
  problems: NodeLoadProblem[];
}

/** A journey as every journey route answers it (POST …/pause, …/resume, …/archive answer just this). */
export type JourneyView = ReturnType<typeof journeyView<Record<never, never>>>;
/** GET /api/journeys: a journey in the list, with its run counts. */
export type JourneySummary = ReturnType<typeof journeyView<{ stats: Totals; results30d: Results30d }>>;
/** GET /api/journeys list items: the last 30 days by entry day (engine/results); conversionRate null while nobody entered */
export interface Results30d {
  entered: number;
  converted: number;
  conversionRate: number | null;
  revenueFen: number;
}

export interface JourneyVersionInfo {
  version: number;
  note: string | null;
  publishedAt: Date;
  /** who published it: their email, or the API key's name (null before accounts existed) */
  publishedBy: string | null;
}

/** GET /api/journeys/:id: the journey with its draft document, versions and counts. */
export type JourneyDetail = ReturnType<typeof journeyView<{ stats: Totals }>> & {
  document: JourneyDocument;
  versions: JourneyVersionInfo[];
};

/** POST /api/journeys (201) and PUT /api/journeys/:id. */
export type JourneyWithDocument = JourneyView & {
  document: JourneyDocument;
  versions?: JourneyVersionInfo[];
};

/** GET /api/journeys/:id/versions/:version: one published version, read-only. */
export interface JourneyVersionView extends JourneyVersionInfo {
  document: JourneyDocument;
  plan: unknown;
}

export interface ValidateResponse {
  ok: boolean;
  errors: Problem[];
}

/** Per-node counts on the canvas. */
export interface NodeStats {
  /**
   * members who passed the node (took an output, skipped included) — kept with this meaning for the canvas,
   * which adds waiting, failed and endedHere to show who arrived; the results report's `entered` is that sum
   */
  entered: number;
  outputs: Record<string, number>;
  /** waiting at the node now */
  waiting: number;
  /** failed at the node, waiting for a retry */
  failed: number;
  /** effects skipped, by reason (quiet_hours, frequency_cap, no_consent, no_address, holdout) */
  skipped: Record<string, number>;
  /** deferrals, by reason (a member deferred twice counts twice) */
  deferred: Record<string, number>;
  /** members who converted / exited while at this node */
  converted: number;
  exited: number;
  /** members whose run ended at this node, any reason (end node, goal, exit, cancel) — always sent */
  endedHere?: number;
  /** members who passed this node and later converted (attribution window included) — always sent */
  convertedDownstream?: number;
}

/** GET /api/journeys/:id/stats */
export interface JourneyStats {
  totals: Totals;
  nodes: Record<string, NodeStats>;
  /** messages by status, coupons by status */
  messages: Record<string, number>;
  coupons: Record<string, number>;
}

export type { CouponTemplateView } from '../coupons/coupons.repository.js';
export type { PublishSummary } from '../services/publish-summary.service.js';
export type { JourneyTemplate, SimulateRequest } from './routes/journeys.routes.js';

/** A run as the run routes answer it: where it is, what is next and why it ended. */
export interface RunView {
  id: string;
  journeyId: string;
  journeyName: string;
  version: number;
  /** the member's own (external) id */
  memberId: string;
  status: RunStatus;
  currentNodeId: string | null;
  /** the current node's type in the run's version (null when the run is not at a node) */
  currentNodeType: string | null;
  /** when a timer of the run fires next (a wait, a deferral) */
  nextAt: Date | null;
  startedAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  /** `goal`, `exit:tag:unsubscribed`, `exit_node`, `end_of_path`, `cancelled_by_ops`… */
  exitReason: string | null;
  /** why the run failed */
  error: string | null;
  workflowId: string;
}

/** One step of a run's path. `detail.reason` says why a step was skipped or deferred (`detail.until`). */
export interface RunStepView {
  seq: number;
  nodeId: string;
  nodeType: string;
  output: string | null;
  status: StepStatus | 'waiting';
  at: Date;
  detail: Record<string, unknown>;
}

/** GET /api/runs/:id */
export interface RunDetail {
  /** with the run in the Temporal Web UI, when a UI is known */
  run: RunView & { temporalUrl: string | null };
  steps: RunStepView[];
}

/** GET /api/messages: the outbox. */
export interface MessageView {
  id: string;
  runId: string;
  journeyId: string;
  nodeId: string;
  memberId: string;
  channel: string;
  to: string | null;
  title: string | null;
  body: string;
  status: MessageStatus;
  /** why it was not sent (no_consent, no_address, quiet_hours, frequency_cap…) */
  skipReason: string | null;
  /** the channel whose provider sent it, or `sandbox` (no credentials configured) */
  provider: string | null;
  /** the provider's refusal, or what a delivery report said went wrong */
  error: string | null;
  /** what the provider reported after taking it (callbacks, WeCom polls): pending → delivered | failed | expired */
  deliveryStatus: DeliveryStatus | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** GET /api/coupons */
export interface CouponView {
  id: string;
  code: string;
  status: 'issued' | 'redeemed' | 'expired';
  templateId: string;
  templateName: string;
  kind: 'amount' | 'threshold' | 'discount';
  value: number;
  threshold: number | null;
  /** 「满 199 减 20」, 「8 折」 */
  words: string;
  memberId: string;
  runId: string | null;
  journeyId: string | null;
  nodeId: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
}

export type { EventOutcome, EventStatus, MemberSnapshot as MemberView, WorkspaceSettings };

/** POST /api/events (202): what happened to the event; the batch answers one per event. */
export type IngestResult = EventOutcome;

/** GET /api/events: an event with its delivery state (pending, processed, dead) and its last error. */
export interface EventView {
  id: string;
  /** the sender's id, when it gave one */
  clientId: string | null;
  /** the member's own (external) id */
  memberId: string;
  name: string;
  properties: Record<string, unknown>;
  status: EventStatus;
  attempts: number;
  error: string | null;
  occurredAt: Date;
  receivedAt: Date;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  processedAt: Date | null;
  deadAt: Date | null;
}

/** POST /api/events/replay */
export interface ReplayResponse {
  results: EventOutcome[];
  /** ids that are not events of this workspace */
  notFound: string[];
}

/** A list answer: the items under the list's own key (`runs`, `events`…) and the next page's cursor. */
export interface CursorPage {
  /** null on the last page */
  nextCursor: string | null;
}

/** A journey or audience named in an answer (who uses an audience). */
export interface NamedRef {
  id: string;
  name: string;
}

/** An audience with its live member count (GET/PUT /api/segments/:id, POST /api/segments). */
export type SegmentView = ReturnType<typeof segmentView>;
/** GET /api/segments: an audience in the list, with the published journeys that use it. */
export type SegmentSummary = SegmentView & { journeys: NamedRef[] };
/** GET /api/segments/:id */
export interface SegmentDetail {
  segment: SegmentView;
  journeys: NamedRef[];
}
/** POST /api/segments/preview, GET /api/segments/:id/preview: the count now and a few members. */
export type SegmentPreview = Awaited<ReturnType<typeof previewRule>>;
/** GET /api/segments/:id/members */
export interface SegmentMemberView {
  enteredAt: Date;
  memberId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
}

/** GET /api/broadcasts: a one-off entry of a list or an audience into a journey, and its progress. */
export type BroadcastView = ReturnType<typeof broadcastView>;
/** POST /api/journeys/:id/enter (202) */
export type EnterResult = Awaited<ReturnType<typeof createBroadcast>>;

/** POST /api/members/batch: how many rows were written, and each refused row with its field. */
export interface MemberImportResult {
  imported: number;
  rejected: number;
  errors: { index: number; id?: string; field: string; message: string }[];
}

/** Every non-2xx answer: a code, an English message, and where known the field, field issues or problems. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    field?: string;
    issues?: { field: string; message: string }[];
    errors?: Problem[];
    /** a 409 on deleting an audience: who still uses it */
    journeys?: NamedRef[];
    audiences?: NamedRef[];
    /** `email_unverified`: what became of the verification mail */
    mailOutcome?: MailOutcome;
  };
}

/** GET /api/members?q= */
export type { MemberSearchResult } from '../members/member-search.repository.js';
export type { SearchKind } from '../members/search-plan.js';

/** DELETE /api/members/:externalId */
export interface MemberEraseResult {
  deleted: true;
  /** the id was erased before (a retried request): nothing changed now */
  alreadyErased: boolean;
  runsEnded: number;
  erasedAt: Date;
}

/** POST /api/runs/bulk */
export interface BulkRunResult {
  /** failed runs at the node this call took */
  matched: number;
  /** of them, cancelled or told to retry */
  acted: number;
  /** runs whose workflow no longer exists (a retry cannot reach them) */
  workflowGone: number;
  /** failed runs still at the node (past this call's limit, or left by a retry that failed again) */
  remaining: number;
}

/** POST /api/runs/:id/cancel and /retry */
export interface RunActionResult {
  ok: true;
  /** the run as it is when the action was sent (the workflow records a cancel or retry a moment later) */
  run: RunView;
}
