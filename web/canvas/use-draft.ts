import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';

/** How long typing may pause before the form's value reaches the canvas, the undo history and autosave. */
const COMMIT_DELAY = 250;

/**
 * A panel's form (a node's config, the journey's settings) edits a local copy, so a keystroke re-renders only
 * the panel; the copy is committed to the journey after a short pause, when the panel closes, and whenever
 * `flushRef` is called (publish, save, undo…). Changes from elsewhere (undo, paste) replace the copy unless
 * an edit is pending.
 */
export function useDraft(
  data: Record<string, unknown>,
  onChange: (data: Record<string, unknown>) => void,
  flushRef?: RefObject<(() => boolean) | null>,
) {
  const [draft, setDraft] = useState(data);
  const committed = useRef(data);
  const pending = useRef<Record<string, unknown> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  if (data !== committed.current) {
    committed.current = data;
    if (!pending.current) setDraft(data);
  }

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const next = pending.current;
    if (!next) return false;
    pending.current = null;
    committed.current = next;
    onChangeRef.current(next);
    return true;
  }, []);

  const edit = useCallback(
    (next: Record<string, unknown>) => {
      pending.current = next;
      setDraft(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, COMMIT_DELAY);
    },
    [flush],
  );

  useEffect(() => {
    if (flushRef) flushRef.current = flush;
    return () => {
      if (flushRef?.current === flush) flushRef.current = null;
      flush();
    };
  }, [flush, flushRef]);

  return [draft, edit] as const;
}
