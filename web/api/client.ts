import type {
  Coupon,
  CouponTemplate,
  EventOutcome,
  EventRecord,
  EventStatus,
  JourneyDetail,
  JourneyDocument,
  JourneyNodeStats,
  JourneySummary,
  JourneyTemplate,
  JourneyVersion,
  Member,
  Message,
  NodeTypeInfo,
  Page,
  PageParams,
  Problem,
  Run,
  RunStep,
} from './types';

/** A non-2xx answer from the API, carrying the server's error code and, for journeys, its problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly errors?: Problem[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (json as { error?: Partial<ApiError> & { errors?: Problem[] } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? res.statusText,
      err?.field,
      err?.errors,
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

/** The typed API client; one function per endpoint. */
export const api = {
  nodeTypes: () => request<{ nodeTypes: NodeTypeInfo[] }>('GET', '/node-types').then((r) => r.nodeTypes),
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
  }) => request<JourneyDetail>('POST', '/journeys', input),
  updateJourney: (
    id: string,
    input: { name?: string; description?: string; document?: JourneyDocument },
    init?: RequestInit,
  ) => request<JourneyDetail>('PUT', `/journeys/${enc(id)}`, input, init),
  validate: (id: string, document?: JourneyDocument, init?: RequestInit) =>
    request<{ ok: boolean; errors: Problem[] }>(
      'POST',
      `/journeys/${enc(id)}/validate`,
      document ? { document } : {},
      init,
    ),
  publish: (id: string, note?: string) =>
    request<{ version: number }>('POST', `/journeys/${enc(id)}/publish`, note ? { note } : {}),
  version: (id: string, version: number) =>
    request<JourneyVersion>('GET', `/journeys/${enc(id)}/versions/${version}`),
  lifecycle: (id: string, action: 'pause' | 'resume' | 'archive') =>
    request<JourneyDetail>('POST', `/journeys/${enc(id)}/${action}`, {}),
  stats: (id: string) => request<JourneyNodeStats>('GET', `/journeys/${enc(id)}/stats`),

  tags: () => request<{ tags: string[] }>('GET', '/tags').then((r) => r.tags),
  eventNames: () => request<{ events: string[] }>('GET', '/event-names').then((r) => r.events),
  couponTemplates: () =>
    request<{ couponTemplates: CouponTemplate[] }>('GET', '/coupon-templates').then((r) => r.couponTemplates),
  createCouponTemplate: (
    input: Omit<CouponTemplate, 'id' | 'issued' | 'stock'> & { stock?: number | null },
  ) => request<CouponTemplate>('POST', '/coupon-templates', input),
  render: (input: { body: string; title?: string; memberId?: string }, init?: RequestInit) =>
    request<{ body: string; title: string | null }>('POST', '/render', input, init),

  member: (externalId: string) =>
    request<{ member: Member }>('GET', `/members/${enc(externalId)}`).then((r) => r.member),
  runs: (filter: { journeyId?: string; memberId?: string; status?: string } & PageParams) =>
    request<{ runs: Run[]; nextCursor: string | null }>('GET', `/runs${query(filter)}`).then(
      paged<'runs', Run>('runs'),
    ),
  run: (id: string) => request<{ run: Run; steps: RunStep[] }>('GET', `/runs/${enc(id)}`),
  runAction: (id: string, action: 'cancel' | 'retry') =>
    request<unknown>('POST', `/runs/${enc(id)}/${action}`, {}),
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
  postEvent: (input: { memberId: string; name: string; properties?: Record<string, unknown> }) =>
    request<unknown>('POST', '/events', input),
};
