/**
 * The API's types as the web sees them. Nothing here is written by hand: they are the engine's own types
 * (engine/api/views.ts and what it names), imported with `import type` — erased at build, so no engine code
 * reaches the bundle — and read through Hono's `JSONParsed`, because a `Date` arrives as an ISO string.
 */
import type { JSONParsed } from 'hono/utils/types';
import type * as V from '../../engine/api/views';

/** A response type after JSON: dates become strings, `undefined` members drop out. */
export type Wire<T> = JSONParsed<T>;

export type {
  JourneyDocument,
  JourneySettingsInput,
  JsonSchema,
  LeafRule,
  Localized,
  NamedRef,
  NodeCategory,
  NodeOutput,
  NodeStats,
  Problem,
  ProblemCode,
  PublishSummary,
  RunStatus,
  SegmentRule,
  SimulateRequest,
  SimulationResult,
  StepStatus,
  Totals,
  WorkspaceSettings,
} from '../../engine/api/views';

/** Node types carry no dates (and JSONParsed cannot expand a recursive JSON Schema): used as served. */
export type NodeTypeInfo = V.NodeTypeView;
export type NodeTypesResponse = V.NodeTypesResponse;
export type ChannelInfo = V.ChannelView;
export type ChannelSettingsView = Wire<V.ChannelSettingsView>;
export type SecretView = Wire<V.SecretView>;
export type DocNode = V.JourneyDocument['nodes'][number];
export type DocEdge = V.JourneyDocument['edges'][number];

export type JourneyStatus = V.JourneyView['status'];
export type JourneyView = Wire<V.JourneyView>;
export type JourneySummary = Wire<V.JourneySummary>;
export type JourneyDetail = Wire<V.JourneyDetail>;
export type JourneyWithDocument = Wire<V.JourneyWithDocument>;
export type JourneyVersion = Wire<V.JourneyVersionView>;
export type JourneyStats = Wire<V.JourneyStats>;
export type JourneyTemplate = Wire<V.JourneyTemplate>;
export type ValidateResponse = V.ValidateResponse;
export type CouponTemplate = Wire<V.CouponTemplateView>;
export type Member = Wire<V.MemberView>;
export type MemberPatch = import('../../engine/api/routes/members.routes').MemberInput;
export type { MemberGuideView } from '../../engine/guides/guide-views';
export type MemberSearchResult = Wire<V.MemberSearchResult>;
export type MemberMatch = MemberSearchResult['members'][number];
export type SearchKind = V.SearchKind;
export type MemberEraseResult = Wire<V.MemberEraseResult>;
export type BulkRunResult = V.BulkRunResult;
export type RunActionResult = Wire<V.RunActionResult>;
export type Run = Wire<V.RunView>;
export type RunDetail = Wire<V.RunDetail>;
export type RunStep = Wire<V.RunStepView>;
export type Message = Wire<V.MessageView>;
export type Coupon = Wire<V.CouponView>;
export type IngestResult = V.IngestResult;
export type ErrorBody = V.ErrorBody;

/** A rule carries no dates and is JSON as it is; JSONParsed cannot expand its recursion, so it is used as served. */
type WithRule<T> = Omit<Wire<T>, 'rule'> & { rule: V.SegmentRule };
export type Segment = WithRule<V.SegmentView>;
export type SegmentSummary = WithRule<V.SegmentSummary>;
export type SegmentDetail = { segment: Segment; journeys: V.NamedRef[] };
export type SegmentPreview = Wire<V.SegmentPreview>;
export type SegmentMember = Wire<V.SegmentMemberView>;
export type Broadcast = Wire<V.BroadcastView>;
export type EnterResult = Wire<V.EnterResult>;
export type MemberImportResult = V.MemberImportResult;

/** GET /api/events: an event with its delivery state */
export type EventRecord = Wire<V.EventView>;
export type EventOutcome = V.EventOutcome;
export type EventStatus = V.EventStatus;
export type ReplayResponse = V.ReplayResponse;

/** One page of a list: the API's lists are newest first, paged by an opaque cursor. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageParams {
  cursor?: string;
  limit?: number;
}
