import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JourneyDocument, NodeTypeInfo } from '../api/types';
import type { Lang } from '../i18n';
import { type FlowEdge, type FlowNode, newNodeId, toDocument, toFlow } from './document';
import { type Clip, connect, copySelection, insertOnEdge, paste, pruneEdges } from './edit-ops';
import { History } from './history';
import { outputsFor } from './outputs';

/** Where the node is centred relative to the drop point: half the node width and a bit of its height. */
export const NODE_W = 240;
const NODE_H = 84;

let clipboard: Clip | null = null;

type Settings = JourneyDocument['settings'];

/**
 * The canvas state: React Flow nodes and edges, the journey's own settings (goal, exits, priority), an undo
 * history of documents, and every edit (add, insert on edge, connect, configure, delete, copy/paste, change
 * the settings). `onDocChange` hears each committed edit.
 */
export function useFlowEditor(
  byType: Map<string, NodeTypeInfo>,
  lang: Lang,
  onDocChange: (doc: JourneyDocument) => void,
) {
  const [nodes, setNodes] = useState<FlowNode[]>([]);
  const [edges, setEdges] = useState<FlowEdge[]>([]);
  const [settings, setSettings] = useState<Settings>(undefined);
  const latest = useRef({ nodes, edges, settings });
  latest.current = { nodes, edges, settings };
  const history = useRef(new History<JourneyDocument>({ nodes: [], edges: [] }));
  const [tick, setTick] = useState(0);
  const pending = useRef<{ coalesce?: string } | null>(null);
  const lastCoalesce = useRef<{ key: string; at: number } | null>(null);
  const [flags, setFlags] = useState({ canUndo: false, canRedo: false });
  const onDocChangeRef = useRef(onDocChange);
  onDocChangeRef.current = onDocChange;

  const outputIds = useCallback(
    (node: FlowNode | JourneyDocument['nodes'][number]) =>
      outputsFor(byType.get(node.type ?? ''), node.data, lang).map((o) => o.id),
    [byType, lang],
  );

  /** Records the current state as one undo step after React has applied the pending updates. */
  const markChanged = useCallback((coalesce?: string) => {
    pending.current = { coalesce };
    setTick((t) => t + 1);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per markChanged tick
  useEffect(() => {
    const p = pending.current;
    if (!p) return;
    pending.current = null;
    const doc = toDocument(nodes, edges, settings);
    const now = Date.now();
    const last = lastCoalesce.current;
    if (p.coalesce && last?.key === p.coalesce && now - last.at < 1500) history.current.replace(doc);
    else history.current.push(doc);
    lastCoalesce.current = p.coalesce ? { key: p.coalesce, at: now } : null;
    setFlags({ canUndo: history.current.canUndo, canRedo: history.current.canRedo });
    onDocChangeRef.current(doc);
  }, [tick]);

  /** Replaces the state with a document, keeping React Flow's measurements of unchanged nodes. */
  const applyDoc = useCallback((doc: JourneyDocument, select?: string[]) => {
    const old = new Map(latest.current.nodes.map((n) => [n.id, n]));
    const flow = toFlow(doc);
    setNodes(
      flow.nodes.map((n, i) => {
        const prev = old.get(n.id);
        const selected = select ? select.includes(n.id) : (prev?.selected ?? false);
        if (!prev) return { ...n, selected };
        // an unchanged node keeps its object (and its config's identity): its memoised component skips rendering
        const same =
          prev.data === doc.nodes[i].data &&
          prev.type === n.type &&
          Math.round(prev.position.x) === n.position.x &&
          Math.round(prev.position.y) === n.position.y &&
          !!prev.selected === selected;
        if (same) return prev;
        const data = prev.data === doc.nodes[i].data ? prev.data : n.data;
        return { ...prev, position: n.position, data, type: n.type, selected };
      }),
    );
    setEdges(flow.edges);
    setSettings(doc.settings);
  }, []);

  const load = useCallback(
    (doc: JourneyDocument) => {
      history.current.reset(doc);
      lastCoalesce.current = null;
      setFlags({ canUndo: false, canRedo: false });
      applyDoc(doc, []);
    },
    [applyDoc],
  );

  const currentDoc = useCallback(
    () => toDocument(latest.current.nodes, latest.current.edges, latest.current.settings),
    [],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      setNodes((ns) => applyNodeChanges(changes, ns));
      if (changes.some((c) => c.type === 'remove')) markChanged();
    },
    [markChanged],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      setEdges((es) => applyEdgeChanges(changes, es));
      if (changes.some((c) => c.type === 'remove')) markChanged();
    },
    [markChanged],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target) return;
      const doc = connect(currentDoc(), c.source, c.sourceHandle ?? 'next', c.target);
      setEdges(toFlow(doc).edges);
      markChanged();
    },
    [currentDoc, markChanged],
  );

  const updateConfig = useCallback(
    (id: string, data: Record<string, unknown>) => {
      // a panel closing after its node was deleted still commits its last edit: nothing to do then
      if (!latest.current.nodes.some((n) => n.id === id)) return;
      const doc = currentDoc();
      const nodesNext = doc.nodes.map((n) => (n.id === id ? { ...n, data } : n));
      const pruned = pruneEdges({ nodes: nodesNext, edges: doc.edges }, (nid) => {
        const n = nodesNext.find((x) => x.id === nid);
        return n && byType.has(n.type) ? outputIds(n) : null;
      });
      setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data } : n)));
      if (pruned.edges !== doc.edges) setEdges(toFlow(pruned).edges);
      markChanged(`config:${id}`);
    },
    [byType, currentDoc, markChanged, outputIds],
  );

  /** Replaces the journey's settings; typing in one field coalesces into one undo step. */
  const updateSettings = useCallback(
    (next: Settings) => {
      setSettings(next && Object.keys(next).length > 0 ? next : undefined);
      markChanged('settings');
    },
    [markChanged],
  );

  /**
   * Adds a node of `type` centred at `at` (flow coordinates). With `edgeId` it is inserted into that edge;
   * with `after` it hangs from that node's first free output.
   */
  const addNode = useCallback(
    (
      type: string,
      at: { x: number; y: number },
      opts: { edgeId?: string | null; after?: string | null } = {},
    ) => {
      const nt = byType.get(type);
      if (!nt) return null;
      const doc = currentDoc();
      const id = newNodeId(
        type,
        doc.nodes.map((n) => n.id),
      );
      const node = {
        id,
        type,
        position: { x: at.x - NODE_W / 2, y: at.y - NODE_H / 2 },
        data: structuredClone(nt.defaults ?? {}),
      };
      let next: JourneyDocument;
      if (opts.edgeId) next = insertOnEdge(doc, opts.edgeId, node, outputIds(node)[0]);
      else {
        next = { ...doc, nodes: [...doc.nodes, node] };
        const from = opts.after ? doc.nodes.find((n) => n.id === opts.after) : undefined;
        const free =
          from && nt.category !== 'trigger'
            ? outputIds(from).find(
                (o) => !doc.edges.some((e) => e.source === from.id && e.sourceHandle === o),
              )
            : undefined;
        if (from && free) next = connect(next, from.id, free, id);
      }
      applyDoc(next, [id]);
      markChanged();
      return id;
    },
    [applyDoc, byType, currentDoc, markChanged, outputIds],
  );

  const removeNodes = useCallback(
    (ids: string[]) => {
      const doc = currentDoc();
      const drop = new Set(ids);
      applyDoc({
        ...doc,
        nodes: doc.nodes.filter((n) => !drop.has(n.id)),
        edges: doc.edges.filter((e) => !drop.has(e.source) && !drop.has(e.target)),
      });
      markChanged();
    },
    [applyDoc, currentDoc, markChanged],
  );

  const setPositions = useCallback(
    (positions: Map<string, { x: number; y: number }>) => {
      setNodes((ns) => ns.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id)! } : n)));
      markChanged();
    },
    [markChanged],
  );

  const restore = useCallback(
    (doc: JourneyDocument | undefined) => {
      if (!doc) return;
      lastCoalesce.current = null;
      applyDoc(doc);
      setFlags({ canUndo: history.current.canUndo, canRedo: history.current.canRedo });
      onDocChangeRef.current(doc);
    },
    [applyDoc],
  );
  const undo = useCallback(() => restore(history.current.undo()), [restore]);
  const redo = useCallback(() => restore(history.current.redo()), [restore]);

  const copy = useCallback(() => {
    const selected = new Set(latest.current.nodes.filter((n) => n.selected).map((n) => n.id));
    if (selected.size === 0) return false;
    clipboard = copySelection(currentDoc(), selected);
    return true;
  }, [currentDoc]);

  const pasteClip = useCallback(() => {
    if (!clipboard || clipboard.nodes.length === 0) return false;
    const { doc, pasted } = paste(currentDoc(), clipboard, { x: 40, y: 40 });
    // the next paste lands another step further, like in every drawing tool
    clipboard = copySelection(doc, new Set(pasted));
    applyDoc(doc, pasted);
    markChanged();
    return true;
  }, [applyDoc, currentDoc, markChanged]);

  return {
    nodes,
    edges,
    settings,
    setNodes,
    load,
    currentDoc,
    onNodesChange,
    onEdgesChange,
    onConnect,
    onNodeDragStop: useCallback(() => markChanged(), [markChanged]),
    updateConfig,
    updateSettings,
    addNode,
    removeNodes,
    setPositions,
    undo,
    redo,
    copy,
    paste: pasteClip,
    outputIds,
    ...flags,
  };
}
