import type { JsonSchema } from '../api/types';
import { getPath, schemaAt } from './paths';

/** What a summary needs to turn raw config values into words in the current language. */
export interface SummaryFormat {
  lang: 'zh' | 'en';
  /** a translated label for an enum value (`days` → `天`), or undefined to show it as is */
  enumLabel(value: string): string | undefined;
  /** a human name for a coupon template id, e.g. `新人券 ¥20 · 7天` */
  couponLabel(id: string): string | undefined;
  /** an audience id as its name and rule in words, e.g. `90 天未购买（最近一次 order_paid 超过 90 天前）` */
  segmentLabel?(id: string): string | undefined;
  notSet: string;
  /** ISO weekdays in words: 工作日, 周末, 每天, 周一、周三 (empty for none) */
  weekdays(days: number[]): string;
  /** a split's holdout share in words: 对照组 10% */
  holdout(percent: number): string;
  /** what a tracked link `{{link "https://…"}}` reads as in a summary: [链接] (default: the word link) */
  linkWord?: string;
  /** an event name as people say it: `order_paid` → 订单支付（order_paid）; undefined keeps the name */
  eventLabel?(name: string): string | undefined;
  /** a template variable as a word: `member.name` → 会员昵称 (a summary never shows raw `{{member.name}}`) */
  variableLabel?(path: string): string | undefined;
}

/** `{{link "https://…"}}` tokens (engine/render/template.ts): a summary names them instead of spelling them out. */
const LINK_TOKEN = /\{\{\s*link[\s"][^{}]*\}\}/g;
/** `{{member.name}}`, `{{ member.attributes.city | 上海 }}`: a variable with an optional default */
const VARIABLE = /\{\{\s*([\w.]+)\s*(?:\|[^{}]*)?\}\}/g;

/**
 * A message template as a readable preview: links named, variables as bracketed words
 * (`{{member.name}}，新品到店` → `[会员昵称]，新品到店`), so the canvas never shows template syntax.
 */
export function previewTemplate(text: string, fmt: SummaryFormat): string {
  return text
    .replace(LINK_TOKEN, fmt.linkWord ?? '[link]')
    .replace(VARIABLE, (_, path: string) => `[${fmt.variableLabel?.(path) ?? path.split('.').pop()}]`);
}

/** Words for weekday sets; the caller gives the language's names. */
export interface WeekdayWords {
  name(day: number): string;
  workdays: string;
  weekend: string;
  everyDay: string;
  sep: string;
}

/** ISO weekdays (1 = Monday … 7 = Sunday) in words: the usual sets by name, others listed in week order. */
export function formatWeekdays(days: unknown, w: WeekdayWords): string {
  if (!Array.isArray(days) || days.length === 0) return '';
  const set = [...new Set(days.filter((d): d is number => typeof d === 'number'))].sort((a, b) => a - b);
  const key = set.join(',');
  if (key === '1,2,3,4,5,6,7') return w.everyDay;
  if (key === '1,2,3,4,5') return w.workdays;
  if (key === '6,7') return w.weekend;
  return set.map((d) => w.name(d)).join(w.sep);
}

const MAX_TEXT = 14;

export function truncate(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max).join('')}…` : flat;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v).length === 0);
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
  if (schema?.['x-widget'] === 'weekdays' && Array.isArray(value)) return fmt.weekdays(value) || fmt.notSet;
  if (schema?.['x-widget'] === 'event' && typeof value === 'string')
    return fmt.eventLabel?.(value) ?? truncate(value);
  if (schema?.['x-widget'] === 'couponTemplate' && typeof value === 'string')
    return fmt.couponLabel(value) ?? value;
  // the audience's whole rule, not cut: the canvas node wraps it and shows all of it on hover
  if (schema?.['x-widget'] === 'segment' && typeof value === 'string')
    return fmt.segmentLabel?.(value) ?? truncate(value);
  const own = typeof value === 'string' ? enumWords(schema, value, fmt.lang) : undefined;
  if (own) return own;
  if (typeof value === 'string') return fmt.enumLabel(value) ?? truncate(previewTemplate(value, fmt));
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
    const unit =
      enumWords(schema?.properties?.unit, String(value.unit), fmt.lang) ??
      fmt.enumLabel(String(value.unit)) ??
      String(value.unit);
    return fmt.lang === 'zh' ? `${value.amount} ${unit}` : `${value.amount} ${unit}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return fmt.notSet;
    // a channel's message form (an SMS template and its parameters, a WeCom text): its words, previewed
    if (schema?.['x-widget'] === 'channelContent') {
      const words = entries.flatMap(([, v]) =>
        typeof v === 'string' && v.trim() ? [previewTemplate(v, fmt)] : [],
      );
      if (words.length) return truncate(words.join(sep), 28);
    }
    return truncate(entries.map(([k, v]) => `${k}=${String(v)}`).join(sep), 28);
  }
  return String(value);
}

/** A value's label from its schema's own `x-enum-labels`, in the summary's language. */
function enumWords(schema: JsonSchema | undefined, value: string, lang: 'zh' | 'en'): string | undefined {
  return schema?.['x-enum-labels']?.[value]?.[lang];
}

/** The parent path and key of a dotted path: `a.b.at` → [`a.b`, `at`]. */
function splitPath(path: string): [string, string] {
  const at = path.lastIndexOf('.');
  return at < 0 ? ['', path] : [path.slice(0, at), path.slice(at + 1)];
}

/**
 * A time of day reads with the weekdays it is limited to, when its object has a `weekdays` field:
 * `at: 10:00, weekdays: [1…5]` → 工作日 10:00.
 */
function timeWithWeekdays(
  config: Record<string, unknown>,
  schema: JsonSchema | undefined,
  path: string,
  text: string,
  fmt: SummaryFormat,
): string {
  const [parent] = splitPath(path);
  const owner = parent ? schemaAt(schema, parent) : schema;
  const key = Object.entries(owner?.properties ?? {}).find(([, s]) => s['x-widget'] === 'weekdays')?.[0];
  if (!key) return text;
  const days = fmt.weekdays((getPath(config, parent ? `${parent}.${key}` : key) as number[]) ?? []);
  return days ? `${days} ${text}` : text;
}

/** A split with a holdout group says so: the holdout's share (of the first list holding one). */
function holdoutNote(config: Record<string, unknown>, fmt: SummaryFormat): string {
  for (const v of Object.values(config)) {
    if (!Array.isArray(v)) continue;
    const held = v.find(
      (item) => item && typeof item === 'object' && (item as Record<string, unknown>).holdout === true,
    ) as { percent?: unknown } | undefined;
    if (held) return fmt.holdout(typeof held.percent === 'number' ? held.percent : 0);
  }
  return '';
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
  const text = template
    .replace(/([+-]?)\{\{\s*([\w.|]+)\s*\}\}/g, (_, sign: string, paths: string) => {
      // `{{body|content}}`: the first of the fields that is filled in
      const options = paths.split('|');
      const path = options.find((p) => !isBlank(getPath(config, p))) ?? options[0];
      const value = getPath(config, path);
      // "Tags +{{add}} -{{remove}}" with nothing to remove reads "Tags +vip", not "Tags +vip -not set"
      if (sign && isEmptyCollection(value)) return '';
      const fieldSchema = schemaAt(schema, path);
      const text = formatValue(value, fieldSchema, fmt);
      if (fieldSchema?.['x-widget'] === 'time' && value)
        return sign + timeWithWeekdays(config, schema, path, text, fmt);
      return sign + text;
    })
    .replace(/\s{2,}/g, ' ')
    .trim();
  const note = holdoutNote(config, fmt);
  return note ? `${text} · ${note}` : text;
}
