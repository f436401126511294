import type { Localized, NodeTypeInfo } from '../api/types';

export interface ResolvedOutput {
  id: string;
  label: string;
}

/** The outputs a node has right now: static ones, or one per item of a config array plus the extras. */
export function outputsFor(
  nodeType: NodeTypeInfo | undefined,
  config: Record<string, unknown>,
  lang: keyof Localized,
): ResolvedOutput[] {
  if (!nodeType) return [];
  const dyn = nodeType.dynamicOutputs;
  if (!dyn) return nodeType.outputs.map((o) => ({ id: o.id, label: o.label[lang] }));
  const items = Array.isArray(config[dyn.from]) ? (config[dyn.from] as Record<string, unknown>[]) : [];
  const fromConfig = items
    .filter((item) => item && typeof item[dyn.id] === 'string' && item[dyn.id] !== '')
    .map((item, i) => ({ id: String(item[dyn.id]), label: String(item[dyn.label] || `#${i + 1}`) }));
  return [...fromConfig, ...(dyn.extra ?? []).map((o) => ({ id: o.id, label: o.label[lang] }))];
}
