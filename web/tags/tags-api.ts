import type { JSONParsed } from 'hono/utils/types';
import type { TagCount } from '../../engine/tags/tags.repository';
import { request } from '../api/client';
import type { NamedRef } from '../api/types';

export type { TagCount };

export interface TagUsage {
  tag: string;
  members: number;
  journeys: NamedRef[];
  audiences: NamedRef[];
}

export interface MergeResult {
  into: string;
  from: string[];
  membersMoved: number;
  members: number;
  stillUsedBy: { journeys: NamedRef[]; audiences: NamedRef[] };
}

/** An event name the workspace has received (count > 0), or a common one not seen yet (count 0). */
export interface EventName {
  name: string;
  count: number;
  lastAt: string | null;
}

export const tagsApi = {
  list: () => request<{ tags: TagCount[] }>('GET', '/tags').then((r) => r.tags),
  usage: (tag: string) => request<TagUsage>('GET', `/tags/usage?tag=${encodeURIComponent(tag)}`),
  merge: (from: string[], into: string) => request<MergeResult>('POST', '/tags/merge', { from, into }),
  remove: (tag: string) =>
    request<{ tag: string; deleted: true; membersUntagged: number }>('POST', '/tags/delete', { tag }),
  eventNames: () => request<{ events: EventName[] }>('GET', '/event-names').then((r) => r.events),
};
