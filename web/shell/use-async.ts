import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads data with `load` whenever `deps` change; `reload` fetches again without clearing what is shown. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const key = JSON.stringify(deps);
  const reload = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => n === seq.current && setState({ data, loading: false }),
      (error: Error) => n === seq.current && setState((s) => ({ ...s, error, loading: false })),
    );
  }, []);
  // New deps name something else (another member): what the old ones showed goes at once, so a miss or a
  // slow answer never leaves the previous thing on screen under the new name. `reload` keeps what is shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the caller's deps
  useEffect(() => {
    setState({ loading: true });
    reload();
  }, [reload, key]);
  return { ...state, reload };
}
