import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page, PageParams } from '../api/types';

export const PAGE_SIZE = 50;
const MAX_PAGE = 500;

/**
 * A list loaded page by page (the API's cursor pages): the first page whenever `deps` change, `loadMore` for
 * the next, and `reload` to refresh what is shown — as many rows as are loaded, from the top — so a page that
 * refreshes itself does not drop the rows ops asked for.
 */
export function usePaged<T>(
  load: (page: PageParams) => Promise<Page<T>>,
  deps: unknown[],
  pageSize = PAGE_SIZE,
) {
  const [state, setState] = useState<{
    items: T[];
    nextCursor: string | null;
    loading: boolean;
    loadingMore: boolean;
    loaded: boolean;
    error?: Error;
  }>({ items: [], nextCursor: null, loading: true, loadingMore: false, loaded: false });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const countRef = useRef(0);
  countRef.current = state.items.length;
  const cursorRef = useRef<string | null>(null);
  cursorRef.current = state.nextCursor;
  const loadingMoreRef = useRef(false);
  loadingMoreRef.current = state.loadingMore;

  const fetchTop = useCallback((limit: number) => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current({ limit }).then(
      (page) =>
        n === seq.current &&
        setState({
          items: page.items,
          nextCursor: page.nextCursor,
          loading: false,
          loadingMore: false,
          loaded: true,
        }),
      (error: Error) =>
        n === seq.current && setState((s) => ({ ...s, error, loading: false, loadingMore: false })),
    );
  }, []);

  const key = JSON.stringify(deps);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the caller's deps
  useEffect(() => {
    setState({ items: [], nextCursor: null, loading: true, loadingMore: false, loaded: false });
    fetchTop(pageSize);
  }, [key, fetchTop, pageSize]);

  // a refresh while the next page loads would drop that page: the refresh waits for the next round
  const reload = useCallback(() => {
    if (!loadingMoreRef.current) fetchTop(Math.min(MAX_PAGE, Math.max(pageSize, countRef.current)));
  }, [fetchTop, pageSize]);

  const loadMore = useCallback(() => {
    const cursor = cursorRef.current;
    if (!cursor) return;
    const n = ++seq.current;
    setState((s) => ({ ...s, loadingMore: true }));
    loadRef.current({ cursor, limit: pageSize }).then(
      (page) =>
        n === seq.current &&
        setState((s) => ({
          ...s,
          items: [...s.items, ...page.items],
          nextCursor: page.nextCursor,
          loadingMore: false,
        })),
      (error: Error) => n === seq.current && setState((s) => ({ ...s, error, loadingMore: false })),
    );
  }, [pageSize]);

  return { ...state, hasMore: state.nextCursor !== null, reload, loadMore };
}

export type Paged<T> = ReturnType<typeof usePaged<T>>;
