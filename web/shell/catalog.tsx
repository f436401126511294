import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { CouponTemplate, NodeTypeInfo, NodeTypesResponse, SegmentSummary } from '../api/types';

/** Everything the editor looks things up in: node types and the suggestion lists. Loaded once, refreshable. */
export interface Catalog {
  nodeTypes: NodeTypeInfo[];
  /** the journey settings panel's form: its schema and the values a journey starts with */
  journeySettings: NodeTypesResponse['journeySettings'];
  /** node files or packages the server could not load at start (shown under the palette) */
  nodeProblems: NodeTypesResponse['problems'];
  byType: Map<string, NodeTypeInfo>;
  /** tag names, most held first */
  tags: string[];
  /** how many members hold each tag (the pickers show it) */
  tagMembers: Map<string, number>;
  /** event names, most received first; `seen` those the workspace has received at least once */
  events: string[];
  eventCounts: Map<string, number>;
  couponTemplates: CouponTemplate[];
  /** saved audiences (the first 500), for the audience pickers and the words of rules that name one */
  segments: SegmentSummary[];
  loaded: boolean;
  error: string | null;
  refresh(): void;
  /** a template created in place (the coupon node's "+") is named on the canvas at once, not after a reload */
  addCouponTemplate(t: CouponTemplate): void;
  /** fetches the audiences again (a picker opening after one was created in another tab) */
  refreshSegments(): void;
}

const CatalogContext = createContext<Catalog | null>(null);

export function CatalogProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState({
    nodeTypes: [] as NodeTypeInfo[],
    journeySettings: { configSchema: {}, defaults: {} } as NodeTypesResponse['journeySettings'],
    nodeProblems: [] as NodeTypesResponse['problems'],
    tags: [] as { tag: string; members: number }[],
    events: [] as { name: string; count: number }[],
    couponTemplates: [] as CouponTemplate[],
    segments: [] as SegmentSummary[],
    loaded: false,
    error: null as string | null,
  });
  const refresh = useCallback(() => {
    Promise.all([
      api.catalog(),
      api.tags().catch(() => []),
      api.eventNames().catch(() => []),
      api.couponTemplates().catch(() => []),
      api
        .segments({ limit: 500 })
        .then((p) => p.items)
        .catch(() => []),
    ])
      .then(([{ nodeTypes, journeySettings, problems }, tags, events, couponTemplates, segments]) =>
        setState({
          nodeTypes,
          journeySettings,
          nodeProblems: problems ?? [],
          tags,
          events,
          couponTemplates,
          segments,
          loaded: true,
          error: null,
        }),
      )
      .catch((e: Error) => setState((s) => ({ ...s, loaded: true, error: e.message })));
  }, []);
  useEffect(refresh, [refresh]);
  const refreshSegments = useCallback(() => {
    api
      .segments({ limit: 500 })
      .then((p) => setState((s) => ({ ...s, segments: p.items })))
      .catch(() => {});
  }, []);
  const addCouponTemplate = useCallback((t: CouponTemplate) => {
    setState((s) => ({ ...s, couponTemplates: [t, ...s.couponTemplates.filter((x) => x.id !== t.id)] }));
  }, []);
  const value = useMemo(
    () => ({
      ...state,
      tags: [...state.tags].sort((a, b) => b.members - a.members).map((t) => t.tag),
      tagMembers: new Map(state.tags.map((t) => [t.tag, t.members])),
      events: state.events.map((e) => e.name),
      eventCounts: new Map(state.events.map((e) => [e.name, e.count])),
      byType: new Map(state.nodeTypes.map((t) => [t.type, t])),
      refresh,
      refreshSegments,
      addCouponTemplate,
    }),
    [state, refresh, refreshSegments, addCouponTemplate],
  );
  return <CatalogContext.Provider value={value}>{children}</CatalogContext.Provider>;
}

export function useCatalog(): Catalog {
  const c = useContext(CatalogContext);
  if (!c) throw new Error('useCatalog outside CatalogProvider');
  return c;
}
