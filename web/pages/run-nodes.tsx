import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { JourneyDocument } from '../api/types';
import { outputsFor, type ResolvedOutput } from '../canvas/outputs';
import { renderSummary } from '../canvas/summary';
import { useSummaryFormat } from '../canvas/use-summary-format';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';

/** Published versions never change: their documents are loaded once per page session. */
const versions = new Map<string, Promise<JourneyDocument | null>>();

function versionDoc(journeyId: string, version: number): Promise<JourneyDocument | null> {
  const key = `${journeyId}@${version}`;
  let p = versions.get(key);
  if (!p) {
    p = api.version(journeyId, version).then(
      (v) => v.document ?? null,
      () => {
        versions.delete(key);
        return null;
      },
    );
    versions.set(key, p);
  }
  return p;
}

export interface NodeWords {
  /** the node type's title, e.g. 等待事件 */
  title: string;
  /** the node's one-line summary from its config, e.g. 等待 order_paid，最多 3 天 */
  summary: string | null;
  /** the node's outputs with their labels (a split's groups, a branch's conditions) */
  outputs: ResolvedOutput[];
}

/**
 * Names nodes of runs in words: the type's title and the node's one-line summary. It loads each journey
 * version the runs belong to once (not one request per run); until then the title comes from `nodeType`.
 */
export function useRunNodes(runs: { journeyId: string; version: number }[]) {
  const { lang, pick } = useLang();
  const { byType } = useCatalog();
  const fmt = useSummaryFormat();
  const [docs, setDocs] = useState<Map<string, JourneyDocument | null>>(new Map());
  const wanted = [...new Set(runs.map((r) => `${r.journeyId}@${r.version}`))].sort().join(',');

  useEffect(() => {
    let live = true;
    for (const key of wanted ? wanted.split(',') : []) {
      const at = key.lastIndexOf('@');
      void versionDoc(key.slice(0, at), Number(key.slice(at + 1))).then((doc) => {
        if (live) setDocs((m) => (m.has(key) ? m : new Map(m).set(key, doc)));
      });
    }
    return () => {
      live = false;
    };
  }, [wanted]);

  return (
    run: { journeyId: string; version: number },
    nodeId: string,
    nodeType?: string | null,
  ): NodeWords => {
    const node = docs.get(`${run.journeyId}@${run.version}`)?.nodes.find((n) => n.id === nodeId);
    const type = node?.type ?? nodeType ?? undefined;
    const nt = type ? byType.get(type) : undefined;
    if (!nt) return { title: nodeId, summary: null, outputs: [] };
    const summary = node ? renderSummary(pick(nt.summary), node.data ?? {}, nt.configSchema, fmt) : null;
    return {
      title: pick(nt.title),
      summary: summary || null,
      outputs: outputsFor(nt, node?.data ?? {}, lang),
    };
  };
}

/** "等待事件 · 等待 order_paid，最多 3 天", the id only as a tooltip for support. */
export function NodeLabel({ words, nodeId }: { words: NodeWords; nodeId: string }) {
  return (
    <span className="yt-run-node" title={nodeId}>
      <strong>{words.title}</strong>
      {words.summary && <span className="yt-muted"> · {words.summary}</span>}
    </span>
  );
}
