import type { JourneyDocument, SimulationResult } from '../api/types';

type SimStep = SimulationResult['steps'][number];

/** One line of a simulated path, in time order. */
export type SimItem =
  | { kind: 'enter'; afterMs: 0 }
  | {
      kind: 'event';
      afterMs: number;
      name: string /** after the member had left: it changed nothing */;
      late: boolean;
    }
  | { kind: 'step'; afterMs: number; step: SimStep }
  | { kind: 'end'; afterMs: number; end: SimulationResult['end'] };

/**
 * The simulated path as a timeline: entry, each step, the events the marketer made up (where they fall), and
 * where the member stands at the end. An event at the same moment as a step comes first (it caused it).
 */
export function simulationTimeline(
  result: SimulationResult,
  events: { name: string; afterMs: number }[],
): SimItem[] {
  const finished = !['running', 'waiting', 'failed'].includes(result.end.status);
  const items: SimItem[] = [
    { kind: 'enter', afterMs: 0 },
    ...events.map(
      (e): SimItem => ({
        kind: 'event',
        afterMs: e.afterMs,
        name: e.name,
        late: finished && e.afterMs > result.end.afterMs,
      }),
    ),
    ...result.steps.map((step): SimItem => ({ kind: 'step', afterMs: step.afterMs, step })),
  ];
  const rank = { enter: 0, event: 1, step: 2, end: 3 };
  // a stable sort: steps keep their order, events go before the steps they woke
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.afterMs - b.item.afterMs || rank[a.item.kind] - rank[b.item.kind] || a.i - b.i)
    .map((x) => x.item);
  return [...sorted, { kind: 'end', afterMs: result.end.afterMs, end: result.end }];
}

/** The nodes and edges a simulated path went through, to light them up on the canvas. */
export function simulatedPath(
  result: SimulationResult,
  doc: Pick<JourneyDocument, 'edges'>,
): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set(result.steps.map((s) => s.nodeId));
  if (result.end.nodeId) nodes.add(result.end.nodeId);
  const edges = new Set<string>();
  for (const s of result.steps) {
    if (!s.output) continue;
    const e = doc.edges.find((x) => x.source === s.nodeId && (x.sourceHandle ?? 'next') === s.output);
    if (e && nodes.has(e.target)) edges.add(e.id);
  }
  return { nodes, edges };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span since entry in words, the two largest units: 3 天 2 小时, 45 分钟, 立即 (0). */
export function formatOffset(ms: number, lang: 'zh' | 'en'): string {
  if (ms < MINUTE)
    return lang === 'zh'
      ? ms < 1000
        ? '立即'
        : `${Math.round(ms / 1000)} 秒`
      : ms < 1000
        ? 'at once'
        : `${Math.round(ms / 1000)} s`;
  const parts: [number, string, string][] = [
    [Math.floor(ms / DAY), '天', 'd'],
    [Math.floor((ms % DAY) / HOUR), '小时', 'h'],
    [Math.floor((ms % HOUR) / MINUTE), '分钟', 'min'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, zh, en]) => (lang === 'zh' ? `${n} ${zh}` : `${n} ${en}`))
    .join(lang === 'zh' ? ' ' : ' ');
}
