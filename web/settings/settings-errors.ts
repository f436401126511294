import type { FieldIssue } from '../api/client';

/**
 * The settings page's words for what PUT /api/settings refused (422 `issues`), keyed by the field path the
 * server names (`frequencyCaps.0.max`). The server's message is English; the page says it in the
 * marketer's language, field by field.
 */
export function settingsErrorKey(issue: FieldIssue): string {
  const f = issue.field;
  if (f === 'timezone') return 'settings.error.timezone';
  if (f === 'quietHours.start' || f === 'quietHours.end')
    return /start where they end/.test(issue.message)
      ? 'settings.error.quietHoursSame'
      : 'settings.error.time';
  const cap = /^frequencyCaps\.\d+\.(max|perDays|channel)$/.exec(f);
  if (cap) return `settings.error.${cap[1]}`;
  if (f === 'frequencyCaps') return 'settings.error.tooMany';
  if (/^personalAttributes(\.\d+)?$/.test(f)) return 'settings.error.personalAttribute';
  return 'settings.error.other';
}

/** Issues by field path, in the language of `t`; several issues on one field are joined. */
export function settingsErrors(
  issues: FieldIssue[] | undefined,
  t: (key: string) => string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of issues ?? []) {
    const text = t(settingsErrorKey(issue));
    const field = issue.field || '';
    const had = out.get(field);
    out.set(field, had && had !== text ? `${had}；${text}` : text);
  }
  return out;
}
