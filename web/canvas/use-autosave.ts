import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { JourneyDocument } from '../api/types';

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'error';

/** Debounced draft autosave (PUT the document); flushes on demand and when the page goes away. */
export function useAutosave(journeyId: string, enabled: boolean, onSaved?: () => void) {
  const [status, setStatus] = useState<SaveStatus>('saved');
  const pendingDoc = useRef<JourneyDocument | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const inFlight = useRef<Promise<void> | null>(null);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  const flush = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    const doc = pendingDoc.current;
    if (!doc) return;
    pendingDoc.current = null;
    setStatus('saving');
    inFlight.current = api
      .updateJourney(journeyId, { document: doc })
      .then(() => {
        setStatus(pendingDoc.current ? 'pending' : 'saved');
        onSavedRef.current?.();
      })
      .catch(() => {
        pendingDoc.current ??= doc;
        setStatus('error');
      })
      .finally(() => {
        inFlight.current = null;
      });
    await inFlight.current;
  }, [journeyId]);

  const schedule = useCallback(
    (doc: JourneyDocument) => {
      if (!enabled) return;
      pendingDoc.current = doc;
      setStatus('pending');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), 700);
    },
    [enabled, flush],
  );

  useEffect(() => {
    // a reload or closed tab must not lose the last edit: send it with keepalive
    const onUnload = () => {
      const doc = pendingDoc.current;
      if (!doc) return;
      void api.updateJourney(journeyId, { document: doc }, { keepalive: true }).catch(() => undefined);
    };
    window.addEventListener('pagehide', onUnload);
    return () => {
      window.removeEventListener('pagehide', onUnload);
      onUnload();
    };
  }, [journeyId]);

  return { status, schedule, flush };
}
