/**
 * Message templates: `{{member.name}}`, `{{member.attributes.city}}`, `{{coupon.code}}`, with an optional
 * fallback after a bar: `{{member.name|亲爱的会员}}`. Unknown or empty values render as the fallback or ''.
 *
 * @example
 * renderTemplate('Hi {{member.name|there}}, code {{coupon.code}}', { member: { name: '' }, coupon: { code: 'A1' } })
 * // → 'Hi there, code A1'
 */
export function renderTemplate(template: string, scope: Record<string, unknown>): string {
  return template.replace(
    /\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}/g,
    (_m, path: string, fallback?: string) => {
      const value = lookup(scope, path);
      if (value === undefined || value === null || value === '') return fallback?.trim() ?? '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
  );
}

/** The variables a template uses, e.g. for warning that `{{coupon.code}}` has no coupon before it. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}/g)].map((m) => m[1]);
}

function lookup(scope: Record<string, unknown>, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
