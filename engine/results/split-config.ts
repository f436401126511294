import type { Plan } from '../../workflows/plan.js';
import { DEFAULT_WINNER_RULE } from './index.js';

export interface SplitConfig {
  nodeId: string;
  label: string;
  variants: { id: string; label: string; percent: number; holdout: boolean }[];
  autoWinner: { enabled: boolean; minPerVariant?: number; threshold?: number };
}

/** The split nodes of a plan with their variants' labels and auto-winner settings (the node's own config). */
export function splitNodes(plan: Plan): SplitConfig[] {
  const out: SplitConfig[] = [];
  for (const node of Object.values(plan.nodes)) {
    if (node.type !== 'split') continue;
    const cfg = node.config as {
      variants?: { id: string; label?: string; percent?: number; holdout?: boolean }[];
      autoWinner?: { enabled?: boolean; minPerVariant?: number; threshold?: number };
      label?: string;
    };
    out.push({
      nodeId: node.id,
      label: typeof cfg.label === 'string' ? cfg.label : node.id,
      variants: (cfg.variants ?? []).map((v) => ({
        id: v.id,
        label: v.label ?? v.id,
        percent: v.percent ?? 0,
        holdout: v.holdout === true,
      })),
      autoWinner: {
        enabled: cfg.autoWinner?.enabled === true,
        minPerVariant: cfg.autoWinner?.minPerVariant,
        threshold: cfg.autoWinner?.threshold,
      },
    });
  }
  return out;
}

/** pickWinner's rule from a split's auto-winner settings (defaults: 500 per variant, 20 conversions, 0.997). */
export function winnerRule(a: SplitConfig['autoWinner']) {
  return {
    minSample: a.minPerVariant ?? DEFAULT_WINNER_RULE.minSample,
    minConversions: DEFAULT_WINNER_RULE.minConversions,
    threshold: a.threshold ?? DEFAULT_WINNER_RULE.threshold,
  };
}
