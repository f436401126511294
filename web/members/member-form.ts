/**
 * Attributes are JSON values but edited as text: a value keeps the type it had (a number stays a number,
 * `true` a boolean, an object JSON) when the text still reads as that type; anything else is text.
 */
export function editableValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function attributeValue(text: string, before: unknown): unknown {
  const s = text.trim();
  if (typeof before === 'number' && s !== '' && Number.isFinite(Number(s))) return Number(s);
  if (typeof before === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
  if (before !== null && typeof before === 'object') {
    try {
      return JSON.parse(s);
    } catch {
      return text;
    }
  }
  return text;
}
