import { createContext, useContext } from 'react';
import type { NodeStats, Problem } from '../api/types';
import type { SplitDecisionView } from './use-split-decisions';

/** Per-node state the canvas shows but the document does not hold: problems, live counts, read-only. */
export interface EditorView {
  problemsByNode: Map<string, Problem[]>;
  stats: Record<string, NodeStats> | null;
  /** split nodes' recorded winners, shown on the node with the counts */
  decisions?: Map<string, SplitDecisionView>;
  readOnly: boolean;
  /** the nodes a simulated member went through, lit up while the simulator is open */
  path: Set<string> | null;
}

export const EditorViewContext = createContext<EditorView>({
  problemsByNode: new Map(),
  stats: null,
  readOnly: false,
  path: null,
});

export function useEditorView(): EditorView {
  return useContext(EditorViewContext);
}
