import type { JSONParsed } from 'hono/utils/types';
import type {
  GuideMemberView,
  GuideStatsRow,
  GuideTaskStatus,
  GuideTaskView,
  GuideView,
  MemberGuideView,
} from '../../engine/guides/guide-views';
import { request } from '../api/client';

export type { GuideTaskStatus };
/** The engine's own types as they arrive (dates as ISO strings): no hand copies. */
export type Guide = JSONParsed<GuideView>;
export type GuideTask = JSONParsed<GuideTaskView>;
export type GuideStats = JSONParsed<GuideStatsRow>;
export type GuideMember = JSONParsed<GuideMemberView>;
export type MemberGuide = MemberGuideView;

export interface GuideInput {
  name: string;
  wecomUserId: string;
  store?: string | null;
  userId?: string | null;
  active?: boolean;
}

const enc = encodeURIComponent;
const qs = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** Guides and their tasks (engine/api/routes/guides.routes.ts). */
export const guidesApi = {
  guides: () => request<{ guides: Guide[]; nextCursor: string | null }>('GET', '/guides?limit=500'),
  createGuide: (input: GuideInput) => request<{ guide: Guide }>('POST', '/guides', input),
  updateGuide: (id: string, input: Partial<GuideInput>) =>
    request<{ guide: Guide }>('PUT', `/guides/${enc(id)}`, input),
  deactivateGuide: (id: string) => request<{ guide: Guide }>('DELETE', `/guides/${enc(id)}`),
  /** the member's owning guide (the member API answers it beside the member) */
  memberGuide: (externalId: string) =>
    request<{ guide: MemberGuide | null }>('GET', `/members/${enc(externalId)}`).then((r) => r.guide),
  stats: (journeyId?: string) =>
    request<{ stats: GuideStats[] }>('GET', `/guides/stats${qs({ journeyId })}`).then((r) => r.stats),
  tasks: (filter: { status?: GuideTaskStatus; overdue?: boolean; dueToday?: boolean; guideId?: string }) =>
    request<{ tasks: GuideTask[]; nextCursor: string | null }>(
      'GET',
      `/guide-tasks${qs({
        status: filter.status,
        overdue: filter.overdue ? 'true' : undefined,
        dueToday: filter.dueToday ? 'true' : undefined,
        guideId: filter.guideId,
        limit: '200',
      })}`,
    ).then((r) => r.tasks),
  complete: (id: string, note: string) =>
    request<{ task: GuideTask; alreadyDone: boolean }>('POST', `/guide-tasks/${enc(id)}/complete`, {
      note: note.trim() || null,
    }),
};
