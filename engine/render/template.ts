/**
 * Message templates: `{{member.name}}`, `{{member.attributes.city}}`, `{{coupon.code}}`, with an optional
 * fallback after a bar: `{{member.name|亲爱的会员}}`. Unknown or empty values render as the fallback or ''.
 *
 * - Linear time: one left-to-right scan, no regular expression that could backtrack on an unclosed `{{`.
 * - A variable reaches only the scope's own data (the member's fields, the run's variables): never the
 *   prototype chain, so `{{member.constructor}}`, `{{member.toString}}` and `{{__proto__.x}}` render empty.
 * - `{ html: true }` escapes the values (not the template, fallbacks included) for channels that render HTML.
 *
 * @example
 * renderTemplate('Hi {{member.name|there}}, code {{coupon.code}}', { member: { name: '' }, coupon: { code: 'A1' } })
 * // → 'Hi there, code A1'
 */
export function renderTemplate(
  template: string,
  scope: Record<string, unknown>,
  options: { html?: boolean } = {},
): string {
  let out = '';
  let last = 0;
  for (const v of scanVariables(template)) {
    out += template.slice(last, v.start);
    const value = lookup(scope, v.path);
    if (value === undefined || value === null || value === '') {
      // the fallback is part of the template, written by its author: as it stands
      out += v.fallback?.trim() ?? '';
    } else {
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      out += options.html ? escapeHtml(text) : text;
    }
    last = v.end;
  }
  return out + template.slice(last);
}

/** The variables a template uses, e.g. for warning that `{{coupon.code}}` has no coupon before it. */
export function templateVariables(template: string): string[] {
  return [...scanVariables(template)].map((v) => v.path);
}

/** Channels whose messages are HTML: their variables are escaped. */
const HTML_CHANNELS = new Set(['email']);
export const rendersHtml = (channel: string | undefined) =>
  channel !== undefined && HTML_CHANNELS.has(channel);

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

interface Variable {
  /** where `{{` starts and `}}` ends */
  start: number;
  end: number;
  path: string;
  fallback?: string;
}

/**
 * The `{{ path | fallback }}` occurrences: no `{` or `}` inside, a non-empty path before the first bar.
 * Each character is looked at a bounded number of times, whatever the input (an unclosed `{{` included).
 */
function* scanVariables(template: string): Generator<Variable> {
  let from = 0;
  for (;;) {
    const start = template.indexOf('{{', from);
    if (start < 0) return;
    // the next brace after the opening one decides: `}}` closes it; anything else means no variable here
    let j = start + 2;
    while (j < template.length && template[j] !== '{' && template[j] !== '}') j++;
    const closes = template[j] === '}' && template[j + 1] === '}';
    const inner = template.slice(start + 2, j);
    const bar = inner.indexOf('|');
    const rawPath = bar < 0 ? inner : inner.slice(0, bar);
    if (closes && rawPath.length > 0) {
      yield {
        start,
        end: j + 2,
        path: rawPath.trim(),
        fallback: bar < 0 ? undefined : inner.slice(bar + 1),
      };
      from = j + 2;
    } else {
      // `{{{`: a variable may still open one character later; otherwise none opens before `j`
      from = j === start + 2 ? start + 1 : j;
    }
  }
}

function lookup(scope: Record<string, unknown>, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    // own data only: plain objects and arrays, own enumerable keys, never the prototype chain
    if (!Object.hasOwn(cur, key) || !Object.prototype.propertyIsEnumerable.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'function' ? undefined : cur;
}
