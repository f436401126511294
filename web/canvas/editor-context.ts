import { createContext, useContext } from 'react';
import type { NodeStats, Problem } from '../api/types';

/** Per-node state the canvas shows but the document does not hold: problems, live counts, read-only. */
export interface EditorView {
  problemsByNode: Map<string, Problem[]>;
  stats: Record<string, NodeStats> | null;
  readOnly: boolean;
}

export const EditorViewContext = createContext<EditorView>({
  problemsByNode: new Map(),
  stats: null,
  readOnly: false,
});

export function useEditorView(): EditorView {
  return useContext(EditorViewContext);
}
