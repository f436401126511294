import { useEffect, useState } from 'react';

/** The routes of the app, read from the URL hash so the API server needs no fallback route. */
export type Route =
  | { name: 'journeys' }
  | { name: 'editor'; journeyId: string; version?: number }
  | { name: 'journeyRuns'; journeyId: string }
  /** the journey's 效果 tab: conversions, revenue, lift, variants, funnel */
  | { name: 'journeyResults'; journeyId: string }
  | { name: 'audiences' }
  /** `id` is `new` for an audience not saved yet */
  | { name: 'audience'; id: string }
  /** a member by id, or (`q`) the members one search text finds */
  | { name: 'member'; externalId?: string; q?: string }
  | { name: 'delivery' }
  | { name: 'settings' }
  | { name: 'users' }
  | { name: 'keys' }
  | { name: 'audit' }
  /** a shopping guide's workbench (phone-first) */
  | { name: 'guide' }
  /** ops: guides and their figures */
  | { name: 'guides' }
  /** marketers: coupon templates (满减 / 直减 / 折扣), issued, redeemed, remaining */
  | { name: 'coupons' }
  /** marketers: every tag with its members count; rename, merge, delete */
  | { name: 'tags' };

export function parseHash(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'members') {
    // `?q=` keeps what was searched beside the member it found, so the box still shows it
    const q = new URLSearchParams(search).get('q')?.trim() || undefined;
    return { name: 'member', ...(parts[1] ? { externalId: parts[1] } : {}), ...(q ? { q } : {}) };
  }
  if (parts[0] === 'journeys' && parts[1]) {
    if (parts[2] === 'runs') return { name: 'journeyRuns', journeyId: parts[1] };
    if (parts[2] === 'results') return { name: 'journeyResults', journeyId: parts[1] };
    if (parts[2] === 'versions' && parts[3])
      return { name: 'editor', journeyId: parts[1], version: Number(parts[3]) };
    return { name: 'editor', journeyId: parts[1] };
  }
  if (parts[0] === 'audiences') return parts[1] ? { name: 'audience', id: parts[1] } : { name: 'audiences' };
  if (parts[0] === 'events') return { name: 'delivery' };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'guide') return { name: 'guide' };
  if (parts[0] === 'guides') return { name: 'guides' };
  if (parts[0] === 'coupons') return { name: 'coupons' };
  if (parts[0] === 'tags') return { name: 'tags' };
  if (parts[0] === 'users' || parts[0] === 'keys' || parts[0] === 'audit') return { name: parts[0] };
  return { name: 'journeys' };
}

export const paths = {
  journeys: () => '#/journeys',
  editor: (id: string) => `#/journeys/${encodeURIComponent(id)}`,
  version: (id: string, v: number) => `#/journeys/${encodeURIComponent(id)}/versions/${v}`,
  journeyRuns: (id: string) => `#/journeys/${encodeURIComponent(id)}/runs`,
  journeyResults: (id: string) => `#/journeys/${encodeURIComponent(id)}/results`,
  audiences: () => '#/audiences',
  audience: (id: string) => `#/audiences/${encodeURIComponent(id)}`,
  member: (externalId?: string, q?: string) =>
    `${externalId ? `#/members/${encodeURIComponent(externalId)}` : '#/members'}${q ? `?${new URLSearchParams({ q })}` : ''}`,
  memberSearch: (q: string) => `#/members?${new URLSearchParams({ q })}`,
  delivery: () => '#/events',
  settings: () => '#/settings',
  users: () => '#/users',
  keys: () => '#/keys',
  audit: () => '#/audit',
  guide: () => '#/guide',
  guides: () => '#/guides',
  coupons: () => '#/coupons',
  tags: () => '#/tags',
};

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
