import type { JourneyResults, MessageFunnel, ResultsQuery, SplitDecision } from './results-types';
import type {
  Broadcast,
  BulkRunResult,
  ChannelInfo,
  ChannelSettingsView,
  Coupon,
  CouponTemplate,
  EnterResult,
  ErrorBody,
  EventOutcome,
  EventRecord,
  EventStatus,
  IngestResult,
  JourneyDetail,
  JourneyDocument,
  JourneyStats,
  JourneySummary,
  JourneyTemplate,
  JourneyVersion,
  JourneyView,
  JourneyWithDocument,
  Member,
  MemberEraseResult,
  MemberGuideView,
  MemberImportResult,
  MemberPatch,
  MemberSearchResult,
  Message,
  NamedRef,
  NodeTypesResponse,
  Page,
  PageParams,
  Problem,
  PublishSummary,
  Run,
  RunActionResult,
  RunDetail,
  SecretView,
  Segment,
  SegmentDetail,
  SegmentMember,
  SegmentPreview,
  SegmentRule,
  SegmentSummary,
  SimulateRequest,
  SimulationResult,
  ValidateResponse,
  WorkspaceSettings,
} from './types';

/** A field the server refused, with its English reason (e.g. `quietHours.end`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A non-2xx answer from the API: the server's error code, the field, every field issue, a journey's problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorBody['error']['code'] | 'network' | `http_${number}`,
    message: string,
    readonly field?: string,
    readonly errors?: Problem[],
    readonly issues?: FieldIssue[],
    /** a refused audience delete: who still uses it */
    readonly usedBy?: { journeys?: NamedRef[]; audiences?: NamedRef[] },
    /** `email_unverified`: what became of the verification mail */
    readonly mailOutcome?: ErrorBody['error']['mailOutcome'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let signedOut: (() => void) | null = null;
/** Called when the API says the session is over (a 401 outside sign-in): the app shows sign-in again. */
export function onSignedOut(listener: () => void): void {
  signedOut = listener;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  init?: RequestInit,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      // a change without a body (DELETE) says JSON too: the server refuses an untyped body it may be given
      headers:
        body === undefined && (method === 'GET' || method === 'HEAD')
          ? undefined
          : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (res.status === 401 && !path.startsWith('/auth/')) signedOut?.();
  if (!res.ok) {
    const err = (json as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? res.statusText,
      err?.field,
      err?.errors,
      err?.issues,
      err?.journeys || err?.audiences ? { journeys: err.journeys, audiences: err.audiences } : undefined,
      err?.mailOutcome,
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function query(params: { [key: string]: string | number | undefined } | object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

/** A list answer (`{ runs: [...], nextCursor }`) as a page of items. */
function paged<K extends string, T>(key: K) {
  return (r: { [k in K]: T[] } & { nextCursor: string | null }): Page<T> => ({
    items: r[key],
    nextCursor: r.nextCursor,
  });
}

/** The typed API client; one function per endpoint, typed by the engine's view types. */
export const api = {
  catalog: () => request<NodeTypesResponse>('GET', '/node-types'),
  templates: () =>
    request<{ templates: JourneyTemplate[] }>('GET', '/journey-templates').then((r) => r.templates),

  journeys: (page: PageParams = {}) =>
    request<{ journeys: JourneySummary[]; nextCursor: string | null }>(
      'GET',
      `/journeys${query({ ...page })}`,
    ).then(paged<'journeys', JourneySummary>('journeys')),
  journey: (id: string) => request<JourneyDetail>('GET', `/journeys/${enc(id)}`),
  createJourney: (input: {
    name: string;
    description?: string;
    templateId?: string;
    document?: JourneyDocument;
  }) => request<JourneyWithDocument>('POST', '/journeys', input),
  updateJourney: (
    id: string,
    input: { name?: string; description?: string; document?: JourneyDocument },
    init?: RequestInit,
  ) => request<JourneyWithDocument>('PUT', `/journeys/${enc(id)}`, input, init),
  validate: (id: string, document?: JourneyDocument, init?: RequestInit) =>
    request<ValidateResponse>('POST', `/journeys/${enc(id)}/validate`, document ? { document } : {}, init),
  publishSummary: (id: string) =>
    request<{ summary: PublishSummary | null; problems: Problem[] }>(
      'GET',
      `/journeys/${enc(id)}/publish-summary`,
    ),
  publish: (id: string, note?: string) =>
    request<{ version: number }>('POST', `/journeys/${enc(id)}/publish`, note ? { note } : {}),
  version: (id: string, version: number) =>
    request<JourneyVersion>('GET', `/journeys/${enc(id)}/versions/${version}`),
  lifecycle: (id: string, action: 'pause' | 'resume' | 'archive') =>
    request<JourneyView>('POST', `/journeys/${enc(id)}/${action}`, {}),
  stats: (id: string) => request<JourneyStats>('GET', `/journeys/${enc(id)}/stats`),
  results: (id: string, q: ResultsQuery, init?: RequestInit) =>
    request<JourneyResults>('GET', `/journeys/${enc(id)}/results${query(q)}`, undefined, init),
  messageFunnel: (id: string, q: ResultsQuery, init?: RequestInit) =>
    request<MessageFunnel>('GET', `/journeys/${enc(id)}/results/messages${query(q)}`, undefined, init),
  /** a marketer names a split's winner by hand: later members take its path (the holdout stays) */
  decideSplit: (id: string, nodeId: string, variant: string) =>
    request<{ decision: SplitDecision }>('POST', `/journeys/${enc(id)}/splits/${enc(nodeId)}/decision`, {
      variant,
    }),
  /** undoes a split's decision, automatic or manual: later members are split by percentage again */
  undoSplitDecision: (id: string, nodeId: string) =>
    request<unknown>('DELETE', `/journeys/${enc(id)}/splits/${enc(nodeId)}/decision`),
  simulate: (id: string, input: SimulateRequest, init?: RequestInit) =>
    request<SimulationResult>('POST', `/journeys/${enc(id)}/simulate`, input, init),

  /** every tag members hold, with counts (the tag page and the pickers) */
  tags: () => request<{ tags: { tag: string; members: number }[] }>('GET', '/tags').then((r) => r.tags),
  /** event names received, with counts, most frequent first; common names not seen yet with count 0 */
  eventNames: () =>
    request<{ events: { name: string; count: number; lastAt: string | null }[] }>('GET', '/event-names').then(
      (r) => r.events,
    ),
  couponTemplates: () =>
    request<{ couponTemplates: CouponTemplate[] }>('GET', '/coupon-templates').then((r) => r.couponTemplates),
  render: (input: { body: string; title?: string; memberId?: string }, init?: RequestInit) =>
    request<{ body: string; title: string | null; sample: boolean; linksLocal?: boolean }>(
      'POST',
      '/render',
      input,
      init,
    ),

  settings: () => request<{ settings: WorkspaceSettings }>('GET', '/settings').then((r) => r.settings),
  channels: () => request<{ channels: ChannelInfo[] }>('GET', '/channels').then((r) => r.channels),
  channelSettings: () =>
    request<{ channels: ChannelSettingsView[] }>('GET', '/channel-settings').then((r) => r.channels),
  saveChannelSettings: (channel: string, values: Record<string, unknown>) =>
    request<{ channel: ChannelSettingsView }>(
      'PUT',
      `/channel-settings/${encodeURIComponent(channel)}`,
      values,
    ).then((r) => r.channel),
  removeChannelSettings: (channel: string) =>
    request<{ ok: true }>('DELETE', `/channel-settings/${encodeURIComponent(channel)}`),
  secrets: () => request<{ secrets: SecretView[] }>('GET', '/secrets').then((r) => r.secrets),
  /** create or replace: the value goes in, and never comes back */
  putSecret: (name: string, value: string) =>
    request<{ secret: SecretView; created: boolean }>('PUT', `/secrets/${enc(name)}`, { value }),
  deleteSecret: (name: string) => request<{ ok: true }>('DELETE', `/secrets/${enc(name)}`),
  saveSettings: (settings: WorkspaceSettings) =>
    request<{ settings: WorkspaceSettings }>('PUT', '/settings', settings).then((r) => r.settings),

  member: (externalId: string) =>
    request<{ member: Member }>('GET', `/members/${enc(externalId)}`).then((r) => r.member),
  /** the member and their owning guide, in one request */
  memberWithGuide: (externalId: string) =>
    request<{ member: Member; guide: MemberGuideView | null }>('GET', `/members/${enc(externalId)}`),
  searchMembers: (q: string, init?: RequestInit) =>
    request<MemberSearchResult>('GET', `/members${query({ q })}`, undefined, init),
  saveMember: (externalId: string, patch: MemberPatch) =>
    request<{ member: Member; guide: MemberGuideView | null }>('PUT', `/members/${enc(externalId)}`, patch),
  eraseMember: (externalId: string, confirm: string) =>
    request<MemberEraseResult>('DELETE', `/members/${enc(externalId)}`, { confirm }),
  bulkRuns: (input: { journeyId: string; nodeId: string; action: 'cancel' | 'retry' }) =>
    request<BulkRunResult>('POST', '/runs/bulk', input),
  runs: (filter: { journeyId?: string; memberId?: string; status?: string } & PageParams) =>
    request<{ runs: Run[]; nextCursor: string | null }>('GET', `/runs${query(filter)}`).then(
      paged<'runs', Run>('runs'),
    ),
  run: (id: string) => request<RunDetail>('GET', `/runs/${enc(id)}`),
  runAction: (id: string, action: 'cancel' | 'retry') =>
    request<RunActionResult>('POST', `/runs/${enc(id)}/${action}`, {}).then((r) => r.run),
  messages: (filter: { memberId?: string; journeyId?: string } & PageParams) =>
    request<{ messages: Message[]; nextCursor: string | null }>('GET', `/messages${query(filter)}`).then(
      paged<'messages', Message>('messages'),
    ),
  coupons: (filter: { memberId?: string; journeyId?: string } & PageParams) =>
    request<{ coupons: Coupon[]; nextCursor: string | null }>('GET', `/coupons${query(filter)}`).then(
      paged<'coupons', Coupon>('coupons'),
    ),
  events: (filter: { status?: EventStatus; memberId?: string; name?: string } & PageParams) =>
    request<{ events: EventRecord[]; nextCursor: string | null }>('GET', `/events${query(filter)}`).then(
      paged<'events', EventRecord>('events'),
    ),
  replayEvents: (ids: string[]) =>
    request<{ results: EventOutcome[]; notFound: string[] }>('POST', '/events/replay', { ids }),

  segments: (page: PageParams = {}) =>
    request<{ segments: SegmentSummary[]; nextCursor: string | null }>(
      'GET',
      `/segments${query({ ...page })}`,
    ).then(paged<'segments', SegmentSummary>('segments')),
  segment: (id: string) => request<SegmentDetail>('GET', `/segments/${enc(id)}`),
  createSegment: (input: { name: string; description?: string; rule: SegmentRule }) =>
    request<{ segment: Segment }>('POST', '/segments', input).then((r) => r.segment),
  updateSegment: (id: string, input: { name: string; description?: string; rule: SegmentRule }) =>
    request<{ segment: Segment }>('PUT', `/segments/${enc(id)}`, input).then((r) => r.segment),
  deleteSegment: (id: string) => request<{ ok: true }>('DELETE', `/segments/${enc(id)}`),
  previewRule: (rule: SegmentRule, init?: RequestInit) =>
    request<SegmentPreview>('POST', '/segments/preview', { rule }, init),
  segmentMembers: (id: string, page: PageParams = {}) =>
    request<{ members: SegmentMember[]; nextCursor: string | null }>(
      'GET',
      `/segments/${enc(id)}/members${query({ ...page })}`,
    ).then(paged<'members', SegmentMember>('members')),

  enterJourney: (id: string, input: { memberIds?: string[]; segmentId?: string; perMinute?: number }) =>
    request<EnterResult>('POST', `/journeys/${enc(id)}/enter`, input),
  broadcasts: (filter: { journeyId?: string } & PageParams) =>
    request<{ broadcasts: Broadcast[]; nextCursor: string | null }>(
      'GET',
      `/broadcasts${query(filter)}`,
    ).then(paged<'broadcasts', Broadcast>('broadcasts')),
  cancelBroadcast: (id: string) =>
    request<{ broadcast: Broadcast }>('POST', `/broadcasts/${enc(id)}/cancel`, {}).then((r) => r.broadcast),

  importMembers: (members: Record<string, unknown>[]) =>
    request<MemberImportResult>('POST', '/members/batch', { members }),
  postEvent: (input: { memberId: string; name: string; properties?: Record<string, unknown> }) =>
    request<IngestResult>('POST', '/events', input),
};
