import type { JsonSchema } from '../api/types';
import { getPath, schemaAt } from './paths';

/** What a summary needs to turn raw config values into words in the current language. */
export interface SummaryFormat {
  lang: 'zh' | 'en';
  /** a translated label for an enum value (`days` → `天`), or undefined to show it as is */
  enumLabel(value: string): string | undefined;
  /** a human name for a coupon template id, e.g. `新人券 ¥20 · 7天` */
  couponLabel(id: string): string | undefined;
  notSet: string;
}

const MAX_TEXT = 14;

export function truncate(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max).join('')}…` : flat;
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || v === undefined;
}

function isDuration(v: unknown): v is { amount: unknown; unit: string } {
  return !!v && typeof v === 'object' && 'amount' in v && 'unit' in v;
}

/** Formats one config value for a one-line summary: arrays joined, durations as "3 天", long text cut. */
export function formatValue(value: unknown, schema: JsonSchema | undefined, fmt: SummaryFormat): string {
  const sep = fmt.lang === 'zh' ? '、' : ', ';
  if (value === undefined || value === null || value === '') return fmt.notSet;
  if (schema?.['x-widget'] === 'couponTemplate' && typeof value === 'string')
    return fmt.couponLabel(value) ?? value;
  if (typeof value === 'string') return fmt.enumLabel(value) ?? truncate(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return fmt.notSet;
    const parts = value.map((item) => {
      if (item && typeof item === 'object') {
        const o = item as Record<string, unknown>;
        const label = String(o.label ?? o.name ?? o.id ?? '');
        return typeof o.percent === 'number' ? `${label} ${o.percent}%` : label;
      }
      return formatValue(item, schema?.items, fmt);
    });
    const joined = parts.join(value.some((v) => v && typeof v === 'object') ? ' / ' : sep);
    return truncate(joined, 28);
  }
  if (isDuration(value)) {
    const unit = fmt.enumLabel(String(value.unit)) ?? String(value.unit);
    return fmt.lang === 'zh' ? `${value.amount} ${unit}` : `${value.amount} ${unit}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return fmt.notSet;
    return truncate(entries.map(([k, v]) => `${k}=${String(v)}`).join(sep), 28);
  }
  return String(value);
}

/**
 * Renders a node type's summary template (`等待 {{amount}} {{unit}}`) over its config.
 * @example renderSummary('Wait {{amount}} {{unit}}', { amount: 3, unit: 'days' }, schema, fmt) // "Wait 3 days"
 */
export function renderSummary(
  template: string,
  config: Record<string, unknown>,
  schema: JsonSchema | undefined,
  fmt: SummaryFormat,
): string {
  return template
    .replace(/([+-]?)\{\{\s*([\w.]+)\s*\}\}/g, (_, sign: string, path: string) => {
      const value = getPath(config, path);
      // "Tags +{{add}} -{{remove}}" with nothing to remove reads "Tags +vip", not "Tags +vip -not set"
      if (sign && isEmptyCollection(value)) return '';
      return sign + formatValue(value, schemaAt(schema, path), fmt);
    })
    .replace(/\s{2,}/g, ' ')
    .trim();
}
