import { useMemo } from 'react';
import { api } from '../api/client';
import type { JourneyDocument } from '../api/types';
import { outputsFor } from '../canvas/outputs';
import { renderSummary } from '../canvas/summary';
import { useSummaryFormat } from '../canvas/use-summary-format';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { useAsync } from '../shell/use-async';

export interface NodeName {
  /** the node type's title, e.g. 发送消息 */
  title: string;
  /** its one-line config summary, e.g. 短信 · 召回券提醒 */
  summary: string;
  /** an output's label (是 / 否, A 组, 超时…), or its id for a node not in the document */
  output(id: string): string;
}

/**
 * Names for the node ids of a report, from the document of the version shown (the draft's when all versions
 * are shown: a node deleted since is named by its id).
 */
export function useNodeNames(
  journeyId: string,
  version: number | undefined,
  draft: JourneyDocument | undefined,
): (nodeId: string) => NodeName {
  const { byType } = useCatalog();
  const { lang, pick } = useLang();
  const fmt = useSummaryFormat();
  const versioned = useAsync(
    () => (version === undefined ? Promise.resolve(null) : api.version(journeyId, version)),
    [journeyId, version],
  );
  const doc = version === undefined ? draft : (versioned.data?.document ?? draft);
  return useMemo(() => {
    const nodes = new Map((doc?.nodes ?? []).map((n) => [n.id, n]));
    return (nodeId: string) => {
      const node = nodes.get(nodeId);
      const type = node ? byType.get(node.type) : undefined;
      if (!node || !type) return { title: nodeId, summary: '', output: (id: string) => id };
      const data = (node.data ?? {}) as Record<string, unknown>;
      const outputs = new Map(outputsFor(type, data, lang).map((o) => [o.id, o.label]));
      return {
        title: pick(type.title),
        summary: renderSummary(pick(type.summary), data, type.configSchema, fmt),
        output: (id: string) => outputs.get(id) ?? id,
      };
    };
  }, [doc, byType, lang, pick, fmt]);
}
