import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  save(): void;
  layout(): void;
  escape(): void;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Editor keyboard shortcuts: ⌘/Ctrl+Z, ⇧⌘Z / Ctrl+Y, ⌘C, ⌘V, ⌘S, ⇧L auto-layout, Esc. Not while typing in a field. */
export function useShortcuts(enabled: boolean, actions: ShortcutActions) {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.metaKey || e.ctrlKey;
      const key = e.key.toLowerCase();
      const a = ref.current;
      if (mod && key === 'z' && !e.shiftKey) a.undo();
      else if ((mod && key === 'z' && e.shiftKey) || (mod && key === 'y')) a.redo();
      else if (mod && key === 'c') a.copy();
      else if (mod && key === 'v') a.paste();
      else if (mod && key === 's') a.save();
      else if (!mod && e.shiftKey && key === 'l') a.layout();
      else if (key === 'escape') a.escape();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
