import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import type { JourneyDocument, Problem } from '../api/types';

/** Validation as you edit: the server's compiler checks the document shortly after each change. */
export function useValidation(journeyId: string, enabled: boolean) {
  const [problems, setProblems] = useState<Problem[]>([]);
  const [validating, setValidating] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const ctl = useRef<AbortController | null>(null);

  const run = useCallback(
    (doc: JourneyDocument) => {
      ctl.current?.abort();
      const c = new AbortController();
      ctl.current = c;
      setValidating(true);
      api
        .validate(journeyId, doc, { signal: c.signal })
        .then((r) => {
          // the same problems again keep their identity: the canvas nodes then need no re-render
          if (!c.signal.aborted)
            setProblems((old) => (JSON.stringify(old) === JSON.stringify(r.errors) ? old : r.errors));
        })
        .catch(() => undefined)
        .finally(() => {
          if (!c.signal.aborted) setValidating(false);
        });
    },
    [journeyId],
  );

  const schedule = useCallback(
    (doc: JourneyDocument, delay = 400) => {
      if (!enabled) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => run(doc), delay);
    },
    [enabled, run],
  );

  useEffect(() => () => clearTimeout(timer.current), []);

  const problemsByNode = useMemo(() => {
    const m = new Map<string, Problem[]>();
    for (const p of problems) m.set(p.nodeId, [...(m.get(p.nodeId) ?? []), p]);
    return m;
  }, [problems]);

  return { problems, problemsByNode, validating, schedule, setProblems };
}
