/**
 * Message templates: `{{member.name}}`, `{{member.attributes.city}}`, `{{coupon.code}}`, with an optional
 * fallback after a bar: `{{member.name|亲爱的会员}}`. Unknown or empty values render as the fallback or ''.
 * `{{link "https://…"}}` is a tracked link: the send renders it as the member's short link (`options.links`,
 * engine/links/), a preview as the destination itself.
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
  options: { html?: boolean; links?: (url: string) => string | undefined } = {},
): string {
  let out = '';
  let last = 0;
  for (const v of scanVariables(template)) {
    out += template.slice(last, v.start);
    if (v.link !== undefined) {
      // the short link when the send made one; else (a preview, a skipped message) where it leads, if anywhere
      const href = options.links?.(v.link) ?? trackableUrl(v.link) ?? '';
      out += options.html ? escapeHtml(href) : href;
      last = v.end;
      continue;
    }
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
  return [...scanVariables(template)].flatMap((v) => (v.link === undefined ? [v.path] : []));
}

/** The destinations of a template's `{{link "…"}}` tokens, as written (valid or not), in order, without repeats. */
export function templateLinks(template: string): string[] {
  const out = new Set<string>();
  for (const v of scanVariables(template)) if (v.link !== undefined) out.add(v.link);
  return [...out];
}

/** The longest destination a tracked link may have (what fits a redirect's Location comfortably). */
export const LINK_URL_MAX = 2000;

/**
 * The destination a `{{link "…"}}` may redirect to, normalized (`new URL().href`: punycode host, percent-encoded
 * path), or undefined: only absolute http(s) URLs with a host and no user name or password in them.
 */
export function trackableUrl(written: string): string | undefined {
  if (written.length === 0 || written.length > LINK_URL_MAX) return undefined;
  // written out in full: `http:/x` or `https:shop.cn` would be repaired by the URL parser into something else
  if (!/^https?:\/\/[^/]/i.test(written)) return undefined;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname || url.username || url.password) return undefined;
  return url.href.length > LINK_URL_MAX ? undefined : url.href;
}

/** What is wrong with a template's links, one sentence each (empty when they are all fine). */
export function linkProblems(template: string): string[] {
  const problems: string[] = [];
  for (const v of scanVariables(template)) {
    if (v.link === undefined) continue;
    if (v.link === '') problems.push('write a link as {{link "https://…"}}: the address in double quotes');
    else if (!trackableUrl(v.link))
      problems.push(
        `the link "${v.link.slice(0, 80)}" is not an http(s) address such as https://shop.example.com/sale`,
      );
  }
  return problems;
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
  /** a `{{link "…"}}` token: the destination as written ('' when the token is malformed) */
  link?: string;
}

/** `link "https://…"`: the whole inside of a link token (no braces inside, so this cannot backtrack far). */
const LINK_TOKEN = /^link\s+"([^"\s]+)"$/;
/** what makes a `{{…}}` a link token at all, well formed or not: the word link, then a space or a quote */
const LINK_START = /^link[\s"]/;

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
    const trimmed = inner.trim();
    if (closes && LINK_START.test(trimmed)) {
      // a URL may hold a bar: a link token has no fallback
      yield { start, end: j + 2, path: 'link', link: LINK_TOKEN.exec(trimmed)?.[1] ?? '' };
      from = j + 2;
      continue;
    }
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
