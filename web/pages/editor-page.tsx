import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { App, Spin } from 'antd';
import {
  type FocusEvent,
  type KeyboardEvent as ReactKeyboardEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { JourneyDetail, JourneyDocument, JourneyStats, SimulationResult } from '../api/types';
import { useCan } from '../auth/session';
import { ConfigPanel } from '../canvas/config-panel';
import { nearestEdge } from '../canvas/edit-ops';
import { EditorViewContext } from '../canvas/editor-context';
import { JourneyEdge } from '../canvas/journey-edge';
import { JourneyNode } from '../canvas/journey-node';
import { JourneySettingsPanel } from '../canvas/journey-settings-panel';
import { Palette } from '../canvas/palette';
import { isSettingsProblem } from '../canvas/problem-text';
import { ProblemsPanel } from '../canvas/problems-panel';
import { useAutosave } from '../canvas/use-autosave';
import { NODE_W, useFlowEditor } from '../canvas/use-flow-editor';
import { useShortcuts } from '../canvas/use-shortcuts';
import { useSplitDecisions } from '../canvas/use-split-decisions';
import { useValidation } from '../canvas/use-validation';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { simulatedPath } from '../simulate/sim-timeline';
import { SimulateDrawer } from '../simulate/simulate-drawer';
import { EditorToolbar } from './editor-toolbar';
import { JourneyTotals } from './journey-totals';
import { PublishModal } from './publish-modal';

const edgeTypes = { journey: JourneyEdge };
/** Below this zoom Chinese summaries get hard to read; every template fits a 1280×800 window above it. */
const MIN_FIT_ZOOM = 0.72;

export function EditorPage(props: { journeyId: string; version?: number }) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

function Editor({ journeyId, version }: { journeyId: string; version?: number }) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { message } = App.useApp();
  const catalog = useCatalog();
  const flow = useReactFlow();
  // a published version, or a role that may not edit: the canvas is for reading
  const canEdit = useCan('journeys.edit');
  const readOnly = version !== undefined || !canEdit;
  const [journey, setJourney] = useState<JourneyDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [panelId, setPanelId] = useState<string | null>(null);
  /** the journey settings panel; it takes the node panel's place */
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [problemsOpen, setProblemsOpen] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [dropEdge, setDropEdge] = useState<string | null>(null);
  const [stats, setStats] = useState<JourneyStats | null>(null);
  const [showStats, setShowStats] = useState(false);
  const [simulating, setSimulating] = useState(false);
  /** the last simulated path, lit up on the canvas while the simulator is open */
  const [simPath, setSimPath] = useState<{ nodes: Set<string>; edges: Set<string> } | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  /** Commits what the open config panel has not committed yet (it does so after a short pause in typing). */
  const panelFlush = useRef<(() => boolean) | null>(null);
  /** Commits the panel's pending edit and lets the editor record it (history, autosave) before going on. */
  const commitPanel = useCallback(async () => {
    if (panelFlush.current?.()) await new Promise((r) => setTimeout(r, 0));
  }, []);

  const autosave = useAutosave(journeyId, !readOnly, () =>
    setJourney((j) => (j ? { ...j, hasUnpublishedChanges: true } : j)),
  );
  const validation = useValidation(journeyId, !readOnly);
  const editor = useFlowEditor(catalog.byType, lang, (doc) => {
    autosave.schedule(doc);
    validation.schedule(doc);
  });

  /** Fit the journey, but never so small that Chinese summaries become unreadable: then show its top. */
  const initialView = useCallback(() => {
    const nodes = flow.getNodes();
    const el = canvasRef.current;
    if (!el || nodes.length === 0) return;
    // positions plus the rendered size, or the usual size for nodes not rendered (off screen) yet
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const n of nodes) {
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + (n.measured?.width ?? NODE_W));
      y1 = Math.max(y1, n.position.y + (n.measured?.height ?? 84));
    }
    const { width, height } = el.getBoundingClientRect();
    const fit = Math.min((width - 80) / (x1 - x0), (height - 80) / (y1 - y0));
    const zoom = Math.max(MIN_FIT_ZOOM, Math.min(1, fit));
    const x =
      fit >= MIN_FIT_ZOOM
        ? width / 2 - ((x0 + x1) / 2) * zoom
        : Math.max(width / 2 - ((x0 + x1) / 2) * zoom, 40 - x0 * zoom);
    const y = fit >= MIN_FIT_ZOOM ? height / 2 - ((y0 + y1) / 2) * zoom : 32 - y0 * zoom;
    void flow.setViewport({ x, y, zoom });
  }, [flow]);
  const fitPending = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the loaded nodes have reached React Flow
  useEffect(() => {
    if (!fitPending.current || editor.nodes.length === 0 || !canvasRef.current) return;
    fitPending.current = false;
    requestAnimationFrame(initialView);
  }, [editor.nodes, catalog.loaded, journey]);

  useEffect(() => {
    if (panelId) setSettingsOpen(false);
  }, [panelId]);
  const openSettings = useCallback(() => {
    setPanelId(null);
    setSettingsOpen(true);
  }, []);
  const settingsProblems = useMemo(
    () => (readOnly ? [] : validation.problems.filter(isSettingsProblem)),
    [readOnly, validation.problems],
  );

  const reloadJourney = useCallback(() => api.journey(journeyId).then(setJourney), [journeyId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per journey/version
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const j = await api.journey(journeyId);
        const doc = version !== undefined ? (await api.version(journeyId, version)).document : j.document;
        if (!live) return;
        setJourney(j);
        editor.load(doc ?? { nodes: [], edges: [] });
        // an empty canvas keeps React Flow's default view; the first dropped node must not move it
        fitPending.current = (doc?.nodes.length ?? 0) > 0;
        if (version === undefined) validation.schedule(doc ?? { nodes: [], edges: [] }, 0);
      } catch (e) {
        if (live) setLoadError((e as Error).message);
      }
    })();
    return () => {
      live = false;
    };
  }, [journeyId, version]);

  useEffect(() => {
    if (!showStats) return;
    let live = true;
    const load = () =>
      api.stats(journeyId).then(
        (s) => live && setStats(s),
        () => undefined,
      );
    load();
    const timer = setInterval(load, 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [showStats, journeyId]);

  // One component for every type; the map only changes when a type appears that the registry lacks.
  const typeKey = [...new Set(editor.nodes.map((n) => n.type))].sort().join('|');
  const nodeTypes = useMemo(() => {
    const map: Record<string, typeof JourneyNode> = {};
    for (const t of [...catalog.nodeTypes.map((nt) => nt.type), ...typeKey.split('|')])
      if (t) map[t] = JourneyNode;
    return map;
  }, [catalog.nodeTypes, typeKey]);

  const decisions = useSplitDecisions(journeyId, showStats);
  const view = useMemo(
    () => ({
      problemsByNode: readOnly ? new Map() : validation.problemsByNode,
      stats: showStats ? (stats?.nodes ?? null) : null,
      decisions,
      readOnly,
      path: simPath?.nodes ?? null,
    }),
    [readOnly, validation.problemsByNode, showStats, stats, decisions, simPath],
  );

  /** The edge a drop at this screen point would split: what is under the pointer, else the nearest line. */
  const edgeAt = useCallback(
    (clientX: number, clientY: number): string | null => {
      for (const el of document.elementsFromPoint(clientX, clientY)) {
        const edgeEl = el.closest('.react-flow__edge');
        if (edgeEl) return edgeEl.getAttribute('data-id');
      }
      const p = flow.screenToFlowPosition({ x: clientX, y: clientY });
      const byId = new Map(editor.nodes.map((n) => [n.id, n]));
      const segments = editor.edges.flatMap((e) => {
        const s = byId.get(e.source);
        const tg = byId.get(e.target);
        if (!s || !tg) return [];
        const sw = s.measured?.width ?? NODE_W;
        const sh = s.measured?.height ?? 80;
        const tw = tg.measured?.width ?? NODE_W;
        return [
          {
            id: e.id,
            from: { x: s.position.x + sw / 2, y: s.position.y + sh },
            to: { x: tg.position.x + tw / 2, y: tg.position.y },
          },
        ];
      });
      return nearestEdge(p, segments, 16 / flow.getZoom());
    },
    [flow, editor.nodes, editor.edges],
  );

  const insideCanvas = useCallback((x: number, y: number) => {
    const r = canvasRef.current?.getBoundingClientRect();
    return !!r && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }, []);

  /** Keyboard: focusing a node (Tab) selects it; Enter opens its settings with the first field focused. */
  const onCanvasFocus = (e: FocusEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const el = target.closest('.react-flow__node');
    const id = el?.getAttribute('data-id');
    if (!id || el !== target || !target.matches(':focus-visible')) return;
    editor.setNodes((ns) =>
      ns.map((n) => (!!n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })),
    );
  };
  const onCanvasKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const id = target.classList.contains('react-flow__node') ? target.getAttribute('data-id') : null;
    if (!id || e.key !== 'Enter') return;
    setPanelId(id);
    requestAnimationFrame(() =>
      canvasRef.current
        ?.querySelector<HTMLElement>(
          '[data-testid="config-panel"] .yt-panel__body :is(input, textarea, [tabindex="0"]):not([disabled])',
        )
        ?.focus(),
    );
  };
  const closePanelToNode = () => {
    const id = panelId;
    setPanelId(null);
    if (id)
      requestAnimationFrame(() =>
        canvasRef.current
          ?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)
          ?.focus(),
      );
  };

  const onPaletteDrop = (type: string, x: number, y: number) => {
    setDropEdge(null);
    if (!insideCanvas(x, y)) return;
    const edgeId = edgeAt(x, y);
    const id = editor.addNode(type, flow.screenToFlowPosition({ x, y }), { edgeId });
    if (id) setPanelId(id);
  };

  const onPaletteClick = (type: string) => {
    const selected = editor.nodes.find((n) => n.selected);
    let at: { x: number; y: number };
    if (selected) {
      at = {
        x: selected.position.x + (selected.measured?.width ?? NODE_W) / 2,
        y: selected.position.y + (selected.measured?.height ?? 80) + 110,
      };
    } else {
      const r = canvasRef.current!.getBoundingClientRect();
      at = flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 3 });
      if (editor.nodes.length) at.y += editor.nodes.length * 8;
    }
    const id = editor.addNode(type, at, { after: selected?.id });
    if (id) setPanelId(id);
  };

  // the palette is memoised: it gets stable handlers that call the latest ones
  const paletteLatest = useRef({ onPaletteDrop, onPaletteClick, edgeAt });
  paletteLatest.current = { onPaletteDrop, onPaletteClick, edgeAt };
  const paletteHandlers = useMemo(
    () => ({
      onDragMove: (_: string, x: number, y: number) =>
        setDropEdge(insideCanvas(x, y) ? paletteLatest.current.edgeAt(x, y) : null),
      onDrop: (type: string, x: number, y: number) => paletteLatest.current.onPaletteDrop(type, x, y),
      onClickAdd: (type: string) => paletteLatest.current.onPaletteClick(type),
    }),
    [insideCanvas],
  );

  const autoLayout = async () => {
    await commitPanel();
    const doc = editor.currentDoc();
    const byId = new Map(editor.nodes.map((n) => [n.id, n]));
    // elkjs (half a megabyte) is fetched the first time someone lays a journey out, not with the canvas
    const { layoutDocument } = await import('../canvas/layout');
    const positions = await layoutDocument(
      doc,
      (id) => ({
        width: byId.get(id)?.measured?.width ?? NODE_W,
        height: byId.get(id)?.measured?.height ?? 84,
      }),
      (id) => editor.outputIds(byId.get(id)!),
    );
    editor.setPositions(positions);
    fitPending.current = true;
  };

  /** Brings a simulated path into the part of the canvas the simulator drawer leaves free. */
  const showPath = (ids: string[]) => {
    const el = canvasRef.current;
    // the drawer's panel (where data-testid lands): the canvas left of it is what the marketer sees
    const drawer = document.querySelector('[data-testid="simulate-drawer"]');
    const nodes = editor.nodes.filter((n) => ids.includes(n.id));
    if (!el || nodes.length === 0) return;
    const r = el.getBoundingClientRect();
    const right = Math.min(r.right, drawer?.getBoundingClientRect().left ?? r.right);
    const b = flow.getNodesBounds(nodes);
    const width = right - r.left;
    const zoom = Math.max(0.3, Math.min(1, (width - 80) / b.width, (r.height - 80) / b.height));
    void flow.setViewport(
      { x: width / 2 - (b.x + b.width / 2) * zoom, y: r.height / 2 - (b.y + b.height / 2) * zoom, zoom },
      { duration: 300 },
    );
  };

  const focusNode = (id: string) => {
    const n = editor.nodes.find((x) => x.id === id);
    if (!n) return;
    editor.setNodes((ns) => ns.map((x) => ({ ...x, selected: x.id === id })));
    setPanelId(id);
    const w = n.measured?.width ?? NODE_W;
    const h = n.measured?.height ?? 80;
    // keep the node clear of the config panel on the right
    void flow.setCenter(n.position.x + w / 2 + 160, n.position.y + h / 2, {
      zoom: Math.max(flow.getZoom(), 0.9),
      duration: 300,
    });
  };

  /** Publishing is refused while problems remain: say why, and open the settings if they are the cause. */
  const refusePublish = (problems: typeof validation.problems) => {
    const ofSettings = problems.filter(isSettingsProblem).length;
    setProblemsOpen(true);
    if (ofSettings > 0) {
      openSettings();
      message.warning(t('journeySettings.fixFirst', { count: ofSettings }));
    } else message.warning(t('publish.blocked', { count: problems.length }));
  };

  const startPublish = async () => {
    await commitPanel();
    await autosave.flush();
    if (validation.problems.length > 0) {
      refusePublish(validation.problems);
      return;
    }
    setPublishing(true);
  };

  const publish = async (note: string) => {
    try {
      await commitPanel();
      await autosave.flush();
      const r = await api.publish(journeyId, note || undefined);
      message.success(t('publish.done', { version: r.version }));
      setPublishing(false);
      await reloadJourney();
    } catch (e) {
      if (e instanceof ApiError && e.errors) {
        validation.setProblems(e.errors);
        setPublishing(false);
        refusePublish(e.errors);
      } else message.error((e as Error).message);
    }
  };

  const undo = () => void commitPanel().then(editor.undo);
  const redo = () => void commitPanel().then(editor.redo);

  useShortcuts(!readOnly, {
    undo,
    redo,
    copy: () => editor.copy() && message.info(t('editor.copied'), 1),
    paste: editor.paste,
    save: () => void commitPanel().then(autosave.flush),
    layout: () => void autoLayout(),
    escape: () => {
      setPanelId(null);
      setSettingsOpen(false);
    },
  });

  const minimapColor = useCallback(
    (n: { type?: string }) => catalog.byType.get(n.type ?? '')?.color ?? '#bbb',
    [catalog.byType],
  );

  const panelNode = panelId ? editor.nodes.find((n) => n.id === panelId) : undefined;
  const edges = useMemo(
    () =>
      dropEdge || simPath
        ? editor.edges.map((e) =>
            e.id === dropEdge
              ? { ...e, className: 'is-drop-target', animated: true }
              : simPath?.edges.has(e.id)
                ? { ...e, className: 'is-on-path', animated: true }
                : e,
          )
        : editor.edges,
    [editor.edges, dropEdge, simPath],
  );

  if (loadError) return <div className="yt-page yt-error-text">{loadError}</div>;
  if (!journey || !catalog.loaded)
    return (
      <div className="yt-center">
        <Spin />
      </div>
    );

  return (
    <div className="yt-editor">
      <EditorToolbar
        journey={journey}
        version={version}
        saveStatus={autosave.status}
        canUndo={editor.canUndo}
        canRedo={editor.canRedo}
        showStats={showStats}
        onShowStats={setShowStats}
        settingsOpen={settingsOpen}
        settingsProblems={settingsProblems.length}
        onOpenSettings={() => (settingsOpen ? setSettingsOpen(false) : openSettings())}
        onSimulate={readOnly ? undefined : () => setSimulating(true)}
        onUndo={undo}
        onRedo={redo}
        onLayout={autoLayout}
        onPublish={startPublish}
        onRename={async (name) => {
          await api.updateJourney(journeyId, { name });
          await reloadJourney();
        }}
        onLifecycle={async (action) => {
          await api.lifecycle(journeyId, action);
          await reloadJourney();
        }}
      />
      <div className="yt-editor__body">
        <Palette
          nodeTypes={catalog.nodeTypes}
          problems={catalog.nodeProblems}
          disabled={readOnly}
          {...paletteHandlers}
        />
        {/* biome-ignore lint/a11y/noStaticElementInteractions: focus and Enter come from the focusable nodes inside */}
        <div
          className="yt-canvas"
          ref={canvasRef}
          data-testid="canvas"
          onFocus={onCanvasFocus}
          onKeyDown={onCanvasKeyDown}
        >
          <EditorViewContext.Provider value={view}>
            <ReactFlow
              nodes={editor.nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={editor.onNodesChange}
              onEdgesChange={editor.onEdgesChange}
              onConnect={editor.onConnect}
              onNodeDragStop={editor.onNodeDragStop}
              onNodeClick={(_, n) => setPanelId(n.id)}
              onPaneClick={() => {
                setPanelId(null);
                setSettingsOpen(false);
              }}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              edgesReconnectable={false}
              deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
              multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
              edgeTypes={edgeTypes}
              defaultEdgeOptions={{ type: 'journey', style: { strokeWidth: 1.6 } }}
              connectionLineStyle={{ strokeWidth: 1.6, stroke: '#1f6feb' }}
              minZoom={0.15}
              maxZoom={2}
              snapToGrid
              // big journeys (200+ nodes) stay smooth: only what is on screen is in the DOM
              onlyRenderVisibleElements={editor.nodes.length > 60}
              snapGrid={[8, 8]}
              proOptions={{ hideAttribution: true }}
            >
              <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#d5dbe5" />
              <Controls position="bottom-right" showInteractive={false} />
              <MiniMap
                position="top-right"
                pannable
                zoomable
                nodeColor={minimapColor}
                nodeStrokeWidth={0}
                style={{ width: 160, height: 100 }}
                className={panelNode || settingsOpen ? 'is-hidden' : ''}
              />
            </ReactFlow>
          </EditorViewContext.Provider>
          {editor.nodes.length === 0 && !readOnly && (
            <div className="yt-empty-canvas">
              <div className="yt-empty-canvas__title">{t('editor.emptyTitle')}</div>
              <div>{t('editor.emptyHint')}</div>
            </div>
          )}
          {!readOnly && (
            <ProblemsPanel
              problems={validation.problems}
              nodes={editor.nodes}
              byType={catalog.byType}
              settings={editor.settings}
              settingsSchema={catalog.journeySettings.configSchema}
              onOpenSettings={openSettings}
              open={problemsOpen}
              validating={validation.validating}
              onToggle={setProblemsOpen}
              onFocus={focusNode}
            />
          )}
          {showStats && stats && (
            <div className="yt-canvas-totals">
              <JourneyTotals totals={stats.totals} compact />
            </div>
          )}
          {settingsOpen && !panelNode && (
            <JourneySettingsPanel
              settings={editor.settings}
              problems={settingsProblems}
              readOnly={readOnly}
              onChange={editor.updateSettings}
              flushRef={panelFlush}
              onClose={() => setSettingsOpen(false)}
            />
          )}
          {panelNode && (
            <ConfigPanel
              key={panelNode.id}
              node={panelNode}
              nodeType={catalog.byType.get(panelNode.type ?? '')}
              problems={validation.problemsByNode.get(panelNode.id) ?? []}
              readOnly={readOnly}
              onChange={(data) => editor.updateConfig(panelNode.id, data)}
              flushRef={panelFlush}
              onDelete={() => {
                editor.removeNodes([panelNode.id]);
                setPanelId(null);
              }}
              onClose={() => setPanelId(null)}
              onEscape={closePanelToNode}
            />
          )}
        </div>
      </div>
      {!readOnly && (
        <SimulateDrawer
          open={simulating}
          journeyId={journeyId}
          document={async () => {
            await commitPanel();
            return editor.currentDoc();
          }}
          onClose={() => setSimulating(false)}
          onPath={(result: SimulationResult | null, doc: JourneyDocument | null) => {
            const path = result && doc ? simulatedPath(result, doc) : null;
            setSimPath(path);
            if (path) showPath([...path.nodes]);
          }}
        />
      )}
      <PublishModal
        open={publishing}
        journey={journey}
        nodeData={(id) => {
          const n = editor.nodes.find((x) => x.id === id);
          return n ? { type: String(n.type), data: n.data as Record<string, unknown> } : undefined;
        }}
        onCancel={() => setPublishing(false)}
        onPublish={publish}
      />
    </div>
  );
}
